"""The monitor over TCP: the challenge-response login (HMAC-SHA256 of a single-use nonce with a
secret read from a mode-0600 file), refusal of a replayed answer, the delay and lockout after
repeated failures, and the rules on the secret file, with a raw client and with gorgonctl.

Every test starts its own gorgon on 127.0.0.1 (port 0) and stops it; every read has a deadline.
"""
import hashlib
import hmac
import json
import os
import pty
import re
import select
import tempfile
import time
import unittest

from gorgon_harness import Gorgon, check_config
from test_monitor import CTL, MonitorTestCase, RawMonitor, ctl, monitor_config, reap

SECRET = b"correct horse battery staple 42"
CHALLENGE_RE = re.compile(r"^gorgon-monitor 1 login hmac-sha256 ([0-9a-f]{64})$")


def answer(nonce, secret=SECRET):
    return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()


class TcpTestCase(MonitorTestCase):
    def start_tcp(self, settings="", mode=0o600, listen="127.0.0.1:0"):
        """gorgon with a monitor on a Unix socket and on TCP; returns the TCP address."""
        scratch = tempfile.TemporaryDirectory(prefix="gorgon-secret-")
        self.addCleanup(scratch.cleanup)
        self.secret_file = os.path.join(scratch.name, "monitor.secret")
        with open(self.secret_file, "wb") as f:
            f.write(SECRET + b"\n")
        os.chmod(self.secret_file, mode)
        config = f"secret_file: {self.secret_file}\n" + settings
        self.start(monitor_config(config, listen=("unix:@DIR@/monitor.sock", listen), chat=False))
        return self.g.address("monitor")

    def challenge(self, client):
        code, text, body = client.read()
        self.assertEqual(code, 330, text)
        m = CHALLENGE_RE.match(text)
        self.assertTrue(m, f"challenge {text!r}")
        return m.group(1)

    def tcp_ctl(self, address, *args, secret_file=None):
        return ctl(None, *args, extra=("--host", address[0], "--port", str(address[1]),
                                       "--secret-file", secret_file or self.secret_file))


class Login(TcpTestCase):
    def test_login_then_commands(self):
        address = self.start_tcp()
        c = self.raw(address)
        nonce = self.challenge(c)
        self.assertEqual(c.ask("login " + answer(nonce))[0], 230)
        code, _, body = c.ask("--json status")
        self.assertEqual(code, 200)
        self.assertEqual(json.loads(body)["pid"], self.g.proc.pid)
        self.g.wait_log(r"audit: tcp 127\.0\.0\.1:\d+ on monitor: login -> 230")
        self.g.wait_log(r"audit: tcp 127\.0\.0\.1:\d+ on monitor: \"--json status\" -> 200")
        # The same through gorgonctl.
        p = self.tcp_ctl(address, "--json", "plugins")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("monitor", [x["name"] for x in json.loads(p.stdout)["plugins"]])

    def test_wrong_answers_are_refused_and_disconnected(self):
        address = self.start_tcp("failure_delay: 0s\n")
        for attempt in ("login " + answer("0" * 64),     # an answer to another nonce
                        "login " + "zz" * 32,            # not hex
                        "login",                         # no answer
                        "status"):                       # not a login at all
            with self.subTest(attempt):
                c = self.raw(address)
                self.challenge(c)
                code, text, _ = c.ask(attempt)
                self.assertEqual(code, 530, text)
                self.assertTrue(c.at_eof(), "a failed login must be disconnected")
        self.g.wait_log(r"\[warn\] monitor: audit: tcp 127\.0\.0\.1:\d+ on monitor: login -> 530 "
                        r"authentication failed \(1 of 5 failures\)")
        wrong = os.path.join(os.path.dirname(self.secret_file), "wrong.secret")
        with open(wrong, "wb") as f:
            f.write(b"this is not the right secret")
        os.chmod(wrong, 0o600)
        p = self.tcp_ctl(address, "status", secret_file=wrong)
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("authentication failed", p.stderr)

    def test_a_replayed_answer_is_refused(self):
        address = self.start_tcp("failure_delay: 0s\n")
        first = self.raw(address)
        nonce = self.challenge(first)
        seen = "login " + answer(nonce)
        self.assertEqual(first.ask(seen)[0], 230)
        # An eavesdropper replays the answer on a new connection: a new nonce, so it fails.
        second = self.raw(address)
        self.assertNotEqual(self.challenge(second), nonce)
        self.assertEqual(second.ask(seen)[0], 530)
        # Nor can it be used twice on the connection it was made for: the nonce is spent.
        self.assertEqual(first.ask(seen)[0], 400)  # after login, "login" is no command at all

    def test_each_challenge_is_fresh(self):
        address = self.start_tcp()
        nonces = set()
        for _ in range(5):
            c = self.raw(address)
            nonces.add(self.challenge(c))
            c.close()
        self.assertEqual(len(nonces), 5)

    def test_login_timeout(self):
        address = self.start_tcp("login_timeout: 1s\n")
        c = self.raw(address)
        self.challenge(c)
        code, text, _ = c.read(timeout=5)
        self.assertEqual(code, 421)
        self.assertIn("login timeout", text)
        self.assertTrue(c.at_eof())

    def test_gorgonctl_asks_for_the_secret_without_echoing_it(self):
        address = self.start_tcp()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execv(CTL, [CTL, "--host", address[0], "--port", str(address[1]), "status"])
            finally:
                os._exit(127)
        self.addCleanup(os.close, fd)
        self.addCleanup(reap, pid)
        out = b""
        deadline = time.monotonic() + 10
        while b"secret for 127.0.0.1:" not in out:
            self.assertLess(time.monotonic(), deadline, out)
            if select.select([fd], [], [], 0.2)[0]:
                out += os.read(fd, 4096)
        os.write(fd, SECRET + b"\n")
        rest = b""
        while True:
            self.assertLess(time.monotonic(), deadline, rest)
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                rest += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, rest)
        self.assertRegex(rest, rb"gorgon \S+ \(pid \d+\)")
        self.assertNotIn(SECRET, out + rest, "the secret must not be echoed")

    def test_secret_commands_restrict_a_tcp_login(self):
        address = self.start_tcp("secret_commands: [read]\n")
        self.assertEqual(self.tcp_ctl(address, "status").returncode, 0)
        p = self.tcp_ctl(address, "shutdown")
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIsNone(self.g.proc.poll())


