"""Plugin lifecycle against the real binary: refusals, discovery, load/unload/reload, SIGHUP,
SIGTERM.

The plugins are the fixtures in GORGON_FIXTURE_DIR (tests/fixtures): fixture-echo is the
general-purpose line protocol, fixture-control drives plugin management through the host table
(a stand-in for the monitor), and the others each embody one failure mode. Every test starts its
own gorgon on 127.0.0.1 with port 0 and stops it, every socket operation has a timeout, and the
whole file is bounded by the CTest timeout.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from gorgon_harness import BIN, FIXTURE_DIR, Gorgon, check_config, run_gorgon


def fixture_path(name, directory=None):
    return os.path.join(directory or FIXTURE_DIR, name + ".so")


def make_config(directory=None, load=(), servers=(), drain="30s", extra=""):
    """YAML for the harness: a plugin section and servers [(name, protocol, config-or-None)]."""
    lines = [
        "plugins:",
        f"  directory: {directory or FIXTURE_DIR}",
        "  runtime_directory: @DIR@/run",
        f"  drain_timeout: {drain}",
    ]
    if load:
        lines.append("  load:")
        lines += [f"    {name}: {{}}" for name in load]
    lines.append("servers:" if servers else "servers: []")
    for name, protocol, config in servers:
        lines += [f"  - name: {name}", f"    protocol: {protocol}",
                  '    listen: ["127.0.0.1:0"]']
        if config:
            lines.append(f"    config: {config}")
    return "\n".join(lines) + "\n" + extra


ECHO = ("echo", "echo", None)
CONTROL = ("control", "control", None)


class LineClient:
    """A line-oriented TCP client; every read is bounded by `timeout` seconds."""

    def __init__(self, address, timeout=5.0):
        self.sock = socket.create_connection(address, timeout=timeout)
        self.timeout = timeout
        self.buf = b""

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def readline(self):
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no complete line within {self.timeout}s (have {self.buf!r})")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                raise AssertionError(f"connection closed while waiting for a line ({self.buf!r})")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode(errors="replace").rstrip("\r")

    def ask(self, line):
        self.send(line)
        return self.readline()

    def command(self, line):
        """Sends a fixture-control command; returns (output lines, final "ok"/"error ..." line)."""
        self.send(line)
        out = []
        while True:
            reply = self.readline()
            if reply == "ok" or reply.startswith("error"):
                return out, reply
            out.append(reply)

    def at_eof(self):
        """True if the peer closed the connection (EOF or reset) within the timeout."""
        self.sock.settimeout(self.timeout)
        try:
            return self.sock.recv(4096) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def wait_count(gorgon, pattern, count, start=0, timeout=5.0):
    """Waits until `pattern` occurs at least `count` times in the log after `start`."""
    deadline = time.monotonic() + timeout
    rx = re.compile(pattern)
    while time.monotonic() < deadline:
        if len(rx.findall(gorgon.log(), start)) >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"{pattern!r} did not occur {count} times\nlog:\n{gorgon.log()[start:]}")


class GorgonTestCase(unittest.TestCase):
    def start(self, body, servers=(), plugin_dir=None):
        g = Gorgon(body, plugin_dir=plugin_dir)
        self.addCleanup(g.__exit__, None, None, None)
        g.start(expect_servers=servers)
        return g

    def client(self, gorgon, server):
        c = LineClient(gorgon.address(server))
        self.addCleanup(c.close)
        return c

    def assertServes(self, gorgon, server="echo", prefix=""):
        c = LineClient(gorgon.address(server))
        try:
            self.assertEqual(c.ask("still here"), prefix + "still here")
        finally:
            c.close()


# What each bad fixture's refusal must say, besides naming its file.
# The host's ABI version, as the binary reports it ("gorgon X (plugin ABI M.N)").
_VERSION = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=10).stdout
HOST_MAJOR, HOST_MINOR = (int(x) for x in re.search(r"plugin ABI (\d+)\.(\d+)", _VERSION).groups())

BAD_FIXTURES = {
    "fixture-newer-major": [rf"built for plugin ABI {HOST_MAJOR + 1}\.0",
                            rf"this host provides {HOST_MAJOR}\.{HOST_MINOR}"],
    "fixture-newer-minor": [rf"built for plugin ABI {HOST_MAJOR}\.{HOST_MINOR + 1}",
                            rf"this host provides {HOST_MAJOR}\.{HOST_MINOR}"],
    "fixture-no-entry": [r"gorgon_plugin_entry"],
    "fixture-short-descriptor": [r"(?i)descriptor"],
    "fixture-init-fails": [r"deliberate init failure"],
    "fixture-throws": [r"boom from constructor"],
}
# The ones refused when their file is read (before any of their code runs).
BAD_AT_DISCOVERY = ["fixture-newer-major", "fixture-newer-minor", "fixture-no-entry",
                    "fixture-short-descriptor"]


class StartupRefusals(GorgonTestCase):
    """A bad plugin named in plugins.load makes startup (and --check-config) fail, saying why."""

    def assert_names_reason(self, name, text):
        self.assertRegex(text, re.escape(name) + r"\.so", "the message must name the file")
        for pattern in BAD_FIXTURES[name]:
            self.assertRegex(text, pattern)

    def test_check_config_accepts_the_baseline(self):
        with Gorgon(make_config(load=["fixture-echo"], servers=[ECHO])) as g:
            code, out = check_config(g.config_path)
            self.assertEqual(code, 0, out)

    def test_check_config_refuses_each_bad_plugin(self):
        for name in BAD_FIXTURES:
            with self.subTest(name), Gorgon(make_config(load=[name], servers=[ECHO])) as g:
                code, out = check_config(g.config_path)
                self.assertEqual(code, 1, out)
                self.assert_names_reason(name, out)

    def test_start_refuses_each_bad_plugin(self):
        for name in BAD_FIXTURES:
            with self.subTest(name), Gorgon(make_config(load=[name], servers=[ECHO])) as g:
                try:
                    p = run_gorgon(["-c", g.config_path], cwd=g.dir, timeout=20)
                except subprocess.TimeoutExpired:
                    self.fail(f"gorgon kept running with {name} in plugins.load\n{g.log()}")
                text = p.stdout + p.stderr + g.log()
                self.assertNotEqual(p.returncode, 0, text)
                self.assert_names_reason(name, text)
                self.assertNotRegex(g.log(), r"listening on", "nothing may listen")


class Discovery(GorgonTestCase):
    def test_unnamed_bad_plugins_are_only_warned_about(self):
        g = self.start(make_config(servers=[ECHO]), servers=["echo"])
        self.assertServes(g)
        lines = g.log().splitlines()
        for name in BAD_AT_DISCOVERY:
            with self.subTest(name):
                warned = [l for l in lines if name + ".so" in l and re.search(r"(?i)\bwarn", l)]
                self.assertTrue(warned, f"no warning naming {name}.so\n{g.log()}")
        # Discovery reads descriptors; it never initialises a plugin nobody asked for.
        self.assertNotIn("deliberate init failure", g.log())
        self.assertNotIn("boom from constructor", g.log())

    def test_echo_greeting(self):
        g = self.start(make_config(servers=[("echo", "echo", '{greeting: "hi: "}')]),
                       servers=["echo"])
        c = self.client(g, "echo")
        self.assertEqual(c.ask("one"), "hi: one")
        self.assertEqual(c.ask("two"), "hi: two")
        self.assertRegex(g.log(), r"plugin fixture-echo 1\.0\.0 loaded: generation 1 \(.*"
                                  r"fixture-echo\.so\)")

    def test_unknown_server_key_is_refused_with_its_location(self):
        with Gorgon(make_config(servers=[("echo", "echo", "{bogus: 1}")])) as g:
            code, out = check_config(g.config_path)
            self.assertEqual(code, 1, out)
            self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*bogus")

    def test_abi10_loads_and_serves(self):
        g = self.start(make_config(servers=[("abi", "abi10", None)]), servers=["abi"])
        c = self.client(g, "abi")
        self.assertEqual(c.ask("ping"), "abi10: ping")
        self.assertRegex(g.log(), r"plugin fixture-abi10 1\.0\.0 loaded: generation 1")


class Control(GorgonTestCase):
    """Plugin management through the host table, driven by fixture-control."""

    def setUp(self):
        self.g = self.start(make_config(servers=[CONTROL, ECHO]), servers=["control", "echo"])
        self.ctl = self.client(self.g, "control")

    def generations(self):
        out, final = self.ctl.command("list")
        self.assertEqual(final, "ok")
        return out

    def test_list(self):
        listing = self.generations()
        self.assertIn("fixture-control 1.0.0 1 active 1", listing)  # this very connection
        self.assertIn("fixture-echo 1.0.0 1 active 0", listing)
        for line in listing:
            self.assertRegex(line, r"^[a-z0-9][a-z0-9_-]* \S+ \d+ \S+ \d+$")
        _, final = self.ctl.command("load no-such-plugin")
        self.assertRegex(final, r"^error .*no-such-plugin")

    def test_unloaded_timer_never_fires_again(self):
        start = len(self.g.log())
        self.assertEqual(self.ctl.command("load fixture-leaks-timer")[1], "ok")
        wait_count(self.g, r"fixture-leaks-timer tick", 5, start)  # repeating, every 10 ms
        self.assertIn("fixture-leaks-timer 1.0.0 1 active 0", self.generations())
        self.assertEqual(self.ctl.command("unload fixture-leaks-timer")[1], "ok")
        m = self.g.wait_log(r"plugin fixture-leaks-timer generation 1 unloaded", start=start)
        time.sleep(0.3)  # 30 periods of the timer
        self.assertNotIn("fixture-leaks-timer tick", self.g.log()[m.end():],
                         "the host must cancel the timers of an unloaded plugin")
        self.assertIsNone(self.g.proc.poll(), "gorgon died")
        self.assertFalse([l for l in self.generations() if l.startswith("fixture-leaks-timer ")])
        self.assertServes(self.g)

    def test_unload_refused_while_a_dependent_is_loaded(self):
        self.assertEqual(self.ctl.command("load fixture-depends-echo")[1], "ok")
        _, final = self.ctl.command("unload fixture-echo")
        self.assertTrue(final.startswith("error "), final)
        self.assertIn("fixture-depends-echo", final)
        self.assertIn("fixture-echo 1.0.0 1 active 0", self.generations())
        self.assertServes(self.g)
        self.assertEqual(self.ctl.command("unload fixture-depends-echo")[1], "ok")

    def test_reload_keeps_old_connections_on_the_old_generation(self):
        old = self.client(self.g, "echo")
        self.assertEqual(old.ask("before"), "before")
        start = len(self.g.log())
        self.assertEqual(self.ctl.command("reload fixture-echo")[1], "ok")
        self.g.wait_log(r"plugin fixture-echo reloaded: generation 2", start=start)
        self.assertEqual(old.ask("after"), "after")
        new = self.client(self.g, "echo")
        self.assertEqual(new.ask("new"), "new")
        listing = self.generations()
        self.assertIn("fixture-echo 1.0.0 1 draining 1", listing)
        self.assertIn("fixture-echo 1.0.0 2 active 1", listing)
        # The old generation goes once its last connection does; the new one keeps serving.
        old.close()
        self.g.wait_log(r"plugin fixture-echo generation 1 unloaded", start=start)
        self.assertEqual(new.ask("later"), "later")
        self.assertFalse([l for l in self.generations() if l.startswith("fixture-echo 1.0.0 1 ")])

    def test_failed_reload_leaves_the_old_generation_serving(self):
        old = self.client(self.g, "echo")
        self.assertEqual(old.ask("before"), "before")
        _, final = self.ctl.command(f"reload fixture-echo {fixture_path('fixture-init-fails')}")
        self.assertTrue(final.startswith("error "), final)
        self.assertEqual(old.ask("after"), "after")
        echo = [l for l in self.generations() if l.startswith("fixture-echo ")]
        self.assertEqual(echo, ["fixture-echo 1.0.0 1 active 1"])  # `old`, on generation 1
        self.assertServes(self.g)
        self.assertNotRegex(self.g.log(), r"plugin fixture-echo reloaded")


class WritablePluginFiles(GorgonTestCase):
    """A plugin file that group or others may write is refused: whoever can write it owns us."""

    def test_load_of_a_world_writable_file_is_refused(self):
        plugins = tempfile.mkdtemp(prefix="gorgon-plugins-")  # 0700
        self.addCleanup(shutil.rmtree, plugins, True)
        for name in ("fixture-echo", "fixture-control", "fixture-leaks-timer"):
            shutil.copyfile(fixture_path(name), fixture_path(name, plugins))
            os.chmod(fixture_path(name, plugins), 0o755)
        os.chmod(fixture_path("fixture-leaks-timer", plugins), 0o666)
        g = self.start(make_config(directory=plugins, servers=[CONTROL, ECHO]),
                       servers=["control", "echo"])
        ctl = self.client(g, "control")
        for what in ("fixture-leaks-timer", fixture_path("fixture-leaks-timer", plugins)):
            with self.subTest(what):
                _, final = ctl.command(f"load {what}")
                self.assertTrue(final.startswith("error "), final)
                self.assertRegex(final, r"(?i)writable|permission")
        self.assertNotIn("fixture-leaks-timer tick", g.log())
        self.assertServes(g)


class ConfigReload(GorgonTestCase):
    """SIGHUP re-reads the configuration; a bad one is refused whole."""

    def test_sighup_adds_then_removes_a_plugin_and_a_server(self):
        g = self.start(make_config(servers=[ECHO]), servers=["echo"])
        kept = self.client(g, "echo")
        self.assertEqual(kept.ask("one"), "one")

        start = len(g.log())
        g.write_config(make_config(load=["fixture-depends-echo"],
                                   servers=[ECHO, ("abi", "abi10", None)]))
        g.signal(signal.SIGHUP)
        g.wait_log(r"server abi listening on 127\.0\.0\.1:\d+", start=start)
        g.wait_log(r"plugin fixture-depends-echo 1\.0\.0 loaded: generation 1", start=start)
        g.wait_log(r"plugin fixture-abi10 1\.0\.0 loaded: generation 1", start=start)
        abi = g.address("abi")
        c = LineClient(abi)
        self.assertEqual(c.ask("added"), "abi10: added")
        c.close()
        self.assertEqual(kept.ask("two"), "two")

        start = len(g.log())
        g.write_config(make_config(servers=[ECHO]))
        g.signal(signal.SIGHUP)
        g.wait_log(r"plugin fixture-abi10 generation 1 unloaded", start=start)
        g.wait_log(r"plugin fixture-depends-echo generation 1 unloaded", start=start)
        with self.assertRaises(OSError):
            socket.create_connection(abi, timeout=2).close()
        self.assertEqual(kept.ask("three"), "three")

    def test_sighup_refuses_a_broken_config_and_keeps_serving(self):
        g = self.start(make_config(servers=[ECHO]), servers=["echo"])
        kept = self.client(g, "echo")
        address = g.address("echo")
        cases = {
            # The reason names the file, line and column (and the key, when there is one).
            "invalid YAML": (make_config(servers=[ECHO]) + "servers: [unclosed\n",
                             r"gorgon\.yaml:\d+:\d+: \S"),
            "unknown key": (make_config(servers=[ECHO]) + "bogus_key: 1\n",
                            r"gorgon\.yaml:\d+:\d+: bogus_key"),
        }
        for what, (body, reason) in cases.items():
            with self.subTest(what):
                start = len(g.log())
                g.write_config(body)
                g.signal(signal.SIGHUP)
                m = g.wait_log(r"config reload refused[^\n]*", start=start)
                self.assertRegex(m.group(0), reason)
                self.assertEqual(kept.ask(what), what)
                self.assertServes(g)
                self.assertEqual(g.address("echo"), address)
                self.assertNotRegex(g.log()[start:], r"plugin fixture-echo generation \d+ unloaded")


class Shutdown(GorgonTestCase):
    def test_sigterm_exits_zero_and_closes_connections(self):
        g = self.start(make_config(servers=[ECHO], extra="shutdown_timeout: 2s\n"),
                       servers=["echo"])
        c = self.client(g, "echo")
        self.assertEqual(c.ask("hello"), "hello")
        g.signal(signal.SIGTERM)
        self.assertEqual(g.wait_exit(0, timeout=15), 0)
        self.assertTrue(c.at_eof(), "the connection must be closed")


if __name__ == "__main__":
    unittest.main()
