"""The host's work pool (ABI 1.3 work_submit/work_cancel) and the loop-lag watchdog, through
fixture-work (tests/fixtures/plugins/fixture-work.cpp) and the monitor.

Every assertion is about order or about what the host reports, never about a wall-clock race:
the loop answering `ping` while a job sleeps on the pool proves the job is off the loop, and
the unload line following the job's completion line proves that pending work pins its
generation through a reload."""
import json
import os
import shutil
import socket
import subprocess
import unittest

from gorgon_harness import BIN, FIXTURE_DIR, PLUGIN_DIR, Gorgon

CTL = os.path.join(os.path.dirname(BIN), "gorgonctl")


class Lines:
    def __init__(self, sock):
        self.sock = sock
        self.f = sock.makefile("r", encoding="ascii", newline="\n")

    def ask(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.line()

    def line(self):
        return self.f.readline().rstrip("\n")

    def close(self):
        self.f.close()
        self.sock.close()


class WorkPool(unittest.TestCase):
    def start(self, threads=1, warn_ms=50):
        plugins = os.path.join(self.tmp(), "plugins")
        os.mkdir(plugins)
        for path in (os.path.join(PLUGIN_DIR, "monitor.so"),
                     os.path.join(FIXTURE_DIR, "fixture-work.so")):
            shutil.copyfile(path, os.path.join(plugins, os.path.basename(path)))
        g = Gorgon(f"""\
            plugins:
              directory: {plugins}
            work_pool:
              threads: {threads}
            watchdog:
              warn_ms: {warn_ms}
            servers:
              - name: work
                protocol: work
                listen: ["127.0.0.1:0"]
              - name: monitor
                protocol: monitor
                listen: ["unix:@DIR@/monitor.sock"]
            """)
        self.addCleanup(g.__exit__, None, None, None)
        g.start(expect_servers=("work", "monitor"))
        self.g = g
        return g

    def tmp(self):
        import tempfile
        d = tempfile.TemporaryDirectory(prefix="gorgon-work-")
        self.addCleanup(d.cleanup)
        return d.name

    def client(self):
        c = Lines(self.g.connect("work", timeout=20))
        self.addCleanup(c.close)
        return c

    def ctl(self, *args):
        p = subprocess.run([CTL, "--socket", os.path.join(self.g.dir, "monitor.sock"), *args],
                           capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, f"gorgonctl {args}: {p.stdout}{p.stderr}")
        return p.stdout

    def test_work_runs_off_the_loop_and_completes_on_it(self):
        self.start(threads=1)
        c = self.client()
        self.assertEqual(c.ask("work 1000"), "submitted 1")
        # The job sleeps on the pool thread; the loop answers meanwhile.
        other = self.client()
        self.assertEqual(other.ask("ping"), "pong")
        self.assertNotIn("fixture-work: work 1 done", self.g.log())
        self.assertEqual(c.line(), "done 1 0")
        doc = json.loads(self.ctl("--json", "status"))
        self.assertEqual(doc["work_pool"]["threads"], 1)
        self.assertEqual(doc["work_pool"]["pending"], 0)
        self.assertEqual(doc["work_pool"]["total"], 1)

    def test_cancel_and_exceptions_still_complete_exactly_once(self):
        self.start(threads=1)
        c = self.client()
        # One thread: the second job is queued behind the first, so cancel must succeed.
        self.assertEqual(c.ask("cancel 200"), "cancel 2 0")
        self.assertEqual(c.line(), "done 2 -13")
        self.assertEqual(c.line(), "done 1 0")
        self.assertEqual(c.ask("throw"), "submitted 3")
        self.assertEqual(c.line(), "done 3 -12")
        self.g.wait_log(r"exception in work: fixture-work: thrown on purpose")

    def test_pending_work_pins_its_generation_through_a_reload(self):
        self.start(threads=1)
        c = self.client()
        self.assertEqual(c.ask("work 1500"), "submitted 1")
        c.close()  # nothing but the job holds generation 1 now
        self.ctl("reload", "fixture-work")
        done = self.g.wait_log(r"fixture-work: work 1 done 0")
        unloaded = self.g.wait_log(r"plugin fixture-work generation 1 unloaded")
        self.assertLess(done.start(), unloaded.start(), self.g.log())

    def test_watchdog_names_the_plugin_and_hook_that_held_the_loop(self):
        self.start(threads=1, warn_ms=50)
        c = self.client()
        self.assertEqual(c.ask("sleep 120"), "slept")
        m = self.g.wait_log(r"watchdog: plugin fixture-work held the loop for (\d+)\.\d+ ms "
                            r"in on_data \(warn_ms 50\)")
        self.assertGreaterEqual(int(m.group(1)), 120)
        doc = json.loads(self.ctl("--json", "status"))
        lag = doc["loop_lag"]
        self.assertGreaterEqual(lag["max_us"], 120_000)
        self.assertEqual((lag["max_plugin"], lag["max_hook"]), ("fixture-work", "on_data"))
        self.assertEqual(lag["warn_ms"], 50)
        self.assertGreaterEqual(lag["buckets"]["<500ms"], 1)
        human = self.ctl("status")
        self.assertRegex(human, r"(?m)^loop lag: +max \d+\.\d{3} ms \(fixture-work on_data\)")
        self.assertRegex(human, r"(?m)^work pool: +1 threads")


if __name__ == "__main__":
    unittest.main()
