"""Plugin management through gorgonctl: load, unload and reload of fixture and real plugins, a
new version whose init fails leaving the old one serving, and the monitor reloading itself.

The plugins are copies, in a private directory per test, of the real plugins (monitor, chat) and
of the fixtures in GORGON_FIXTURE_DIR. Every test starts its own gorgon and stops it; every
gorgonctl run and socket read is bounded.
"""
import json
import os
import re
import shutil
import socket
import tempfile
import time
import unittest

from gorgon_harness import FIXTURE_DIR, PLUGIN_DIR
from test_monitor import MonitorTestCase, RawMonitor, ctl, monitor_config

FIXTURES = ("fixture-echo", "fixture-depends-echo", "fixture-init-fails", "fixture-leaks-timer")


class ReloadTestCase(MonitorTestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-monitor-plugins-")
        self.addCleanup(tmp.cleanup)
        self.plugins = tmp.name
        os.chmod(self.plugins, 0o755)
        for name in ("monitor", "chat"):
            self.put(os.path.join(PLUGIN_DIR, name + ".so"))
        for name in FIXTURES:
            self.put(os.path.join(FIXTURE_DIR, name + ".so"))
        body = monitor_config() + ('  - name: echo\n    protocol: echo\n'
                                   '    listen: ["127.0.0.1:0"]\n')
        self.start(body, servers=("monitor", "chat", "echo"), plugin_dir=self.plugins)

    def put(self, src, name=None):
        dst = os.path.join(self.plugins, name or os.path.basename(src))
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o755)
        return dst

    def generations(self, name):
        """[(generation, state, connections)] of plugin `name`, from `plugins --json`."""
        for p in self.json("plugins")["plugins"]:
            if p["name"] == name:
                return [(g["generation"], g["state"], g["connections"]) for g in p["generations"]]
        return []

    def echo(self):
        s = socket.create_connection(self.g.address("echo"), timeout=5)
        self.addCleanup(s.close)
        return s

    def ask(self, s, line):
        s.sendall(line.encode() + b"\n")
        data = b""
        deadline = time.monotonic() + 5
        while not data.endswith(b"\n") and time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode().rstrip("\r\n")

    def fails(self, code, *args):
        p = ctl(self.sock, *args)
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        return p.stderr


class LoadUnload(ReloadTestCase):
    def test_load_and_unload_a_plugin(self):
        doc = self.json("load", "fixture-depends-echo")
        loaded = doc["loaded"][0]
        self.assertEqual((loaded["name"], loaded["generation"], loaded["state"]),
                         ("fixture-depends-echo", 1, "active"))
        self.assertRegex(loaded["sha256"], r"^[0-9a-f]{64}$")
        self.assertEqual(self.generations("fixture-depends-echo"), [(1, "active", 0)])
        # Loading it again is a conflict; a plugin others depend on stays.
        self.assertIn("already loaded", self.fails(1, "load", "fixture-depends-echo"))
        self.assertIn("fixture-depends-echo", self.fails(1, "unload", "fixture-echo"))
        self.assertEqual(self.ask(self.echo(), "still"), "still")
        out = self.ok("unload", "fixture-depends-echo")
        self.assertIn("unloaded fixture-depends-echo", out)
        self.g.wait_log(r"plugin fixture-depends-echo generation 1 unloaded")
        self.assertEqual(self.generations("fixture-depends-echo"), [])
        self.assertIn("is not loaded", self.fails(1, "unload", "fixture-depends-echo"))
        self.assertIn("uses a protocol", self.fails(1, "unload", "chat"))

    def test_load_by_path_and_its_timers_go_with_it(self):
        path = os.path.join(self.plugins, "fixture-leaks-timer.so")
        self.assertIn("loaded fixture-leaks-timer 1.0.0 as generation 1", self.ok("load", path))
        self.g.wait_log(r"fixture-leaks-timer tick")
        self.ok("unload", "fixture-leaks-timer")
        m = self.g.wait_log(r"plugin fixture-leaks-timer generation 1 unloaded")
        time.sleep(0.2)
        self.assertNotIn("fixture-leaks-timer tick", self.g.log()[m.end():])

    def test_a_plugin_whose_init_fails_is_refused_and_nothing_else_moves(self):
        def state():
            return sorted((p["name"], g["generation"], g["state"])
                          for p in self.json("plugins")["plugins"] for g in p["generations"])
        before = state()
        err = self.fails(1, "load", "fixture-init-fails")
        self.assertIn("deliberate init failure", err)
        p = ctl(self.sock, "--json", "load", "fixture-init-fails")
        self.assertEqual(json.loads(p.stdout)["error"]["code"], 500)
        self.assertEqual(state(), before)
        self.assertEqual(self.ask(self.echo(), "fine"), "fine")
        self.assertIn("no-such", self.fails(1, "load", "no-such"))
        self.fails(2, "load", "BadName")


