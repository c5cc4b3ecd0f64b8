"""http-status end to end: the real binary with the http and http-status plugins, curl as the
client, promtool to check the metrics, wrk across reloads of the extension.

- the HTML page (200, text/html, the server and plugin names), its JSON form and its fields;
- /metrics: the exposition content type, `promtool check metrics`, counters that grow;
- /healthz: 200 "ok", HEAD, 405 with Allow for other methods;
- route settings: moved and disabled paths, and refusals located at the key;
- `http-status` reloaded three times under wrk: no socket error, no non-2xx answer.

Every curl, promtool and wrk call has a deadline, and every server is stopped.
"""
import json
import os
import re
import subprocess
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import Gorgon, check_config, copy_plugins as harness_copy_plugins
from http_client import curl_response
from reload_load import reload_under_wrk
from test_http_protocol import check_clean_exit

PLUGINS = ("http.so", "http-status.so")
CURL_TIMEOUT = 20
PROMTOOL = os.environ.get("PROMTOOL", "promtool")


def copy_plugins(dest):
    """Copies the two plugins into `dest`, so that no other plugin of the build tree is picked
    up, with the permissions the host insists on."""
    harness_copy_plugins(dest, PLUGINS)


def config(plugin_dir, route_config="{}"):
    return textwrap.dedent(f"""\
        plugins:
          directory: {plugin_dir}
          runtime_directory: @DIR@/run
        servers:
          - name: web
            protocol: http
            listen: ["127.0.0.1:0"]
            config:
              routes:
                - extension: status
                  config: {route_config}
        """)


class Curl:
    def __init__(self, address):
        self.base = "http://%s:%d" % address

    def __call__(self, path, *args):
        """(status, headers as a lower-cased dict, body bytes) of one request."""
        # The head and the body both go to stdout (with -I, curl writes the head there itself).
        head_to = [] if "-I" in args else ["-D", "-"]
        return curl_response([*head_to, "-o", "-", *args, self.base + path],
                             max_time=CURL_TIMEOUT, timeout=CURL_TIMEOUT + 10)


def metric(text, name, labels=""):
    """The value of the sample `name{labels}` (labels exactly as printed) in exposition text."""
    m = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    if m is None:
        raise AssertionError(f"no sample {name}{labels} in:\n{text}")
    return float(m.group(1))


