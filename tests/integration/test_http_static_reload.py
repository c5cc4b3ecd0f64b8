"""Hot reload of http-static and fs-os under traffic: requests keep being answered, a download
that started on the old generation finishes intact, and old generations are unloaded once
nothing uses them (an fs-os generation as soon as the routes opened on it are gone).

Each test copies the plugins into its own directory so that it can replace a file (new content,
same plugin) and send SIGHUP, as an operator would.
"""
import hashlib
import http.client
import os
import signal
import socket
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import Gorgon
from http_client import http_get
from reload_load import reload_plugin, replace_plugin
from test_http_static import clean_exit_problem, copy_plugins

BIG = 8 * 1024 * 1024


class HttpStaticReload(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-static-reload-")
        self.addCleanup(tmp.cleanup)
        self.plugin_dir = os.path.join(tmp.name, "plugins")
        os.mkdir(self.plugin_dir)
        copy_plugins(self.plugin_dir)
        self.root = os.path.join(tmp.name, "root")
        os.mkdir(self.root)
        with open(os.path.join(self.root, "hello.txt"), "wb") as f:
            f.write(b"hello across reloads\n")
        self.big = os.urandom(BIG)
        with open(os.path.join(self.root, "big.bin"), "wb") as f:
            f.write(self.big)
        self.marks = 0
        self.config = textwrap.dedent(f"""\
            plugins:
              directory: {self.plugin_dir}
              runtime_directory: @DIR@/run
              drain_timeout: 20s
              load:
                fs-os: {{}}
                http-static: {{}}
                http: {{}}
            servers:
              - name: web
                protocol: http
                listen: ["127.0.0.1:0"]
                config:
                  routes:
                    - extension: static
                      config:
                        root: {self.root}
                        listing: true
            """)
        self.g = Gorgon(self.config, plugin_dir=self.plugin_dir)
        self.addCleanup(self.g.__exit__, None, None, None)
        self.g.start(["web"])
        self.host, self.port = self.g.address("web")

    def get(self, path, conn=None):
        return http_get((self.host, self.port), path, timeout=10, conn=conn)

    def replace(self, name):
        """Rewrites plugin `name` (see replace_plugin), sends SIGHUP; returns the log offset."""
        self.marks += 1
        return reload_plugin(self.g, name, lambda: replace_plugin(self.plugin_dir, name,
                                                                  self.marks))

    def test_reloading_http_static_keeps_serving(self):
        keep = http.client.HTTPConnection(self.host, self.port, timeout=10)
        self.addCleanup(keep.close)
        self.assertEqual(self.get("/hello.txt", keep), (200, b"hello across reloads\n"))

        # A big download begins on generation 1 and is read slowly across the reload.
        s = socket.create_connection((self.host, self.port), timeout=10)
        self.addCleanup(s.close)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(65536)

        start = self.replace("http-static")
        self.g.wait_log(r"plugin http-static reloaded: generation 2", start=start)
        # New requests are answered, on a new connection and on the kept-alive one.
        self.assertEqual(self.get("/hello.txt"), (200, b"hello across reloads\n"))
        self.assertEqual(self.get("/hello.txt", keep), (200, b"hello across reloads\n"))
        self.assertEqual(self.get("/")[0], 200)

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head[:100])
        self.assertEqual(len(body), BIG)
        self.assertEqual(hashlib.sha256(body).digest(), hashlib.sha256(self.big).digest())

        self.g.wait_log(r"plugin http-static generation 1 unloaded", start=start, timeout=10)
        self.assertEqual(self.get("/hello.txt"), (200, b"hello across reloads\n"))
        self.assertIsNone(clean_exit_problem(self.g))

    def test_a_reloaded_fs_os_is_used_and_the_old_one_goes(self):
        start = self.replace("fs-os")
        self.g.wait_log(r"plugin fs-os reloaded: generation 2", start=start)
        # Routes opened before still serve, through the generation they opened their root with.
        self.assertEqual(self.get("/hello.txt"), (200, b"hello across reloads\n"))
        self.assertNotRegex(self.g.log()[start:], r"plugin fs-os generation 1 unloaded")

        # Routes reopened on a new http-static generation (the http plugin does that at the next
        # request) use fs-os generation 2, and nothing holds generation 1 any more.
        start = self.replace("http-static")
        self.g.wait_log(r"plugin http-static reloaded: generation 2", start=start)
        self.assertEqual(self.get("/hello.txt"), (200, b"hello across reloads\n"))
        self.g.wait_log(r"plugin fs-os generation 1 unloaded", start=start, timeout=10)
        self.assertEqual(self.get("/hello.txt"), (200, b"hello across reloads\n"))
        self.assertEqual(self.get("/")[0], 200)
        self.assertIsNone(clean_exit_problem(self.g))

    def test_routes_reopened_by_a_config_change_use_a_reloaded_fs_os(self):
        start = self.replace("fs-os")
        self.g.wait_log(r"plugin fs-os reloaded: generation 2", start=start)
        self.assertEqual(self.get("/hello.txt"), (200, b"hello across reloads\n"))
        # The same http-static generation reopens its route for new settings: the new route
        # pins fs-os generation 2, and so does the plugin itself from then on.
        start = len(self.g.log())
        self.g.write_config(self.config.replace("listing: true", "listing: false"))
        self.g.signal(signal.SIGHUP)
        self.g.wait_log(r"configuration reloaded", start=start)
        # The server was replaced; with port 0 in the configuration it listens on a new port.
        self.port = int(self.g.addresses("web")[-1].rpartition(":")[2])
        self.assertEqual(self.get("/hello.txt"), (200, b"hello across reloads\n"))
        self.g.wait_log(r"plugin fs-os generation 1 unloaded", start=start, timeout=10)
        self.assertNotRegex(self.g.log(), r"plugin http-static reloaded")
        self.assertEqual(self.get("/")[0], 403)  # the new settings are in force
        self.assertIsNone(clean_exit_problem(self.g))


if __name__ == "__main__":
    unittest.main()