class Reload(ReloadTestCase):
    def test_reload_moves_new_connections_and_drains_the_old(self):
        old = self.echo()
        self.assertEqual(self.ask(old, "before"), "before")
        doc = self.json("reload", "fixture-echo")["reloaded"]
        self.assertEqual((doc["generation"], doc["state"]), (2, "active"))
        self.assertEqual(self.generations("fixture-echo"), [(1, "draining", 1), (2, "active", 0)])
        self.assertEqual(self.ask(old, "after"), "after")  # still served by generation 1
        new = self.echo()
        self.assertEqual(self.ask(new, "new"), "new")
        old.close()
        self.g.wait_log(r"plugin fixture-echo generation 1 unloaded")
        self.assertEqual(self.generations("fixture-echo"), [(2, "active", 1)])
        self.assertIn("is not loaded", self.fails(1, "reload", "no-such"))

    def test_a_new_version_that_fails_leaves_the_old_one_serving(self):
        old = self.echo()
        self.assertEqual(self.ask(old, "before"), "before")
        # The file in the plugin directory is replaced by one that is not fixture-echo...
        broken = self.put(os.path.join(FIXTURE_DIR, "fixture-init-fails.so"), "broken.so")
        err = self.fails(1, "reload", "fixture-echo", broken)
        self.assertIn("reload of fixture-echo failed, generation 1 keeps serving", err)
        self.assertEqual(self.generations("fixture-echo"), [(1, "active", 1)])
        self.assertEqual(self.ask(old, "after"), "after")
        self.assertEqual(self.ask(self.echo(), "new"), "new")
        self.assertNotRegex(self.g.log(), r"plugin fixture-echo reloaded")

    def test_reload_chat_keeps_its_users(self):
        c = socket.create_connection(self.g.address("chat"), timeout=5)
        self.addCleanup(c.close)
        c.recv(100)
        c.sendall(b"alice\n")
        time.sleep(0.1)
        out = self.ok("reload", "chat")
        self.assertIn("reloaded chat: generation 2", out)
        self.g.wait_log(r"adopted 1 of 1 chat users")
        c.sendall(b"/who\n")
        data = b""
        deadline = time.monotonic() + 5
        while not re.search(rb"\[1 caller in lobby\]\r\n  alice\r\n", data):
            self.assertLess(time.monotonic(), deadline, data)
            chunk = c.recv(4096)
            self.assertTrue(chunk, f"closed: {data!r}")
            data += chunk
        self.assertEqual(self.generations("chat")[-1], (2, "active", 1))

    def test_the_monitor_reloads_itself_and_still_answers(self):
        # One shot: the reply (221: done, closing) comes from the old generation.
        out = self.ok("reload", "monitor")
        self.assertIn("reloaded monitor: generation 2", out)
        self.assertEqual(self.ok("status").splitlines()[0][:7], "gorgon ")
        self.assertEqual([g for g, state, _ in self.generations("monitor")
                          if state == "active"], [2])
        # The session that asked gets its reply, then the connection closes with it; another
        # session, idle meanwhile, is told to reconnect (421).
        idle = RawMonitor(self.sock)
        self.addCleanup(idle.close)
        idle.read()
        c = RawMonitor(self.sock)
        self.addCleanup(c.close)
        c.read()
        code, text, _ = c.ask("reload monitor")
        self.assertEqual(code, 221, text)
        self.assertTrue(c.at_eof())
        code, text, _ = idle.read()
        self.assertEqual(code, 421)
        self.assertIn("reconnect", text)
        self.assertTrue(idle.at_eof())
        # A script goes on across it: gorgonctl reconnects.
        p = ctl(self.sock, input="reload monitor\nstatus\nplugins\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("reloaded monitor: generation 4", p.stdout)
        self.assertRegex(p.stdout, r"(?m)^monitor +\S+ +4 +active")
        self.g.wait_log(r"plugin monitor generation 1 unloaded")


if __name__ == "__main__":
    unittest.main()
