"""Hot reload of http-put under wrk PUT load: every upload is answered 2xx across three
reloads, the old generations are unloaded once their uploads are done, and no temporary file
is left behind.

The plugins are copied into a directory of the test's own, so that http-put.so can be
replaced (new content, same code) and SIGHUP sent, as an operator would.
"""
import os
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import Gorgon
from reload_load import reload_under_wrk
from test_http_put import copy_plugins, temp_files
from test_http_static import clean_exit_problem

BODY = 4096

SCRIPT = textwrap.dedent(f"""\
    wrk.method = "PUT"
    wrk.body = string.rep("w", {BODY})
    wrk.headers["Content-Type"] = "application/octet-stream"
    """)


class HttpPutReload(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-put-reload-")
        self.addCleanup(tmp.cleanup)
        self.base = tmp.name
        self.plugin_dir = os.path.join(self.base, "plugins")
        os.mkdir(self.plugin_dir)
        copy_plugins(self.plugin_dir)
        self.root = os.path.join(self.base, "root")
        os.mkdir(self.root)
        config = textwrap.dedent(f"""\
            plugins:
              directory: {self.plugin_dir}
              runtime_directory: @DIR@/run
              drain_timeout: 20s
              load:
                fs-os: {{}}
                http-put: {{}}
                http-static: {{}}
                http: {{}}
            servers:
              - name: web
                protocol: http
                listen: ["127.0.0.1:0"]
                config:
                  max_keepalive_requests: 1000000000
                  routes:
                    - extension: put
                      config:
                        root: {self.root}
                        fsync: false
                    - extension: static
                      config:
                        root: {self.root}
            """)
        self.g = Gorgon(config, plugin_dir=self.plugin_dir)
        self.addCleanup(self.g.__exit__, None, None, None)
        self.g.start(["web"])
        self.host, self.port = self.g.address("web")

    def test_reloading_http_put_under_wrk_loses_no_upload(self):
        script = os.path.join(self.base, "put.lua")
        with open(script, "w") as f:
            f.write(SCRIPT)
        url = f"http://{self.host}:{self.port}/load.bin"

        def first_upload():
            deadline = time.monotonic() + 20
            while not os.path.exists(os.path.join(self.root, "load.bin")) and \
                    time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(os.path.exists(os.path.join(self.root, "load.bin")), "no upload")

        # Routes move to the new generation at their next request; the old one goes once its
        # last upload has been answered.
        reload_under_wrk(self, self.g, self.plugin_dir, "http-put", url, (2, 3, 4),
                         wrk_args=("-s", script), before=first_upload, reload_timeout=20,
                         unload_timeout=20)
        with open(os.path.join(self.root, "load.bin"), "rb") as f:
            self.assertEqual(f.read(), b"w" * BODY)
        # Checked once gorgon has stopped: an upload wrk cut when it was stopped is removed when
        # gorgon reads the close, which may come after wrk's summary.
        self.assertIsNone(clean_exit_problem(self.g))
        self.assertEqual(temp_files(self.root), [])


if __name__ == "__main__":
    unittest.main()
