"""The fs-os plugin as the host sees it: it loads on its own, takes no settings, and publishes
filesystem:os for consumers. What it does with paths is tested in tests/unit/fs_os_test.cpp
(confinement, symlinks, errors) and end to end through http-static in test_http_static.py."""
import os
import shutil
import tempfile
import textwrap
import unittest

from gorgon_harness import PLUGIN_DIR, Gorgon, check_config
from test_http_static import clean_exit_problem


class FsOs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-fs-os-")
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        os.mkdir(cls.plugin_dir)
        src = os.path.join(PLUGIN_DIR, "fs-os.so")
        if not os.path.exists(src):
            raise AssertionError(f"{src} is missing: build the fs-os plugin")
        shutil.copyfile(src, os.path.join(cls.plugin_dir, "fs-os.so"))
        os.chmod(os.path.join(cls.plugin_dir, "fs-os.so"), 0o644)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def config(self, settings="{}"):
        return textwrap.dedent(f"""\
            plugins:
              directory: {self.plugin_dir}
              runtime_directory: @DIR@/run
              load:
                fs-os: {settings}
            """)

    def test_loads_and_stops_cleanly(self):
        with Gorgon(self.config(), plugin_dir=self.plugin_dir) as g:
            g.start()
            g.wait_log(r"plugin fs-os \S+ loaded: generation 1")
            g.wait_log(r"gorgon \S+ running")
            self.assertIsNone(clean_exit_problem(g))
            self.assertRegex(g.log(), r"plugin fs-os generation 1 unloaded")

    def test_settings_are_refused(self):
        text = self.config("{root: /srv}").replace("@DIR@", self.tmp.name)
        code, out = check_config(text)
        self.assertNotEqual(code, 0, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*root")


if __name__ == "__main__":
    unittest.main()
