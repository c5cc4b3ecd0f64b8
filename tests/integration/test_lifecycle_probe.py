"""Probe before load: a plugin whose init crashes is run first in a forked child, refused, and
quarantined by the hash of its bytes; the live process never runs it and keeps serving."""
import os
import re
import shutil
import tempfile
import unittest

from gorgon_harness import FIXTURE_DIR, Gorgon
from test_lifecycle import CONTROL, ECHO, GorgonTestCase, LineClient, make_config

# Under ASan the crash in the forked probe is reported by ASan's own SIGSEGV handler.
PROBE_CRASH_REPORT = r"ERROR: AddressSanitizer: SEGV"
CRASHED = r"(crashed in its probe \(signal \d+, SIG[A-Z]+\)|its probe exited with status \d+)"


class Probe(GorgonTestCase):
    def setUp(self):
        self.plugins = tempfile.mkdtemp(prefix="gorgon-probe-plugins-")
        self.addCleanup(shutil.rmtree, self.plugins, True)
        for name in ("fixture-control", "fixture-echo", "fixture-crashes"):
            shutil.copy(os.path.join(FIXTURE_DIR, name + ".so"), self.plugins)

    def quarantine(self, g):
        path = os.path.join(g.dir, "run", "quarantine")
        with open(path) as f:
            return path, f.read()

    def test_a_crashing_init_is_refused_and_quarantined_while_serving_goes_on(self):
        g = self.start(make_config(self.plugins, servers=[CONTROL, ECHO]),
                       servers=["control", "echo"])
        g.allow_child_report(PROBE_CRASH_REPORT)
        control = self.client(g, "control")
        _, reply = control.command("load fixture-crashes")
        self.assertRegex(reply, r"^error .*fixture-crashes\.so: plugin fixture-crashes " + CRASHED
                         + r"; not loaded, and quarantined")
        self.assertServes(g, "echo")
        path, text = self.quarantine(g)
        self.assertRegex(text, r"^[0-9a-f]{64} fixture-crashes " + CRASHED)
        # The same bytes are refused at once, saying where to clear them.
        _, reply = control.command("load fixture-crashes")
        self.assertIn("quarantined (fixture-crashes", reply)
        self.assertIn(path, reply)
        # Cleared by hand, it is probed (and caught) again.
        open(path, "w").close()
        _, reply = control.command("load fixture-crashes")
        self.assertRegex(reply, CRASHED)
        self.assertIsNone(re.search(r"plugin fixture-crashes .* loaded", g.log()))
        self.assertServes(g, "echo")

    def test_quarantine_survives_a_restart(self):
        workdir = tempfile.mkdtemp(prefix="gorgon-probe-run-")
        self.addCleanup(shutil.rmtree, workdir, True)
        body = make_config(self.plugins, servers=[CONTROL, ECHO])
        with Gorgon(body, workdir=workdir) as g:
            g.allow_child_report(PROBE_CRASH_REPORT)
            g.start(["control"])
            control = LineClient(g.address("control"))
            try:
                control.command("load fixture-crashes")
            finally:
                control.close()  # an open connection would hold the stop to its deadline
        with Gorgon(body, workdir=workdir) as g:
            g.start(["control", "echo"])
            g.wait_log(r"plugin refused: .*fixture-crashes\.so: quarantined")

    def test_named_at_start_it_stops_the_start_with_the_reason(self):
        g = Gorgon(make_config(self.plugins, load=["fixture-crashes"]))
        self.addCleanup(g.__exit__, None, None, None)
        g.allow_child_report(PROBE_CRASH_REPORT)
        g.start()
        self.assertEqual(g.wait_exit(1), 1)
        self.assertRegex(g.log(), r"cannot start: .*plugin fixture-crashes " + CRASHED)


if __name__ == "__main__":
    unittest.main()