class HttpStatus(unittest.TestCase):
    """One server for the read-only checks."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-status-")
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        copy_plugins(cls.plugin_dir)
        cls.g = Gorgon(config(cls.plugin_dir))
        try:
            cls.g.start(expect_servers=("web",))
            cls.curl = Curl(cls.g.address("web"))
        except BaseException:
            cls.g.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            check_clean_exit(cls.g)
        finally:
            cls.g.__exit__(None, None, None)
            cls.tmp.cleanup()

    def test_html_page(self):
        status, headers, body = self.curl("/status")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        self.assertEqual(headers["cache-control"], "no-store")
        page = body.decode()
        self.assertTrue(page.startswith("<!DOCTYPE html>"), page[:100])
        self.assertIn("<td>web</td>", page)         # the server
        self.assertIn("<td>http-status</td>", page)  # the plugins, each with its generation
        self.assertIn("<td>http</td>", page)
        self.assertIn('href="/status?format=json"', page)
        self.assertIn('href="/metrics"', page)
        self.assertNotIn("<script", page)
        self.assertTrue(page.rstrip().endswith("</html>"))

    def test_json(self):
        status, headers, body = self.curl("/status?format=json")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        doc = json.loads(body)
        p = doc["process"]
        for key in ("version", "pid", "started_ms", "now_ms", "uptime_seconds", "stopping",
                    "connections", "connections_total", "requests_total", "bytes_in",
                    "bytes_out", "generations", "reloads"):
            self.assertIn(key, p)
        self.assertEqual(p["pid"], self.g.proc.pid)
        self.assertIs(p["stopping"], False)
        self.assertGreaterEqual(p["connections"], 1)  # this request's
        self.assertEqual(len(doc["watchdog"]["lag_buckets"]), 6)
        self.assertIsNone(doc["watchdog"]["lag_buckets"][-1]["lt_ms"])
        self.assertIn("lag_max_us", doc["watchdog"])
        self.assertIn("threads", doc["work_pool"])
        web = [s for s in doc["servers"] if s["name"] == "web"]
        self.assertEqual(len(web), 1, doc["servers"])
        self.assertEqual(web[0]["protocol"], "http")
        self.assertRegex(web[0]["listen"], r"^127\.0\.0\.1:\d+$")
        names = {g["name"]: g for g in doc["plugins"]}
        self.assertEqual(names["http-status"]["state"], "active")
        self.assertGreaterEqual(names["http-status"]["generation"], 1)
        self.assertGreater(names["http-status"]["loaded_ms"], 0)
        self.assertGreaterEqual(doc["connections"]["open"], 1)
        self.assertIn(self.g.address("web")[0], doc["connections"]["listed"][0]["peer"])
        self.assertIsInstance(doc["stats"], list)
        # format=html is the page; any other format is refused.
        self.assertTrue(self.curl("/status?format=html")[2].startswith(b"<!DOCTYPE html>"))
        self.assertEqual(self.curl("/status?format=xml")[0], 400)

    def test_metrics_pass_promtool_and_count(self):
        status, headers, body = self.curl("/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        p = subprocess.run([PROMTOOL, "check", "metrics"], input=body, capture_output=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, (p.stdout + p.stderr).decode(errors="replace"))
        text = body.decode()
        self.assertIn("# TYPE gorgon_requests_total counter", text)
        labels = '{server="web",protocol="http"}'
        before = metric(text, "gorgon_server_requests_total", labels)
        bytes_before = metric(text, "gorgon_server_sent_bytes_total", labels)
        for _ in range(5):
            self.assertEqual(self.curl("/healthz")[0], 200)
        after_text = self.curl("/metrics")[2].decode()
        # The five, plus the first /metrics (ended before this one was answered).
        self.assertGreaterEqual(metric(after_text, "gorgon_server_requests_total", labels),
                                before + 6)
        self.assertGreater(metric(after_text, "gorgon_server_sent_bytes_total", labels),
                           bytes_before)
        self.assertGreaterEqual(metric(after_text, "gorgon_requests_total"), before + 6)
        self.assertEqual(metric(after_text, "gorgon_stopping"), 0)
        self.assertRegex(after_text, r'gorgon_plugin_info\{plugin="http-status",generation="\d+",'
                                     r'version="[^"]+",state="active"\} 1')

    def test_healthz(self):
        status, headers, body = self.curl("/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))
        self.assertTrue(headers["content-type"].startswith("text/plain"))
        # HEAD: the same head, no body.
        status, headers, body = self.curl("/healthz", "-I")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(headers["content-length"], "3")
        for path in ("/healthz", "/status", "/metrics"):
            status, headers, _ = self.curl(path, "-X", "POST", "-d", "x")
            self.assertEqual(status, 405, path)
            self.assertEqual(headers["allow"], "GET, HEAD", path)

    def test_other_paths_are_not_taken(self):
        # Exact paths only: anything else goes on to the next route (none here: 404).
        for path in ("/status/", "/statusx", "/metrics/x", "/", "/healthz2"):
            self.assertEqual(self.curl(path)[0], 404, path)


class Settings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-status-settings-")
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        copy_plugins(cls.plugin_dir)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_moved_and_disabled_paths_and_refresh(self):
        route = "{page: /admin/status, metrics: false, healthz: /ping, refresh: 7}"
        with Gorgon(config(self.plugin_dir, route)) as g:
            g.start(expect_servers=("web",))
            curl = Curl(g.address("web"))
            status, _, body = curl("/admin/status")
            self.assertEqual(status, 200)
            self.assertIn(b'<meta http-equiv="refresh" content="7">', body)
            self.assertNotIn(b'href="/metrics"', body)
            self.assertEqual(curl("/ping")[:3:2], (200, b"ok\n"))
            for path in ("/status", "/metrics", "/healthz"):
                self.assertEqual(curl(path)[0], 404, path)
            check_clean_exit(g)

    def test_refusals_are_located(self):
        cases = [
            ("{colour: blue}", "colour"),
            ("{page: status}", "page"),
            ("{metrics: true}", "metrics"),
            ("{healthz: '/a b'}", "healthz"),
            ("{page: /x, metrics: /x}", "metrics"),
            ("{refresh: -1}", "refresh"),
            ("{connections: lots}", "connections"),
            ("{page: false, metrics: false, healthz: false}", "disabled"),
        ]
        for route, needle in cases:
            code, out = check_config(config(self.plugin_dir, route).replace("@DIR@", self.tmp.name))
            self.assertNotEqual(code, 0, route)
            self.assertIn(needle, out, route)
            self.assertRegex(out, r"gorgon\.yaml:\d+:\d+", route)


class ReloadUnderLoad(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-status-reload-")
        self.addCleanup(tmp.cleanup)
        self.plugin_dir = os.path.join(tmp.name, "plugins")
        copy_plugins(self.plugin_dir)
        self.g = Gorgon(config(self.plugin_dir))
        self.addCleanup(self.g.__exit__, None, None, None)
        self.g.start(expect_servers=("web",))
        self.address = self.g.address("web")

    def test_reloads_under_wrk_lose_nothing(self):
        url = "http://%s:%d/healthz" % self.address
        reload_under_wrk(self, self.g, self.plugin_dir, "http-status", url, (2, 3, 4))
        doc = json.loads(Curl(self.address)("/status?format=json")[2])
        status = [g for g in doc["plugins"] if g["name"] == "http-status"]
        self.assertEqual([(g["generation"], g["state"]) for g in status], [(4, "active")])
        self.assertEqual(doc["process"]["reloads"], 3)
        check_clean_exit(self.g)


if __name__ == "__main__":
    unittest.main()
