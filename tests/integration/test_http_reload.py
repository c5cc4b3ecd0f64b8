"""Hot reload around the http plugin: of an extension (new requests go to its new generation,
requests in flight finish on the old one, which is then unloaded), and of http itself (idle
keep-alive connections are handed to the new generation, busy ones finish on the old one).

Each test copies the plugins into its own directory so it can replace a file (new content, same
plugin) and send SIGHUP, as an operator would. The extensions are named under plugins.load: the
host re-reads that list on SIGHUP and reloads what changed on disk.
"""
import os
import shutil
import signal
import tempfile
import time
import unittest

from gorgon_harness import Gorgon
from test_http_protocol import (FIXTURES, HttpClient, check_clean_exit, http_config,
                                make_plugin_dir)


class HttpReloadCase(unittest.TestCase):
    SERVER = {}
    LOAD = FIXTURES  # plugins named in plugins.load; the rest load on demand

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-http-reload-")
        self.addCleanup(tmp.cleanup)
        self.plugin_dir = os.path.join(tmp.name, "plugins")
        make_plugin_dir(self.plugin_dir)
        self.generations = {}
        self.gorgon = Gorgon(http_config(self.SERVER, load=self.LOAD,
                                         plugins_extra=["drain_timeout: 20s"]),
                             plugin_dir=self.plugin_dir)
        self.addCleanup(self.gorgon.__exit__, None, None, None)
        self.gorgon.start(expect_servers=("web",))
        self.addCleanup(check_clean_exit, self.gorgon)
        self.address = self.gorgon.address("web")

    def client(self):
        c = HttpClient(self.address)
        self.addCleanup(c.close)
        return c

    def replace(self, name):
        """Puts new content (the same code plus trailing bytes, which the loader ignores) in
        place of NAME.so, atomically, as a package manager would."""
        path = os.path.join(self.plugin_dir, name + ".so")
        new = path + ".new"
        shutil.copy2(path, new)
        n = self.generations.get(name, 1)
        with open(new, "ab") as f:
            f.write(b"\0gorgon-http-reload-test %d\0" % n)
        os.rename(new, path)
        self.generations[name] = n + 1

    def reload(self, name):
        """Replaces NAME.so, sends SIGHUP, waits for the new generation. Returns the log offset
        from before."""
        start = len(self.gorgon.log())
        self.replace(name)
        self.gorgon.signal(signal.SIGHUP)
        self.gorgon.wait_log(rf"plugin {name} reloaded: generation {self.generations[name]}\b",
                             start=start)
        return start

    def wait_unloaded(self, name, start, timeout=15):
        self.gorgon.wait_log(rf"plugin {name} generation {self.generations[name] - 1} unloaded",
                             start=start, timeout=timeout)

    def unloaded(self, name, start):
        return f"plugin {name} generation {self.generations[name] - 1} unloaded" in \
            self.gorgon.log()[start:]


class TestOnDemandExtension(HttpReloadCase):
    """Extensions that only a route names are loaded on demand (service_acquire); SIGHUP must
    keep them, and reload them when their file changes."""
    LOAD = ()

    def test_sighup_keeps_and_reloads_an_extension_loaded_on_demand(self):
        def status(path):
            c = self.client()
            c.get(path)
            return c.response().status

        self.assertEqual(status("/hello"), 200)
        start = len(self.gorgon.log())
        self.gorgon.signal(signal.SIGHUP)
        self.gorgon.wait_log("configuration reloaded", start=start)
        self.assertNotIn("fixture-http-hello generation 1 unloaded", self.gorgon.log()[start:])
        self.assertEqual(status("/hello"), 200)
        start = self.reload("fixture-http-hello")
        self.assertEqual(status("/hello"), 200)
        self.wait_unloaded("fixture-http-hello", start)


class TestExtensionReload(HttpReloadCase):
    def test_new_requests_go_to_the_new_generation(self):
        c = self.client()
        c.get("/hello")
        old = c.response().header("X-Instance")
        start = self.reload("fixture-http-hello")
        c.get("/hello")  # the same kept-alive connection
        r = c.response()
        self.assertEqual((r.status, r.body), (200, b"hello"))
        self.assertNotEqual(r.header("X-Instance"), old)
        self.wait_unloaded("fixture-http-hello", start)
        log = self.gorgon.log()[start:]
        self.assertIn(f"route_close prefix=/hello instance={old}", log)
        self.assertIn("extension hello was reloaded", log)
        # And it goes on serving on the new one.
        c.get("/hello")
        self.assertEqual(c.response().header("X-Instance"), r.header("X-Instance"))

    def test_a_request_in_flight_finishes_on_the_old_generation(self):
        c = self.client()
        c.get("/hello")
        old = c.response().header("X-Instance")
        slow = self.client()
        slow.get("/hello?delay_ms=1500")
        time.sleep(0.2)
        start = self.reload("fixture-http-hello")
        c.get("/hello")
        new = c.response().header("X-Instance")
        self.assertNotEqual(new, old)
        time.sleep(0.3)
        self.assertFalse(self.unloaded("fixture-http-hello", start),
                         "unloaded while a request was in flight on it")
        r = slow.response()
        self.assertEqual((r.status, r.header("X-Instance")), (200, old))
        self.wait_unloaded("fixture-http-hello", start)

    def test_body_half_sent_across_an_extension_reload(self):
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcde")
        time.sleep(0.2)
        start = self.reload("fixture-http-body")
        other = self.client()
        other.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz")
        new = other.response().header("X-Instance")
        c.send("fghij")
        r = c.response()
        self.assertEqual((r.status, r.body), (200, b"abcdefghij"))
        self.assertNotEqual(r.header("X-Instance"), new)
        self.assertIsNone(r.header("Connection"))  # the connection is still good
        self.wait_unloaded("fixture-http-body", start)
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        r = c.response()
        self.assertEqual((r.body, r.header("X-Instance")), (b"ok", new))

    def test_abort_reaches_the_old_generation(self):
        slow = HttpClient(self.address)
        slow.get("/hello?delay_ms=3000")
        time.sleep(0.2)
        start = self.reload("fixture-http-hello")
        c = self.client()
        c.get("/hello")
        self.assertEqual(c.response().status, 200)
        slow.close()
        self.gorgon.wait_log(r"fixture-http-hello: abort prefix=/hello", start=start)
        self.wait_unloaded("fixture-http-hello", start)


