"""The monitor over TCP with TLS: a monitor server with a `tls:` block (the host completes the
handshake before the monitor sees the connection), gorgonctl --tls verifying the server's
certificate against a CA file (chain and name) or a pinned SHA-256 fingerprint before it answers
the login challenge, the refusals (wrong pin, unrelated CA, wrong name, plaintext client against a
TLS port), and require_tls refusing plaintext TCP with 534.

A test CA is made at test time (tls_pki.py). Every test starts its own gorgon on 127.0.0.1
(port 0) and stops it; every gorgonctl run has a deadline.
"""
import os
import re
import socket
import tempfile
import unittest

from test_monitor import MonitorTestCase, ctl, monitor_config
from test_monitor_tcp import SECRET
from tls_pki import Pki, openssl

NAME = "monitor.test"
EXIT_TLS = 7


def tls_monitor_config(settings, cert, key, listen="127.0.0.1:0"):
    """The monitor on a Unix socket and on TCP, with a `tls:` block for the server."""
    body = monitor_config(settings, listen=("unix:@DIR@/monitor.sock", listen), chat=False)
    lines = body.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("    listen:")) + 1
    lines[at:at] = ["    tls:", f"      certificates: [{{cert: {cert}, key: {key}}}]"]
    return "\n".join(lines) + "\n"


def non_loopback_address():
    """An IPv4 address of this machine that is not loopback (the one a route out would use), or
    None. Nothing is sent: a UDP socket's connect only picks the source address."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class TlsTestCase(MonitorTestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.TemporaryDirectory(prefix="gorgon-montls-")
        cls.pki = Pki(cls.scratch.name)
        cls.issued = cls.pki.issue(NAME)
        other_dir = os.path.join(cls.scratch.name, "other")
        os.makedirs(other_dir)
        cls.other_ca = Pki(other_dir).ca_cert  # an unrelated CA
        cls.secret_file = os.path.join(cls.scratch.name, "monitor.secret")
        with open(cls.secret_file, "wb") as f:
            f.write(SECRET + b"\n")
        os.chmod(cls.secret_file, 0o600)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def start_tls(self, settings=""):
        config = f"secret_file: {self.secret_file}\n" + settings
        self.start(tls_monitor_config(config, self.issued.cert, self.issued.key))
        return self.g.address("monitor")

    def tcp_ctl(self, address, *args):
        return ctl(None, *args, timeout=30,
                   extra=("--host", address[0], "--port", str(address[1]),
                          "--secret-file", self.secret_file, "--connect-timeout", "3"))

    def stats(self):
        return {s["name"]: s["value"] for s in self.json("stats")["stats"]
                if s["plugin"] == "monitor"}

    def fingerprint(self):
        """openssl's form: "AB:CD:..." (after "sha256 Fingerprint=")."""
        out = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", self.issued.cert)
        m = re.search(rb"=([0-9A-F:]{95})", out)
        self.assertTrue(m, out)
        return m.group(1).decode()