class Lockout(TcpTestCase):
    def test_failures_are_slowed_down_then_locked_out_then_let_in_again(self):
        address = self.start_tcp("max_failures: 3\nfailure_delay: 300ms\nlockout: 2s\n")
        delays = []
        for _ in range(3):
            c = self.raw(address)
            self.challenge(c)
            t0 = time.monotonic()
            code, text, _ = c.ask("login " + "00" * 32, timeout=10)
            delays.append(time.monotonic() - t0)
            self.assertEqual(code, 530)
            c.close()
        # The n-th failure is answered after n x failure_delay.
        self.assertGreaterEqual(delays[0], 0.25)
        self.assertGreaterEqual(delays[1], 0.55)
        self.assertGreaterEqual(delays[2], 0.85)
        self.assertIn("locked out", text)
        # Locked out: refused before any challenge, even with the right secret.
        c = self.raw(address)
        code, text, _ = c.read()
        self.assertEqual(code, 530)
        self.assertRegex(text, r"too many failed logins from 127\.0\.0\.1; try again in \d+ s")
        self.assertTrue(c.at_eof())
        p = self.tcp_ctl(address, "status")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("too many failed logins", p.stderr)
        # The Unix socket is not affected.
        self.ok("status")
        stats = {s["name"]: s["value"] for s in self.json("stats")["stats"]
                 if s["plugin"] == "monitor"}
        self.assertEqual((stats["logins_failed"], stats["lockouts"]), (3, 1))
        # Once the lockout is over, the right secret works again.
        deadline = time.monotonic() + 10
        while True:
            p = self.tcp_ctl(address, "status")
            if p.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(p.returncode, 0, p.stderr)


class SecretFile(TcpTestCase):
    def test_a_secret_file_others_may_read_is_refused_at_start(self):
        for mode in (0o644, 0o640, 0o604):
            with self.subTest(oct(mode)):
                with tempfile.TemporaryDirectory(prefix="gorgon-secret-") as scratch:
                    secret = os.path.join(scratch, "s")
                    with open(secret, "wb") as f:
                        f.write(SECRET)
                    os.chmod(secret, mode)
                    body = monitor_config(f"secret_file: {secret}",
                                          listen=("unix:@DIR@/m.sock", "127.0.0.1:0"), chat=False)
                    with Gorgon(body) as g:
                        code, out = check_config(g.config_path)
                        self.assertEqual(code, 1, out)
                        self.assertIn(secret, out)
                        self.assertIn("mode 0%o" % mode, out)
                        self.assertIn("0600", out)
                        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+")
                        g.start()
                        self.assertEqual(g.wait_exit(1), 1)
                        self.assertNotRegex(g.log(), r"listening on")

    def test_tcp_without_a_secret_is_refused(self):
        with Gorgon(monitor_config(listen=("unix:@DIR@/m.sock", "127.0.0.1:0"), chat=False)) as g:
            g.start()
            self.assertEqual(g.wait_exit(1), 1)
            self.assertRegex(g.log(), r"listens on TCP address 127\.0\.0\.1:\d+ but has no "
                                      r"secret_file")

    def test_a_non_loopback_address_is_warned_about(self):
        self.start_tcp(listen="*:0")
        self.g.wait_log(r"\[warn\] monitor: monitor server monitor listens on 0\.0\.0\.0:\d+, "
                        r"which is not a loopback address")

    def test_reload_with_a_secret_made_unsafe_keeps_the_old_generation(self):
        address = self.start_tcp()
        os.chmod(self.secret_file, 0o644)
        p = ctl(self.sock, "reload", "monitor")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("reload of monitor failed, generation 1 keeps serving", p.stderr)
        self.assertIn("0644", p.stderr)
        os.chmod(self.secret_file, 0o600)
        self.assertEqual(self.tcp_ctl(address, "status").returncode, 0)
        self.assertEqual([g["generation"] for p in self.json("plugins")["plugins"]
                          if p["name"] == "monitor" for g in p["generations"]], [1])


if __name__ == "__main__":
    unittest.main()
