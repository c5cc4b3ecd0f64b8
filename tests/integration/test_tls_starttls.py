"""conn_start_tls (ABI 1.2) through fixture-tls, a line protocol that upgrades itself the way
FTP's AUTH TLS and SMTP's STARTTLS do: plaintext until the command, the reply in plaintext, then
TLS with the server's `tls:` block (mode: starttls). Also the GORGON_TLS_REQUIRE_REUSE rule for
data channels (listen_open and conn_connect connections that must resume the control
connection's session), conn_info's TLS fields, and application-byte counters."""
import os
import socket
import ssl
import tempfile
import unittest

from gorgon_harness import FIXTURE_DIR, Gorgon
from tls_pki import Pki


def config(pki, cert):
    return f"""\
plugins:
  directory: {FIXTURE_DIR}
  load:
    fixture-tls: {{}}
servers:
  - name: lines
    protocol: tls-lines
    listen: 127.0.0.1:0
    tls:
      mode: starttls
      cert: {cert.cert}
      key: {cert.key}
      handshake_timeout: 2s
  - name: plain
    protocol: tls-lines
    listen: 127.0.0.1:0
"""


class Lines:
    """A line client over a socket that may be wrapped in TLS midway."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.sent = 0      # application bytes, as the host should count them
        self.received = 0

    def send(self, line):
        data = line.encode() + b"\n"
        self.sock.sendall(data)
        self.sent += len(data)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError(f"closed; unread: {self.buf!r}")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        self.received += len(line) + 1
        return line.decode()

    def ask(self, line):
        self.send(line)
        return self.line()

    def upgrade(self, context, session=None, server_hostname="lines.test"):
        """Wraps the socket (nothing may be buffered in plaintext)."""
        assert self.buf == b"", self.buf
        self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname,
                                        session=session)

    def close(self):
        self.sock.close()


class StartTlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-starttls-")
        cls.pki = Pki(cls.tmp.name)
        cls.cert = cls.pki.issue("lines.test")
        cls.g = Gorgon(config(cls.pki, cls.cert))
        try:
            cls.g.start(expect_servers=["lines", "plain"])
        except Exception:
            cls.g.__exit__(None, None, None)
            cls.tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.g.__exit__(None, None, None)
        cls.tmp.cleanup()

    def connect(self, server="lines"):
        c = Lines(self.g.connect(server, timeout=10))
        self.addCleanup(c.close)
        return c

    contexts = {}

    def context(self, version=None):
        """One client context per version: Python resumes a session only in the context that
        made it."""
        if version not in self.contexts:
            ctx = ssl.create_default_context(cafile=self.pki.ca_cert)
            if version is not None:
                ctx.minimum_version = ctx.maximum_version = version
            self.contexts[version] = ctx
        return self.contexts[version]

    def starttls(self, c, version=None, command="STARTTLS", session=None):
        """Plaintext "ok", then TLS: "encrypted" (written after the call), "tls VERSION"."""
        self.assertEqual(c.ask(command), "ok")
        c.upgrade(self.context(version), session=session)
        self.assertEqual(c.line(), "encrypted")
        tls_line = c.line()
        self.assertRegex(tls_line, r"^tls TLSv1\.[23]$")
        return tls_line.split()[1]

    def test_plaintext_then_tls(self):
        c = self.connect()
        self.assertEqual(c.ask("hello"), "echo hello")
        self.assertEqual(c.ask("INFO"), "info tls=0 version= cipher= sni= alpn=")
        version = self.starttls(c)
        self.assertEqual(version, "TLSv1.3")
        self.assertEqual(c.ask("hello again"), "echo hello again")
        info = c.ask("INFO")
        self.assertRegex(info, r"^info tls=1 version=TLSv1\.3 cipher=TLS_\S+ sni=lines\.test "
                               r"alpn=$")

    def test_tls_1_2_upgrade(self):
        c = self.connect()
        self.assertEqual(self.starttls(c, ssl.TLSVersion.TLSv1_2), "TLSv1.2")
        self.assertRegex(c.ask("INFO"), r"^info tls=1 version=TLSv1\.2 cipher=ECDHE-")

    def test_input_after_the_command_is_dropped(self):
        # STARTTLS command injection: what follows the command in the same packet is not
        # carried over into the encrypted session.
        c = self.connect()
        c.sock.sendall(b"STARTTLS\nINJECTED\n")
        c.sent += len(b"STARTTLS\nINJECTED\n")
        self.assertEqual(c.line(), "ok")
        c.upgrade(self.context())
        self.assertEqual(c.line(), "encrypted")
        self.assertRegex(c.line(), r"^tls ")
        self.assertEqual(c.ask("after"), "echo after")  # not "echo INJECTED"

    def test_counters_count_application_bytes(self):
        c = self.connect()
        self.assertEqual(c.ask("abc"), "echo abc")
        self.starttls(c)
        for i in range(20):
            self.assertEqual(c.ask("x" * 1000), "echo " + "x" * 1000)
        c.send("BYTES")
        in_before, out_before = c.sent, c.received
        self.assertEqual(c.line(), f"bytes in={in_before} out={out_before}")

    def test_a_server_without_tls_refuses_the_upgrade(self):
        c = self.connect("plain")
        self.assertEqual(c.ask("STARTTLS"), "ok")
        self.assertEqual(c.line(), "error -5")  # GORGON_E_UNSUPPORTED, and still plaintext
        self.assertEqual(c.ask("still"), "echo still")

    def test_a_failed_handshake_closes_the_connection(self):
        c = self.connect()
        self.assertEqual(c.ask("STARTTLS"), "ok")
        c.sock.sendall(b"this is not a client hello\r\n\r\n")
        self.assertEqual(c.sock.recv(100), b"")
        self.g.wait_log(r"server lines: TLS handshake with 127\.0\.0\.1:\d+:")

    def test_a_silent_client_is_closed_at_the_handshake_timeout(self):
        c = self.connect()
        self.assertEqual(c.ask("STARTTLS"), "ok")
        c.sock.settimeout(10)
        self.assertEqual(c.sock.recv(100), b"")
        self.g.wait_log(r"server lines: TLS handshake with 127\.0\.0\.1:\d+: timed out")

    def control(self, version):
        """A control connection upgraded with `version`, its id and its session."""
        c = self.connect()
        cid = int(c.ask("ID").split()[1])
        self.starttls(c, version)
        # TLS 1.3 sends tickets after the handshake; a round trip makes sure they were read.
        self.assertEqual(c.ask("sync"), "echo sync")
        self.assertIsNotNone(c.sock.session)
        return c, cid, c.sock.session

    def test_require_reuse_accepts_the_session_of_its_connection(self):
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version):
                c, cid, session = self.control(version)
                d = self.connect()
                self.starttls(d, version, command=f"STARTTLS-REUSE {cid}", session=session)
                self.assertTrue(d.sock.session_reused)
                self.assertEqual(d.ask("data"), "echo data")

    def test_require_reuse_refuses_a_new_session(self):
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version):
                c, cid, _ = self.control(version)
                d = self.connect()
                self.assertEqual(d.ask(f"STARTTLS-REUSE {cid}"), "ok")
                d.upgrade(self.context(version))
                with self.assertRaises((ConnectionError, ssl.SSLError, OSError)):
                    while True:  # closed right after the handshake, before any line
                        line = d.line()
                        self.assertNotRegex(line, r"^tls ")
                self.g.wait_log(r"server lines: 127\.0\.0\.1:\d+ did not resume the TLS session "
                                r"it had to \(it made a new one\); closed")

    def test_require_reuse_refuses_another_connections_session(self):
        _, _, other_session = self.control(ssl.TLSVersion.TLSv1_2)
        _, cid, _ = self.control(ssl.TLSVersion.TLSv1_2)
        d = self.connect()
        self.assertEqual(d.ask(f"STARTTLS-REUSE {cid}"), "ok")
        d.upgrade(self.context(ssl.TLSVersion.TLSv1_2), session=other_session)
        with self.assertRaises((ConnectionError, ssl.SSLError, OSError)):
            while True:
                d.line()
        self.g.wait_log(r"did not resume the TLS session it had to \(it resumed another one\)")

    def test_require_reuse_with_a_session_id_cache(self):
        # TLS 1.2 without tickets: resumption through the server's session cache.
        ctx = self.context(ssl.TLSVersion.TLSv1_2)
        ctx.options |= ssl.OP_NO_TICKET
        c = self.connect()
        cid = int(c.ask("ID").split()[1])
        self.assertEqual(c.ask("STARTTLS"), "ok")
        c.upgrade(ctx)
        self.assertEqual(c.line(), "encrypted")
        self.assertEqual(c.line(), "tls TLSv1.2")
        d = self.connect()
        self.assertEqual(d.ask(f"STARTTLS-REUSE {cid}"), "ok")
        d.upgrade(ctx, session=c.sock.session)
        self.assertEqual(d.line(), "encrypted")
        self.assertTrue(d.sock.session_reused)

    def test_resume_from_must_be_a_tls_connection_of_the_plugin(self):
        c = self.connect()
        other = self.connect()
        oid = int(other.ask("ID").split()[1])  # plaintext: nothing to resume
        self.assertEqual(c.ask(f"STARTTLS-REUSE {oid}"), "ok")
        self.assertEqual(c.line(), "error -1")  # GORGON_E_INVAL
        self.assertEqual(c.ask("STARTTLS-REUSE 999999"), "ok")
        self.assertEqual(c.line(), "error -4")  # GORGON_E_STALE

    def test_listen_open_data_channel_resumes_the_control_session(self):
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version):
                c, _, session = self.control(version)
                port = int(c.ask("LISTEN").split()[1])
                d = Lines(socket.create_connection(("127.0.0.1", port), timeout=10))
                self.addCleanup(d.close)
                d.upgrade(self.context(version), session=session)
                self.assertEqual(d.line(), "data ready")
                self.assertTrue(d.sock.session_reused)
                self.assertEqual(d.ask("payload"), "data payload")
                # Without the session: refused.
                port = int(c.ask("LISTEN").split()[1])
                e = Lines(socket.create_connection(("127.0.0.1", port), timeout=10))
                self.addCleanup(e.close)
                e.upgrade(self.context(version))
                with self.assertRaises((ConnectionError, ssl.SSLError, OSError)):
                    e.line()

    def test_listen_open_without_the_rule_takes_any_client(self):
        c, _, _ = self.control(None)
        port = int(c.ask("LISTEN any").split()[1])
        d = Lines(socket.create_connection(("127.0.0.1", port), timeout=10))
        self.addCleanup(d.close)
        d.upgrade(self.context())
        self.assertEqual(d.line(), "data ready")
        self.assertFalse(d.sock.session_reused)

    def test_conn_connect_data_channel_is_still_the_tls_server(self):
        c, _, session = self.control(ssl.TLSVersion.TLSv1_3)
        with socket.create_server(("127.0.0.1", 0)) as listener:
            listener.settimeout(10)
            self.assertEqual(c.ask(f"CONNECT {listener.getsockname()[1]}"), "ok")
            raw, _ = listener.accept()
            d = Lines(raw)
            self.addCleanup(d.close)
            d.sock.settimeout(10)
            # The client side of TLS, though it accepted the TCP connection (active FTP).
            d.upgrade(self.context(ssl.TLSVersion.TLSv1_3), session=session)
            self.assertEqual(d.line(), "data ready")
            self.assertTrue(d.sock.session_reused)
            self.assertEqual(d.ask("up"), "data up")


if __name__ == "__main__":
    unittest.main()
