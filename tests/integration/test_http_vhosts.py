"""Virtual hosts in the http plugin: route sets chosen by the request's host on one listener.

Names (exact, wildcard, the default), how the host is read (the port, a trailing dot, upper case,
an IPv6 literal, an absolute-form target, no Host in HTTP/1.0), 421 for a host no virtual host
serves, the SNI/Host agreement over TLS, the access log's vhost field, a SIGHUP that changes a
virtual host's routes, and refused configurations (duplicate names, invalid names, two defaults).
Driven by curl and a raw socket client."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import FIXTURE_DIR, PLUGIN_DIR, Gorgon, check_config
from test_http_protocol import HttpClient, check_clean_exit, request_once
from tls_pki import Pki

CURL_TIMEOUT = 30


def make_plugin_dir(path):
    """http, http-static (and the fs-os provider it uses) and the hello fixture, nothing else."""
    os.makedirs(path)
    for src in (os.path.join(PLUGIN_DIR, "http.so"), os.path.join(PLUGIN_DIR, "http-static.so"),
                os.path.join(PLUGIN_DIR, "fs-os.so"),
                os.path.join(FIXTURE_DIR, "fixture-http-hello.so")):
        dest = os.path.join(path, os.path.basename(src))
        shutil.copyfile(src, dest)
        os.chmod(dest, 0o644)


def hello(text):
    return [{"extension": "hello", "config": {"prefix": "/", "text": text}}]


def server(name, config, tls=""):
    """One http server entry; `config` (a dict) is written as JSON, which is valid YAML."""
    return textwrap.indent(f"""\