class TestHttpReload(HttpReloadCase):
    def test_kept_alive_connection_moves_to_the_new_generation(self):
        c = self.client()
        c.get("/hello")
        self.assertEqual(c.response().status, 200)
        start = self.reload("http")
        log = self.gorgon.log()[start:]
        self.assertIn("handing 1 idle keep-alive connections to the new generation", log)
        self.assertIn("adopted 1 of 1 idle keep-alive connections", log)
        # The old generation holds nothing: it goes at once, though the client stays.
        self.wait_unloaded("http", start, timeout=5)
        for i in range(3):
            c.get(f"/hello?n={i}")
            r = c.response()
            self.assertEqual((r.status, r.body), (200, b"hello"))
            self.assertIsNone(r.header("Connection"))

    def test_partly_received_request_survives_the_hand_off(self):
        c = self.client()
        c.get("/hello")
        c.response()
        c.send("GET /hello?info=1 HTTP/1.1\r\nHo")
        time.sleep(0.2)
        start = self.reload("http")
        self.wait_unloaded("http", start, timeout=5)
        c.send("st: after\r\n\r\n")
        r = c.response()
        self.assertEqual(r.status, 200)
        self.assertIn(b"host=after\n", r.body)

    def test_request_half_sent_across_an_http_reload(self):
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcde")
        time.sleep(0.2)
        idle = self.client()
        idle.get("/hello")
        idle.response()
        start = self.reload("http")
        self.assertIn("adopted 1 of 1", self.gorgon.log()[start:])  # only the idle one
        c.send("fghij")
        r = c.response()
        # The old generation finishes what it had, then lets the connection go.
        self.assertEqual((r.status, r.body), (200, b"abcdefghij"))
        self.assertEqual(r.header("Connection"), "close")
        self.assertTrue(c.is_closed(timeout=4))
        self.wait_unloaded("http", start, timeout=10)
        idle.get("/hello")
        self.assertEqual(idle.response().status, 200)

    def test_slow_request_keeps_the_old_generation_until_it_is_answered(self):
        slow = self.client()
        slow.get("/hello?delay_ms=1200")
        time.sleep(0.2)
        start = self.reload("http")
        time.sleep(0.3)
        self.assertFalse(self.unloaded("http", start))
        r = slow.response()
        self.assertEqual((r.status, r.header("Connection")), (200, "close"))
        self.wait_unloaded("http", start, timeout=10)
        # New connections are served by the new generation all along.
        c = self.client()
        c.get("/hello")
        self.assertEqual(c.response().status, 200)

    def test_two_reloads_in_a_row(self):
        c = self.client()
        for _ in range(2):
            c.get("/hello")
            self.assertEqual(c.response().status, 200)
            start = self.reload("http")
            self.wait_unloaded("http", start, timeout=5)
        c.get("/hello")
        self.assertEqual(c.response().status, 200)


class TestHttpLifecycle(HttpReloadCase):
    def test_shutdown_finishes_requests_in_flight_and_closes_idle_ones(self):
        idle = self.client()
        idle.get("/hello")
        self.assertEqual(idle.response().status, 200)
        slow = self.client()
        slow.get("/hello?delay_ms=800")
        time.sleep(0.2)
        t0 = time.monotonic()
        self.gorgon.signal(signal.SIGTERM)
        self.assertTrue(idle.is_closed(timeout=2), "an idle keep-alive connection stayed open")
        self.assertLess(time.monotonic() - t0, 1.0)
        r = slow.response()
        self.assertEqual((r.status, r.header("Connection"), r.body), (200, "close", b"hello"))
        self.assertEqual(self.gorgon.proc.wait(10), 0)

    def test_changed_server_settings_apply_on_sighup(self):
        old = self.client()
        old.get("/hello")
        self.assertEqual(old.response().header("Server"), "Gorgon")
        start = len(self.gorgon.log())
        self.gorgon.write_config(http_config({"server_header": "Changed/1"}, load=FIXTURES,
                                             plugins_extra=["drain_timeout: 20s"]))
        self.gorgon.signal(signal.SIGHUP)
        self.gorgon.wait_log(r"configuration reloaded", start=start)
        self.assertIn("server web: new settings for new connections", self.gorgon.log()[start:])
        # The listener is kept (same address, not bound anew), and the kept-alive client moves
        # to the new settings at its next request instead of being closed.
        self.assertNotIn("server web listening on", self.gorgon.log()[start:])
        old.get("/hello")
        r = old.response()
        self.assertEqual((r.status, r.header("Server")), (200, "Changed/1"))
        c = self.client()
        c.get("/hello")
        r = c.response()
        self.assertEqual((r.status, r.header("Server")), (200, "Changed/1"))

if __name__ == "__main__":
    unittest.main()
