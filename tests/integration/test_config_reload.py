"""Configuration reloads drop nothing and are all or nothing.

- wrk (keep-alive, plus a `Connection: close` client) across SIGHUPs that change the HTTP
  server's settings: no socket error, no non-2xx, and the kept-alive connections move to the
  new settings (the old server instance closes while wrk's connections are still open);
- a SIGHUP whose server settings the plugin refuses leaves the old server serving, and the log
  names the file, line and column;
- an FTP session is kept across a change of its server's settings, still logged in;
- the clients of a removed FTP server are told "421 Service closing";
- the monitor answers a `config reload` that changes its own server's settings.

Every test starts its own gorgon and stops it; every wait is bounded.
"""
import ftplib
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

from gorgon_harness import Gorgon
from test_ftp import TIMEOUT, clean_exit_problem, copy_plugins, make_tree, server_config
from test_http_protocol import (DEFAULT_ROUTES, HttpClient, check_clean_exit, http_config,
                                make_plugin_dir)
from test_monitor import MonitorTestCase, ctl, monitor_config

WRK = os.environ.get("WRK", "wrk")


def established(port):
    """Established TCP connections on 127.0.0.1 whose local port is `port` (server side)."""
    n = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state == "01" and local == "0100007F:%04X" % port:
                n += 1
    return n


def routes(text):
    """The default routes with /hello answering `text`."""
    out = json.loads(json.dumps(DEFAULT_ROUTES))
    out[0]["config"]["text"] = text
    return out