- name: {name}
  protocol: http
  listen: ["127.0.0.1:0", "[::1]:0"]
{tls}  config: {json.dumps(config)}
""", "  ")


def curl(*args):
    p = subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True,
                       timeout=CURL_TIMEOUT, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


class VhostCase(unittest.TestCase):
    @classmethod
    def start(cls, body, servers):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-vhosts-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        make_plugin_dir(cls.plugin_dir)
        cls.gorgon = Gorgon(body, plugin_dir=cls.plugin_dir)
        cls.addClassCleanup(cls.gorgon.__exit__, None, None, None)
        cls.gorgon.start(expect_servers=servers)
        cls.addClassCleanup(check_clean_exit, cls.gorgon)

    def get(self, server, host, path="/", version="1.1", target=None):
        """A raw request (so the Host field is exactly `host`; None: no Host field)."""
        lines = [f"GET {target or path} HTTP/{version}"]
        if host is not None:
            lines.append(f"Host: {host}")
        raw = "\r\n".join(lines + ["Connection: close"]) + "\r\n\r\n"
        return request_once(self.gorgon.address(server), raw)


class TestPlainVhosts(VhostCase):
    """Server `web`: a.test (and www.a.test), *.b.test, b.test (static files), [::1], and the
    top-level routes as the default. Server `strict`: only a.test, no default."""

    @classmethod
    def setUpClass(cls):
        docroot = tempfile.mkdtemp(prefix="gorgon-vhosts-www-")
        cls.addClassCleanup(shutil.rmtree, docroot)
        with open(os.path.join(docroot, "index.html"), "w") as f:
            f.write("static b.test\n")
        web = {
            "virtual_hosts": [
                {"names": ["a.test", "www.a.test"], "routes": hello("site a")},
                {"names": ["*.b.test"], "routes": hello("any below b.test")},
                {"names": ["deep.b.test"], "routes": hello("exactly deep.b.test")},
                {"names": ["*.x.b.test"], "routes": hello("below x.b.test")},
                {"names": ["b.test"],
                 "routes": [{"extension": "static", "config": {"root": docroot}}]},
                {"names": ["::1"], "routes": hello("ipv6 literal")},
            ],
            "routes": hello("the default"),
            "access_log": {"file": "@DIR@/web.log", "format": "json"},
        }
        strict = {
            "virtual_hosts": [{"names": ["a.test"], "routes": hello("strict a")}],
            "access_log": {"file": "@DIR@/strict.log", "format": "vhost_combined"},
        }
        cls.start("servers:\n" + server("web", web) + server("strict", strict),
                  ("web", "strict"))
        cls.port = cls.gorgon.address("web")[1]
        cls.strict_port = cls.gorgon.address("strict")[1]

    def body(self, host, server="web", **kw):
        r = self.get(server, host, **kw)
        self.assertEqual(r.status, 200, r)
        return r.body

    def test_two_virtual_hosts_on_one_port_answer_different_content(self):
        for name, expected in (("a.test", b"site a"), ("www.a.test", b"site a"),
                               ("b.test", b"static b.test\n")):
            rc, out, err = curl("--resolve", f"{name}:{self.port}:127.0.0.1",
                                f"http://{name}:{self.port}/")  # Host: NAME:PORT
            self.assertEqual((rc, out), (0, expected), err)

    def test_host_case_port_and_trailing_dot_do_not_matter(self):
        for host in ("A.TEST", "a.test.", f"A.Test.:{self.port}", f"WWW.a.TEST:{self.port}"):
            self.assertEqual(self.body(host), b"site a", host)

    def test_wildcards_cover_any_depth_and_the_longest_wins(self):
        self.assertEqual(self.body("one.b.test"), b"any below b.test")
        self.assertEqual(self.body("two.one.B.TEST"), b"any below b.test")
        self.assertEqual(self.body("deep.b.test"), b"exactly deep.b.test")  # exact first
        self.assertEqual(self.body("x.b.test"), b"any below b.test")
        self.assertEqual(self.body("y.x.b.test:80"), b"below x.b.test")
        # "*.b.test" does not cover b.test itself, which has a virtual host of its own
        self.assertEqual(self.body("b.test"), b"static b.test\n")

    def test_unknown_hosts_go_to_the_default(self):
        self.assertEqual(self.body("unknown.test"), b"the default")
        self.assertEqual(self.body("127.0.0.1"), b"the default")
        self.assertEqual(self.body("xa.test"), b"the default")
        self.assertEqual(self.body("test"), b"the default")
        self.assertEqual(self.body(None, version="1.0"), b"the default")  # 1.0 needs no Host
        self.assertEqual(self.body("", version="1.0"), b"the default")

    def test_ipv6_literal_host(self):
        self.assertEqual(self.body(f"[::1]:{self.port}"), b"ipv6 literal")
        self.assertEqual(self.body("[::1]"), b"ipv6 literal")
        v6 = [a for a in self.gorgon.addresses("web") if a.startswith("[::1]:")]
        self.assertTrue(v6, self.gorgon.addresses("web"))
        rc, out, err = curl("-g", f"http://{v6[0]}/")  # Host: [::1]:PORT
        self.assertEqual((rc, out), (0, b"ipv6 literal"), err)

    def test_absolute_form_target_names_the_host_whatever_host_says(self):
        r = self.get("web", "unknown.test", target="http://a.test/")
        self.assertEqual((r.status, r.body), (200, b"site a"))
        r = self.get("web", "a.test", target=f"http://One.B.Test:{self.port}/x?y")
        self.assertEqual((r.status, r.body), (200, b"any below b.test"))
        rc, out, err = curl("-x", f"http://127.0.0.1:{self.port}", "http://www.a.test/")
        self.assertEqual((rc, out), (0, b"site a"), err)

    def test_http11_without_host_is_still_400(self):
        r = self.get("web", None)
        self.assertEqual(r.status, 400, r)

    def test_a_host_no_virtual_host_serves_is_421_without_a_default(self):
        self.assertEqual(self.body("A.test.", server="strict"), b"strict a")
        for host in ("b.test", "www.a.test", "127.0.0.1"):
            r = self.get("strict", host)
            self.assertEqual(r.status, 421, r)
            self.assertEqual(r.reason, "Misdirected Request")
            self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        r = self.get("strict", None, version="1.0")
        self.assertEqual(r.status, 421, r)
        # 421 is an answer, not a refusal of the connection: it stays usable
        c = HttpClient(self.gorgon.address("strict"))
        self.addCleanup(c.close)
        c.send("GET / HTTP/1.1\r\nHost: other.test\r\n\r\nGET / HTTP/1.1\r\nHost: a.test\r\n\r\n")
        self.assertEqual(c.response().status, 421)
        r = c.response()
        self.assertEqual((r.status, r.body), (200, b"strict a"))

    def wait_lines(self, name, count):
        """The access log's lines once it holds `count` (it is written at least once a
        second)."""
        path = os.path.join(self.gorgon.dir, name)
        deadline = time.monotonic() + 15
        while True:
            lines = []
            if os.path.exists(path):
                with open(path) as f:
                    lines = f.read().splitlines()
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.1)

    def test_access_log_names_the_virtual_host(self):
        before = len(self.wait_lines("web.log", 0))
        self.body("WWW.A.TEST:1")
        self.body("q.b.test")
        self.body("elsewhere.test")
        lines = self.wait_lines("web.log", before + 3)
        records = [json.loads(line) for line in lines]
        seen = {(r["host"], r["vhost"]) for r in records}
        for pair in (("WWW.A.TEST:1", "a.test"), ("q.b.test", "*.b.test"),
                     ("elsewhere.test", "*")):
            self.assertIn(pair, seen)

        before = len(self.wait_lines("strict.log", 0))
        self.body("a.test", server="strict")
        self.assertEqual(self.get("strict", "nowhere.test").status, 421)
        lines = self.wait_lines("strict.log", before + 2)[before:]
        self.assertEqual(len(lines), 2, lines)
        self.assertRegex(lines[0], r'^a\.test 127\.0\.0\.1 - - \[[^]]+\] "GET / HTTP/1\.1" 200 8 ')
        self.assertRegex(lines[1], r'^- 127\.0\.0\.1 - - \[[^]]+\] "GET / HTTP/1\.1" 421 \d+ ')


class TestTlsVhosts(VhostCase):
    """TLS with certificates for a.test and b.test on one port; a virtual host each, and the
    default. The name the client sent (SNI) and the Host must pick the same virtual host."""

    @classmethod
    def setUpClass(cls):
        cls.pki_dir = tempfile.TemporaryDirectory(prefix="gorgon-vhosts-pki-")
        cls.addClassCleanup(cls.pki_dir.cleanup)
        cls.pki = Pki(cls.pki_dir.name)
        a = cls.pki.issue("a.test", names=["www.a.test"])
        b = cls.pki.issue("b.test")
        tls = (f"  tls:\n    certificates:\n      - {{cert: {a.cert}, key: {a.key}}}\n"
               f"      - {{cert: {b.cert}, key: {b.key}}}\n")
        web = {
            "virtual_hosts": [
                {"names": ["a.test", "www.a.test"], "routes": hello("secure a")},
                {"names": ["b.test"], "routes": hello("secure b")},
                {"default": True, "routes": hello("secure default")},
            ],
        }
        cls.start("servers:\n" + server("web", web, tls), ("web",))
        cls.port = cls.gorgon.address("web")[1]

    def https(self, sni, *extra, path="/"):
        return curl("--cacert", self.pki.ca_cert, "-o", "-", "-w", "\n%{http_code}",
                    "--resolve", f"{sni}:{self.port}:127.0.0.1", *extra,
                    f"https://{sni}:{self.port}{path}")

    def test_sni_and_host_of_one_virtual_host(self):
        for sni, expected in (("a.test", b"secure a\n200"), ("b.test", b"secure b\n200")):
            rc, out, err = self.https(sni)
            self.assertEqual((rc, out), (0, expected), err)
        # different names of one virtual host agree
        rc, out, err = self.https("a.test", "-H", "Host: WWW.A.TEST.")
        self.assertEqual((rc, out), (0, b"secure a\n200"), err)

    def test_sni_of_one_virtual_host_and_host_of_another_is_421(self):
        rc, out, err = self.https("a.test", "-H", "Host: b.test")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.endswith(b"\n421"), out)
        self.assertIn(b"Misdirected Request", out)
        rc, out, err = self.https("b.test", "-H", f"Host: a.test:{self.port}")
        self.assertTrue(out.endswith(b"\n421"), out)
        # a name no virtual host has goes to the default, which is not a.test's
        rc, out, err = self.https("a.test", "-H", "Host: unknown.test")
        self.assertTrue(out.endswith(b"\n421"), out)

    def test_an_http10_request_without_host_goes_to_the_sni_name(self):
        # openssl s_client sends the name as SNI, and then exactly the request given
        p = subprocess.run(["openssl", "s_client", "-quiet", "-connect",
                            f"127.0.0.1:{self.port}", "-servername", "b.test"],
                           input=b"GET / HTTP/1.0\r\n\r\n", capture_output=True, timeout=30)
        self.assertRegex(p.stdout, rb"^HTTP/1\.1 200 OK\r\n(.|\n)*\r\n\r\nsecure b$")

    def test_without_sni_the_host_decides(self):
        # curl sends no SNI to an IP address (RFC 6066 3); -k: the certificate cannot match it
        rc, out, err = curl("-k", "-o", "-", "-w", "\n%{http_code}", "-H", "Host: b.test",
                            f"https://127.0.0.1:{self.port}/")
        self.assertEqual((rc, out), (0, b"secure b\n200"), err)


class TestReload(VhostCase):
    """A SIGHUP that changes a virtual host's routes and names: new connections get the new
    ones, as with the top-level routes."""

    @classmethod
    def setUpClass(cls):
        cls.start("servers:\n" + server("web", cls.config("first a", ["a.test"])), ("web",))

    @staticmethod
    def config(text, names):
        return {"virtual_hosts": [{"names": names, "routes": hello(text)}]}

    def test_sighup_changes_the_virtual_hosts(self):
        self.assertEqual(self.get("web", "a.test").body, b"first a")
        self.assertEqual(self.get("web", "c.test").status, 421)
        start = len(self.gorgon.log())
        self.gorgon.write_config("servers:\n" +
                                 server("web", self.config("second a", ["a.test", "c.test"])))
        self.gorgon.signal(signal.SIGHUP)
        self.gorgon.wait_log(r"configuration reloaded", start=start)
        self.assertEqual(self.get("web", "a.test").body, b"second a")
        self.assertEqual(self.get("web", "c.test").body, b"second a")


class TestExtensionReload(VhostCase):
    """An extension replaced on disk (SIGHUP): each virtual host's routes move to its new
    generation, also those of a virtual host no request reaches, and the old one unloads."""

    @classmethod
    def setUpClass(cls):
        web = {"virtual_hosts": [{"names": ["a.test"], "routes": hello("a")},
                                 {"names": ["b.test"], "routes": hello("b")}]}
        cls.start("plugins:\n  directory: @PLUGIN_DIR@\n  load:\n    fixture-http-hello: {}\n"
                  "servers:\n" + server("web", web), ("web",))

    def test_every_virtual_host_moves_to_the_new_generation(self):
        first = {h: self.get("web", h).header("X-Instance") for h in ("a.test", "b.test")}
        self.assertEqual(first["a.test"], first["b.test"])
        path = os.path.join(self.plugin_dir, "fixture-http-hello.so")
        shutil.copy2(path, path + ".new")
        with open(path + ".new", "ab") as f:
            f.write(b"\0gorgon-vhosts-test\0")  # new content, same code
        os.rename(path + ".new", path)
        start = len(self.gorgon.log())
        self.gorgon.signal(signal.SIGHUP)
        self.gorgon.wait_log(r"plugin fixture-http-hello reloaded: generation 2\b", start=start)
        r = self.get("web", "a.test")  # only a.test is asked
        self.assertEqual(r.body, b"a")
        self.assertNotEqual(r.header("X-Instance"), first["a.test"])
        # b.test's route moves without a request of its own, so generation 1 unloads
        self.gorgon.wait_log(r"virtual host b\.test, route 0: extension hello was reloaded",
                             start=start)
        self.gorgon.wait_log(r"plugin fixture-http-hello generation 1 unloaded", start=start)
        b, a = self.get("web", "b.test"), self.get("web", "a.test")
        self.assertEqual((b.body, b.header("X-Instance")), (b"b", a.header("X-Instance")))


class TestConfigErrors(unittest.TestCase):
    """Refused at --check-config, located at the offending node."""

    def refused(self, config, expected):
        text = f"plugins:\n  directory: {PLUGIN_DIR}\nservers:\n" + server("web", config)
        rc, out = check_config(text)
        self.assertEqual(rc, 1, out)
        self.assertRegex(out, expected)

    def test_a_duplicate_name_is_refused_with_both_places(self):
        self.refused({"virtual_hosts": [{"names": ["a.test", "b.test"], "routes": []},
                                        {"names": ["B.Test."], "routes": []}]},
                     r"gorgon\.yaml:\d+:\d+: servers\[0\]\.config\.virtual_hosts\[1\]\.names\[0\]: "
                     r"duplicate virtual host name b\.test \(first at \S*gorgon\.yaml:\d+:\d+: "
                     r"servers\[0\]\.config\.virtual_hosts\[0\]\.names\[1\]\)")
        self.refused({"virtual_hosts": [{"names": ["*.a.test", "*.A.test"], "routes": []}]},
                     r"virtual_hosts\[0\]\.names\[1\]: duplicate virtual host name \*\.a\.test")

    def test_a_name_that_is_not_a_host_name_is_refused(self):
        for name in ("a.test:8080", "exa mple.test", "www.a.*", "a..test", "-a.test", "[::1"):
            self.refused({"virtual_hosts": [{"names": ["ok.test", name], "routes": []}]},
                         r"virtual_hosts\[0\]\.names\[1\]: not a host name")

    def test_two_defaults_are_refused(self):
        self.refused({"virtual_hosts": [{"default": True, "routes": []},
                                        {"names": ["*"], "routes": []}]},
                     r"virtual_hosts\[1\]: a second default virtual host \(the first is at ")
        self.refused({"routes": [], "virtual_hosts": [{"default": True, "routes": []}]},
                     r"virtual_hosts\[0\]: a default virtual host and the top-level routes")

    def test_an_entry_without_names_or_default_and_unknown_keys_are_refused(self):
        self.refused({"virtual_hosts": [{"routes": []}]},
                     r"virtual_hosts\[0\]: a virtual host needs names")
        self.refused({"virtual_hosts": [{"names": ["a.test"], "root": "/srv"}]}, r"root")
        self.refused({"virtual_hosts": {"a.test": []}}, r"virtual_hosts: expected a list")


if __name__ == "__main__":
    unittest.main()