class Verify(TlsTestCase):
    def test_ca_file_and_server_name(self):
        address = self.start_tls()
        p = self.tcp_ctl(address, "--tls", "--ca-file", self.pki.ca_cert, "--server-name", NAME,
                         "status")
        self.assertEqual(p.returncode, 0, p.stderr + self.g.log())
        self.assertRegex(p.stdout, r"gorgon \S+ \(pid \d+\)")
        self.g.wait_log(r"audit: tls 127\.0\.0\.1:\d+ on monitor: login -> 230 logged in "
                        r"\(TLSv1\.[23] \S+\)")
        self.g.wait_log(r"audit: tls 127\.0\.0\.1:\d+ on monitor: \"status\" -> 200")
        self.assertNotIn("plaintext TCP connection", self.g.log())

    def test_pin_alone_in_openssl_and_plain_forms(self):
        address = self.start_tls()
        colons = self.fingerprint()
        self.assertEqual(bytes.fromhex(colons.replace(":", "")),
                         self.pki.fingerprint(self.issued.cert))
        for pin in ("sha256:" + colons, "sha256:" + colons.replace(":", "").lower(),
                    colons.replace(":", "")):
            with self.subTest(pin):
                # No CA and no name check with a pin alone: --host 127.0.0.1 is not the name.
                p = self.tcp_ctl(address, "--pin", pin, "status")
                self.assertEqual(p.returncode, 0, p.stderr)
        # Both together: both must pass.
        p = self.tcp_ctl(address, "--ca-file", self.pki.ca_cert, "--server-name", NAME,
                         "--pin", "sha256:" + colons, "status")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.tcp_ctl(address, "--ca-file", self.other_ca, "--server-name", NAME,
                         "--pin", "sha256:" + colons, "status")
        self.assertEqual(p.returncode, EXIT_TLS, p.stderr)
        self.assertIn("certificate verification failed", p.stderr)

    def test_wrong_pin_is_refused_before_the_login(self):
        address = self.start_tls()
        wrong = "sha256:" + ":".join(["AB"] * 32)
        p = self.tcp_ctl(address, "--tls", "--pin", wrong, "status")
        self.assertEqual(p.returncode, EXIT_TLS, p.stderr)
        self.assertIn("certificate fingerprint sha256:" + self.fingerprint(), p.stderr)
        self.assertIn("does not match the pinned " + wrong, p.stderr)
        self.assertEqual(p.stdout, "")
        # No login was attempted: nothing in the audit log, no failure counted.
        self.assertNotRegex(self.g.log(), r"login ->")
        stats = self.stats()
        self.assertEqual((stats["logins_ok"], stats["logins_failed"]), (0, 0))

    def test_unrelated_ca_and_wrong_name_are_refused(self):
        address = self.start_tls()
        p = self.tcp_ctl(address, "--ca-file", self.other_ca, "--server-name", NAME, "status")
        self.assertEqual(p.returncode, EXIT_TLS, p.stderr)
        self.assertRegex(p.stderr, r"certificate verification failed: unable to get local "
                                   r"issuer certificate")
        # The right CA, but the name verified is --host (127.0.0.1), which the certificate
        # does not carry.
        p = self.tcp_ctl(address, "--ca-file", self.pki.ca_cert, "status")
        self.assertEqual(p.returncode, EXIT_TLS, p.stderr)
        self.assertIn("certificate verification failed", p.stderr)
        self.assertIn("mismatch", p.stderr)
        p = self.tcp_ctl(address, "--ca-file", self.pki.ca_cert, "--server-name", "other.test",
                         "status")
        self.assertEqual(p.returncode, EXIT_TLS, p.stderr)
        self.assertIn("mismatch", p.stderr)
        self.assertNotRegex(self.g.log(), r"login ->")
        self.assertEqual(self.stats()["logins_failed"], 0)

    def test_plaintext_client_against_the_tls_port_fails_cleanly(self):
        address = self.start_tls()
        p = ctl(None, "status", timeout=30,
                extra=("--host", address[0], "--port", str(address[1]),
                       "--secret-file", self.secret_file, "--connect-timeout", "1"))
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("add --tls", p.stderr)
        self.assertNotRegex(self.g.log(), r"login ->")
        self.assertIsNone(self.g.proc.poll())

    def test_options(self):
        p = ctl(None, "--tls", "status")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("is for TCP", p.stderr)
        p = ctl(None, "--pin", "sha256:1234", "status",
                extra=("--host", "127.0.0.1", "--port", "1"))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--pin must be", p.stderr)
        p = ctl(None, "--help")
        for option in ("--tls", "--ca-file", "--server-name", "--pin", "7 TLS failed"):
            self.assertIn(option, p.stdout)


class RequireTls(TlsTestCase):
    def test_plaintext_tcp_is_refused_with_534(self):
        body = monitor_config(f"secret_file: {self.secret_file}\nrequire_tls: true\n",
                              listen=("unix:@DIR@/monitor.sock", "127.0.0.1:0"), chat=False)
        self.start(body)
        address = self.g.address("monitor")
        c = self.raw(address)
        code, text, _ = c.read()
        self.assertEqual(code, 534, text)
        self.assertIn("requires TLS", text)
        self.assertTrue(c.at_eof())
        p = self.tcp_ctl(address, "status")
        self.assertEqual(p.returncode, EXIT_TLS, p.stderr)
        self.assertIn("requires TLS", p.stderr)
        self.g.wait_log(r"\[warn\] monitor: monitor monitor: refused tcp 127\.0\.0\.1:\d+: "
                        r"plaintext TCP, and require_tls is set")
        # The Unix socket is not TCP: unaffected.
        self.ok("status")

    def test_tls_passes_require_tls(self):
        address = self.start_tls("require_tls: true\n")
        p = self.tcp_ctl(address, "--ca-file", self.pki.ca_cert, "--server-name", NAME, "status")
        self.assertEqual(p.returncode, 0, p.stderr)


class Warnings(TlsTestCase):
    def test_a_plaintext_connection_on_a_non_loopback_address_is_warned_about_once(self):
        body = monitor_config(f"secret_file: {self.secret_file}\n",
                              listen=("unix:@DIR@/monitor.sock", "*:0"), chat=False)
        self.start(body)
        self.g.wait_log(r"\[warn\] monitor: monitor server monitor listens on 0\.0\.0\.0:\d+, "
                        r"which is not a loopback address: unless the server has a tls: block")
        port = self.g.address("monitor")[1]
        # Over loopback nothing leaves the machine: no warning for the connection itself.
        self.assertEqual(self.tcp_ctl(("127.0.0.1", port), "status").returncode, 0)
        self.assertNotIn("plaintext TCP connection", self.g.log())
        local = non_loopback_address()
        if local is None:
            self.skipTest("this machine has no non-loopback IPv4 address")
        for _ in range(2):
            p = self.tcp_ctl((local, port), "status")
            self.assertEqual(p.returncode, 0, p.stderr)
        self.g.wait_log(r"\[warn\] monitor: monitor monitor: plaintext TCP connection from tcp "
                        rf"{re.escape(local)}:\d+ on {re.escape(local)}:\d+, not a loopback "
                        r"address")
        self.assertEqual(len(re.findall(r"plaintext TCP connection", self.g.log())), 1)


if __name__ == "__main__":
    unittest.main()