class HttpReload(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-config-reload-")
        self.addCleanup(tmp.cleanup)
        self.plugin_dir = os.path.join(tmp.name, "plugins")
        make_plugin_dir(self.plugin_dir)
        self.g = Gorgon(self.config("one"), plugin_dir=self.plugin_dir)
        self.addCleanup(self.g.__exit__, None, None, None)
        self.g.start(expect_servers=("web",))
        self.allowed_errors = []  # the refusals a test provokes on purpose
        self.addCleanup(lambda: check_clean_exit(self.g, tuple(self.allowed_errors)))
        self.address = self.g.address("web")

    def config(self, text, server=None):
        # Keep-alive connections are never closed by the server for their request count: only
        # a move to the new settings frees the old ones.
        server = dict(server or {}, max_keepalive_requests=1_000_000_000)
        return http_config(server, routes=routes(text), load=("fixture-http-hello",
                                                              "fixture-http-body"))

    def reload(self, body):
        """Writes `body`, sends SIGHUP and waits for the outcome; returns the log since."""
        start = len(self.g.log())
        self.g.write_config(body)
        self.g.signal(signal.SIGHUP)
        self.g.wait_log(r"configuration reloaded|config reload refused", start=start)
        return self.g.log()[start:]

    def get(self, c, path="/hello"):
        c.get(path)
        r = c.response()
        self.assertEqual(r.status, 200, r.head)
        return r.body

    def test_a_kept_alive_connection_moves_to_the_new_settings(self):
        c = HttpClient(self.address)
        self.addCleanup(c.close)
        self.assertEqual(self.get(c), b"one")
        log = self.reload(self.config("two"))
        self.assertIn("new settings for new connections", log)
        # The same connection, at its next request: the new settings.
        self.assertEqual(self.get(c), b"two")
        self.g.wait_log(r"server web \(id 1\): closed, its last connection has ended")
        fresh = HttpClient(self.address)
        self.addCleanup(fresh.close)
        self.assertEqual(self.get(fresh), b"two")

    def test_refused_settings_leave_the_old_server_serving(self):
        c = HttpClient(self.address)
        self.addCleanup(c.close)
        self.assertEqual(self.get(c), b"one")
        self.allowed_errors.append(r"config reload refused")
        log = self.reload(self.config("two", server={"no_such_setting": 1}))
        m = re.search(r"config reload refused, the running configuration stays: (.*)", log)
        self.assertIsNotNone(m, log)
        self.assertRegex(m.group(1), re.escape(self.g.config_path) + r":\d+:\d+: .*no_such_setting")
        self.assertNotIn("new settings for new connections", log)
        self.assertEqual(self.get(c), b"one")
        fresh = HttpClient(self.address)
        self.addCleanup(fresh.close)
        self.assertEqual(self.get(fresh), b"one")

    def wrk(self, *extra):
        url = "http://%s:%d/hello" % self.address
        # Long enough never to end by itself: it is stopped with SIGINT, and prints its summary.
        return subprocess.Popen([WRK, "-t1", "-c8", "-d120s", "--timeout", "10s", *extra, url],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=30)
        return out

    def test_wrk_across_sighups_that_change_the_server(self):
        keep = self.wrk()
        close = None
        try:
            # wrk's kept-alive connections are all open before the first reload.
            deadline = time.monotonic() + 20
            while established(self.address[1]) < 8 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertGreaterEqual(established(self.address[1]), 8)
            close = self.wrk("-H", "Connection: close")
            for i, text in enumerate(("two", "three", "four"), start=1):
                start = len(self.g.log())
                log = self.reload(self.config(text))
                self.assertIn("new settings for new connections", log)
                fresh = HttpClient(self.address)
                self.addCleanup(fresh.close)
                self.assertEqual(self.get(fresh), text.encode())
                # wrk's kept-alive connections never close: the old instance closing means they
                # have all moved over at a request boundary.
                self.g.wait_log(rf"server web \(id {i}\): closed, its last connection has ended",
                                start=start, timeout=20)
                self.assertIsNone(keep.poll(), "wrk ended early")
                self.assertIsNone(close.poll(), "wrk ended early")
        finally:
            out_keep = self.finish(keep)
            out_close = self.finish(close) if close else ""
        for out in (out_keep, out_close):
            m = re.search(r"(\d+) requests in", out)
            self.assertIsNotNone(m, out)
            self.assertGreater(int(m.group(1)), 0, out)
            self.assertNotIn("Socket errors", out)
            self.assertNotIn("Non-2xx", out)


class FtpReload(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-ftp-reload-")
        self.addCleanup(tmp.cleanup)
        self.base = tmp.name
        self.root = make_tree(self.base)
        self.plugin_dir = os.path.join(self.base, "plugins")
        os.makedirs(self.plugin_dir)
        copy_plugins(self.plugin_dir)
        self.g = Gorgon(self.config("first"))
        self.addCleanup(self.g.__exit__, None, None, None)
        self.g.start(expect_servers=("ftp", "ftp2"))

    def tearDown(self):
        problem = clean_exit_problem(self.g)
        if problem:
            raise AssertionError(problem)

    def config(self, banner, second=True):
        settings = {"banner": banner, "anonymous": {"root": self.root}}
        extra = [{"name": "ftp2", "protocol": "ftp", "listen": ["127.0.0.1:0"],
                  "config": {"banner": "second", "anonymous": {"root": self.root}}}]
        return server_config(self.plugin_dir, settings, extra if second else ())

    def reload(self, body):
        start = len(self.g.log())
        self.g.write_config(body)
        self.g.signal(signal.SIGHUP)
        self.g.wait_log(r"configuration reloaded|config reload refused", start=start)
        return self.g.log()[start:]

    def login(self, server):
        f = ftplib.FTP()
        f.connect(*self.g.address(server), timeout=TIMEOUT)
        f.login("anonymous", "test@example")
        self.addCleanup(f.close)
        return f

    def test_a_session_is_kept_across_a_settings_change(self):
        f = self.login("ftp")
        self.assertEqual(f.getwelcome(), "220 first")
        self.assertIn("hello.txt", f.nlst())
        log = self.reload(self.config("second edition"))
        self.assertIn("new settings for new connections", log)
        # Still logged in, in the same directory, and a data connection works.
        self.assertEqual(f.pwd(), "/")
        self.assertIn("hello.txt", f.nlst())
        f.quit()
        g = self.login("ftp")
        self.assertEqual(g.getwelcome(), "220 second edition")

    def test_the_clients_of_a_removed_server_are_told(self):
        f = self.login("ftp2")
        self.assertIn("hello.txt", f.nlst())
        kept = self.login("ftp")
        log = self.reload(self.config("first", second=False))
        self.assertIn("server ftp2 removed", log)
        with self.assertRaisesRegex(ftplib.error_temp, r"^421 Service closing"):
            f.getresp()
        # The other server is untouched.
        self.assertIn("hello.txt", kept.nlst())


class MonitorReload(MonitorTestCase):
    def test_the_monitor_answers_a_reload_that_changes_its_own_server(self):
        self.start(monitor_config("max_clients: 8"))
        start = len(self.g.log())
        self.g.write_config(monitor_config("max_clients: 9"))
        out = self.ok("config", "reload")
        self.assertIn("configuration reloaded", out)
        self.assertIn("server monitor: new settings for new connections", self.g.log()[start:])
        self.g.wait_log(r"server monitor \(id 1\): closed, its last connection has ended",
                        start=start)
        # New connections get the new server, which answers too.
        self.assertIn("monitor", self.ok("status"))


if __name__ == "__main__":
    unittest.main()
