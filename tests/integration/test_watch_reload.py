"""plugins.watch: the plugin directory watched with inotify (a copy of the fixtures in a private
directory per test). A new file the configuration names is loaded, a replaced one is reloaded
once its write is complete (copied in place, or renamed into place), and an invalid one is refused
with a log line while the old generation keeps serving. Every test stops its server, and every
wait is bounded."""
import os
import re
import shutil
import tempfile
import time
import unittest

from test_lifecycle import ECHO, GorgonTestCase, fixture_path, make_config, wait_count


def new_version(src, dst, tag):
    """Writes `src` plus trailing bytes to `dst` in place: the same code, a different digest."""
    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as f:
        f.write(data + b"\0gorgon-test-" + tag.encode())
    os.chmod(dst, 0o755)


class WatchTest(GorgonTestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-watch-")
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name
        os.chmod(self.dir, 0o755)

    def put(self, name, as_name=None):
        dst = os.path.join(self.dir, (as_name or name) + ".so")
        shutil.copyfile(fixture_path(name), dst)
        os.chmod(dst, 0o755)
        return dst

    def start_watching(self, load=(), servers=(ECHO,)):
        g = self.start(make_config(directory=self.dir, load=load, servers=servers,
                                   extra="").replace("plugins:\n", "plugins:\n  watch: true\n", 1),
                       servers=[s[0] for s in servers])
        g.wait_log(r"watching .* for plugins")
        return g

    def test_replaced_in_place_is_reloaded_and_serves(self):
        self.put("fixture-echo")
        g = self.start_watching()
        c = self.client(g, "echo")
        self.assertEqual(c.ask("before"), "before")
        start = len(g.log())
        new_version(fixture_path("fixture-echo"), os.path.join(self.dir, "fixture-echo.so"), "v2")
        g.wait_log(r"plugin fixture-echo reloaded: generation 2", start=start)
        self.assertServes(g)
        # The connection made before the reload is still served (by generation 1, draining).
        self.assertEqual(c.ask("after"), "after")

    def test_renamed_into_place_is_reloaded_once(self):
        self.put("fixture-echo")
        g = self.start_watching()
        start = len(g.log())
        tmp = os.path.join(self.dir, ".fixture-echo.so.tmp")
        new_version(fixture_path("fixture-echo"), tmp, "v2")
        # Nothing happens for the temporary name: the watcher says it saw it and ignored it (so
        # it started no quiet period, and no check can follow from it)...
        g.wait_log(r"plugin directory: \.fixture-echo\.so\.tmp written, ignored", start=start)
        self.assertNotIn("plugin directory changed", g.log()[start:])
        os.rename(tmp, os.path.join(self.dir, "fixture-echo.so"))
        g.wait_log(r"plugin fixture-echo reloaded: generation 2", start=start)
        # ...and one rename is one reload, not several. A marker file written now is read after
        # every event caused so far (the rename, and anything the reload itself wrote there):
        # once the watcher has ignored it, the one relevant event it read is the rename, so no
        # second quiet period is running and no second check or reload can follow.
        self.assertServes(g)
        with open(os.path.join(self.dir, ".marker"), "w"):
            pass
        end = g.wait_log(r"plugin directory: \.marker written, ignored", start=start).end()
        log = g.log()[start:end]
        self.assertEqual(re.findall(r"plugin directory: (\S+ (?:moved in|written))\n", log),
                         ["fixture-echo.so moved in"], log)
        self.assertEqual(log.count("plugin directory changed"), 1, log)
        self.assertNotRegex(log, r"generation 3")

    def test_new_file_named_by_the_configuration_is_loaded(self):
        self.put("fixture-echo")
        g = self.start_watching(load=("fixture-depends-echo",))
        g.wait_log(r"plugin fixture-depends-echo is not in .* yet")
        start = len(g.log())
        self.put("fixture-depends-echo")
        g.wait_log(r"plugin fixture-depends-echo \S+ loaded: generation 1", start=start)
        self.assertServes(g)

    def test_a_file_nobody_asked_for_is_not_loaded(self):
        self.put("fixture-echo")
        g = self.start_watching()
        start = len(g.log())
        self.put("fixture-producer")
        # The watcher logs this once the check the new file caused is over: anything it loaded
        # is in the log by then.
        g.wait_log(r"plugin directory checked", start=start)
        self.assertServes(g)
        self.assertNotRegex(g.log()[start:], r"plugin fixture-producer \S+ loaded")

    def test_invalid_replacement_is_refused_and_the_old_version_keeps_serving(self):
        self.put("fixture-echo")
        g = self.start_watching()
        c = self.client(g, "echo")
        start = len(g.log())
        with open(os.path.join(self.dir, "fixture-echo.so"), "wb") as f:
            f.write(b"this is not an ELF file\n" * 10)
        g.wait_log(r"plugin refused: .*fixture-echo\.so", start=start)
        self.assertNotRegex(g.log()[start:], r"generation 2")
        self.assertEqual(c.ask("still"), "still")
        self.assertServes(g)
        # A valid file afterwards is picked up again.
        start = len(g.log())
        new_version(fixture_path("fixture-echo"), os.path.join(self.dir, "fixture-echo.so"), "v3")
        g.wait_log(r"plugin fixture-echo reloaded: generation 2", start=start)
        self.assertServes(g)

    def test_group_writable_replacement_is_refused(self):
        self.put("fixture-echo")
        g = self.start_watching()
        start = len(g.log())
        dst = os.path.join(self.dir, "fixture-echo.so")
        tmp = os.path.join(self.dir, "staging")
        new_version(fixture_path("fixture-echo"), tmp, "v2")
        os.chmod(tmp, 0o775)
        os.rename(tmp, dst)
        g.wait_log(r"plugin refused: .*fixture-echo\.so.*writable", start=start)
        self.assertNotRegex(g.log()[start:], r"generation 2")
        self.assertServes(g)

    def test_watch_off_ignores_changes(self):
        self.put("fixture-echo")
        g = self.start(make_config(directory=self.dir, servers=[ECHO]), servers=["echo"])
        new_version(fixture_path("fixture-echo"), os.path.join(self.dir, "fixture-echo.so"), "v2")
        # Nothing watches (no watcher was made, so nothing can react later)...
        self.assertNotRegex(g.log(), r"watching .* for plugins")
        # ...and indeed no reaction within twice the quiet period.
        time.sleep(0.6)
        self.assertNotIn("plugin directory changed", g.log())
        self.assertNotRegex(g.log(), r"generation 2")


if __name__ == "__main__":
    unittest.main()
