"""FTPS (RFC 4217) in the ftp plugin: AUTH TLS on servers whose `tls:` block says
`mode: starttls`, PBSZ and PROT, CCC refused, data connections over TLS that must resume the
control connection's session, the `tls:` policy of the ftp settings (require_login,
require_data), implicit FTPS, and a server without TLS. Clients: lftp, Python's ftplib.FTP_TLS and
a raw control connection. A test CA is made here (tls_pki.py). Every socket and client call has a
deadline, and the server is stopped at the end.
"""
import ftplib
import io
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from gorgon_harness import Gorgon, gorgon_config, start_or_discard, stop_and_discard
from test_ftp import (TIMEOUT, Control, close_ftp, copy_plugins, make_tree,
                      standard_settings)
from tls_pki import Pki

CLIENT_TIMEOUT = 60


class ReusingFtpTls(ftplib.FTP_TLS):
    """FTP_TLS whose data connections resume the control connection's TLS session, as FTPS
    servers that insist on it (vsftpd's require_ssl_reuse, this one) need."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=self.sock.session)
        return conn, size


class ImplicitFtpTls(ReusingFtpTls):
    """Implicit FTPS: TLS from the first byte of the control connection."""

    def connect(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        raw = socket.create_connection((host, port), timeout)
        self.af = raw.family
        self.sock = self.context.wrap_socket(raw, server_hostname=host)
        self.file = self.sock.makefile("r", encoding=self.encoding)
        self.welcome = self.getresp()
        return self.welcome


class Ftps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="gorgon-ftps-")
        try:
            cls.root = make_tree(cls.base)
            with open(os.path.join(cls.base, "rw", "fixed.txt"), "wb") as f:
                f.write(b"fixed content\n")
            cls.plugin_dir = os.path.join(cls.base, "plugins")
            os.makedirs(cls.plugin_dir)
            copy_plugins(cls.plugin_dir)
            cls.pki = Pki(cls.base)
            # An IP subjectAltName as well: the clients connect to 127.0.0.1.
            cls.cert = cls.pki.issue("ftp.test", names=["localhost,IP:127.0.0.1"])
            cls.g = Gorgon(cls.config())
        except BaseException:
            shutil.rmtree(cls.base, ignore_errors=True)
            raise
        cls.addr = start_or_discard(cls.g, cls.base,
                                    ("strict", "open", "open13", "implicit", "plain"))

    @classmethod
    def config(cls):
        def tls(mode="starttls", protocols=("TLSv1.2",)):
            return {"mode": mode, "cert": cls.cert.cert, "key": cls.cert.key,
                    "protocols": list(protocols), "handshake_timeout": "5s"}

        def settings(name, **extra):
            s = standard_settings(cls.base, cls.root, **extra)
            s["xferlog"] = os.path.join(cls.base, f"xferlog.{name}")
            return s

        listen = ["127.0.0.1:0"]
        servers = [
            {"name": "strict", "protocol": "ftp", "listen": listen, "tls": tls(),
             "config": settings("strict", tls={"require_login": True, "require_data": True})},
            {"name": "open", "protocol": "ftp", "listen": listen, "tls": tls(),
             "config": settings("open")},
            {"name": "open13", "protocol": "ftp", "listen": listen,
             "tls": tls(protocols=("TLSv1.2", "TLSv1.3")), "config": settings("open13")},
            {"name": "implicit", "protocol": "ftp", "listen": listen,
             "tls": tls(mode="implicit"), "config": settings("implicit")},
            {"name": "plain", "protocol": "ftp", "listen": listen, "config": settings("plain")},
        ]
        return gorgon_config(cls.plugin_dir, ("fs-os", "ftp"), servers)

    @classmethod
    def tearDownClass(cls):
        stop_and_discard(cls.g, cls.base)

    # ---- helpers ----

    def context(self):
        ctx = ssl.create_default_context(cafile=self.pki.ca_cert)
        return ctx

    def ftps(self, server="strict", cls=ReusingFtpTls, user="writer", password="rw-secret"):
        f = cls(context=self.context(), timeout=TIMEOUT)
        f.connect(*self.addr[server], timeout=TIMEOUT)
        self.addCleanup(close_ftp, f)
        if user is not None:
            f.login(user, password)
        return f

    def control(self, server):
        c = Control(self.addr[server])
        self.addCleanup(c.close)
        code, _ = c.reply()
        self.assertEqual(code, 220)
        return c

    def upgrade(self, c):
        """AUTH TLS on a raw control connection."""
        code, text = c.cmd("AUTH TLS")
        self.assertEqual(code, 234, text)
        self.assertEqual(c.buf, b"")
        c.sock = self.context().wrap_socket(c.sock, server_hostname="127.0.0.1")

    def scratch(self):
        d = tempfile.mkdtemp(prefix="gorgon-ftps-client-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    # ---- ftplib ----

    def test_ftplib_login_list_download_upload(self):
        f = self.ftps()
        self.assertIsInstance(f.sock, ssl.SSLSocket)
        self.assertEqual(f.sock.version(), "TLSv1.2")
        self.assertTrue(f.prot_p().startswith("200"))
        f.cwd("/")
        self.assertRegex(f.sendcmd("PWD"), r'^257 "/"')
        with open(os.path.join(self.base, "rw", "down.bin"), "wb") as out:
            out.write(os.urandom(300_000))
        lines = []
        f.retrlines("LIST", lines.append)
        self.assertTrue(any(line.endswith(" down.bin") for line in lines), lines)
        got = io.BytesIO()
        f.retrbinary("RETR down.bin", got.write)
        with open(os.path.join(self.base, "rw", "down.bin"), "rb") as src:
            self.assertEqual(got.getvalue(), src.read())
        payload = os.urandom(500_000)
        f.storbinary("STOR up.bin", io.BytesIO(payload))
        with open(os.path.join(self.base, "rw", "up.bin"), "rb") as stored:
            self.assertEqual(stored.read(), payload)
        # Active mode: the server connects, and is the TLS server all the same.
        f.set_pasv(False)
        got = io.BytesIO()
        f.retrbinary("RETR up.bin", got.write)
        self.assertEqual(got.getvalue(), payload)

    def test_tls13_data_connections_resume(self):
        f = self.ftps("open13")
        self.assertEqual(f.sock.version(), "TLSv1.3")
        f.prot_p()  # a round trip after the handshake: the session tickets have arrived
        self.assertIsNotNone(f.sock.session)
        got = io.BytesIO()
        f.retrbinary("RETR /fixed.txt", got.write)
        self.assertEqual(got.getvalue(), b"fixed content\n")
        self.assertIn("fixed.txt", f.nlst())

    def test_data_connection_without_session_reuse_is_refused(self):
        f = self.ftps(cls=ftplib.FTP_TLS)  # a new TLS session on each data connection
        f.prot_p()
        start = len(self.g.log())
        try:
            f.retrlines("LIST", lambda line: None)
            self.fail("the listing went through on a data connection with a new TLS session")
        except ftplib.error_temp as e:
            reply = str(e)
        except (ssl.SSLError, OSError, EOFError):
            # The client's TLS layer noticed first (the server closed the data connection right
            # after the handshake); the control connection has the server's answer.
            with self.assertRaises(ftplib.error_temp) as caught:
                f.getresp()
            reply = str(caught.exception)
        self.assertRegex(reply, r"^425 .*resume the control connection")
        self.g.wait_log(r"did not resume the TLS session it had to", start=start)
        self.g.wait_log(r"must resume the control connection's TLS session", start=start)

    def test_require_data_refuses_clear_transfers(self):
        f = self.ftps()
        with self.assertRaises(ftplib.error_perm) as caught:
            f.retrlines("LIST", lambda line: None)  # PROT C, the default
        self.assertRegex(str(caught.exception), r"^521 ")
        self.assertEqual(f.sendcmd("PBSZ 0"), "200 PBSZ=0")
        with self.assertRaises(ftplib.error_perm) as caught:
            f.prot_c()
        self.assertRegex(str(caught.exception), r"^534 ")

    def test_implicit_ftps(self):
        f = self.ftps("implicit", cls=ImplicitFtpTls, user=None)
        self.assertTrue(f.welcome.startswith("220"))
        f.login("writer", "rw-secret")  # FTP_TLS.login sends no AUTH: the socket is TLS already
        with self.assertRaises(ftplib.error_perm) as caught:
            f.sendcmd("AUTH TLS")
        self.assertRegex(str(caught.exception), r"^503 ")
        f.prot_p()
        self.assertIn("fixed.txt", [line.split()[-1] for line in self.retrlines(f, "LIST")])
        got = io.BytesIO()
        f.retrbinary("RETR fixed.txt", got.write)
        self.assertEqual(got.getvalue(), b"fixed content\n")

    @staticmethod
    def retrlines(f, cmd):
        lines = []
        f.retrlines(cmd, lines.append)
        return lines

    # ---- raw control connection ----

    def test_require_login_refuses_user_before_auth(self):
        c = self.control("strict")
        self.assertEqual(c.cmd("USER writer"), (530, "530 TLS required: use AUTH TLS before "
                                                     "logging in."))
        self.assertEqual(c.cmd("USER anonymous")[0], 530)  # not exempt by default
        self.assertEqual(c.cmd("PASS rw-secret")[0], 530)
        self.upgrade(c)
        self.assertEqual(c.cmd("USER writer")[0], 331)
        self.assertEqual(c.cmd("PASS rw-secret")[0], 230)

    def test_sequencing_of_pbsz_and_prot(self):
        c = self.control("open")
        self.assertEqual(c.cmd("PBSZ 0")[0], 503)   # before AUTH
        self.assertEqual(c.cmd("PROT P")[0], 503)
        self.assertEqual(c.cmd("AUTH KERBEROS_V4")[0], 504)
        self.upgrade(c)
        self.assertEqual(c.cmd("AUTH TLS")[0], 503)  # already
        self.assertEqual(c.cmd("PROT P")[0], 503)   # before PBSZ
        self.assertEqual(c.cmd("PBSZ 0"), (200, "200 PBSZ=0"))
        self.assertEqual(c.cmd("PROT S")[0], 536)
        self.assertEqual(c.cmd("PROT E")[0], 536)
        self.assertEqual(c.cmd("PROT X")[0], 504)
        self.assertEqual(c.cmd("PROT C")[0], 200)
        self.assertEqual(c.cmd("PROT P")[0], 200)
        self.assertEqual(c.cmd("CCC")[0], 533)
        c.login()
        # Clear data is allowed on this server once PROT C is back.
        self.assertEqual(c.cmd("PROT C")[0], 200)
        host, port = c.pasv()
        with socket.create_connection((host, port), timeout=TIMEOUT) as d:
            self.assertEqual(c.cmd("RETR hello.txt")[0], 150)
            data = b""
            while chunk := d.recv(65536):
                data += chunk
        self.assertEqual(data, b"Hello, FTP!\r\n")  # TYPE A
        self.assertEqual(c.reply()[0], 226)

    def test_auth_ssl_is_a_synonym(self):
        c = self.control("open")
        code, text = c.cmd("AUTH SSL")
        self.assertEqual(code, 234, text)
        c.sock = self.context().wrap_socket(c.sock, server_hostname="127.0.0.1")
        self.assertEqual(c.cmd("NOOP")[0], 200)

    def test_input_after_auth_is_dropped(self):
        c = self.control("open")
        c.send(b"AUTH TLS\r\nUSER injected\r\n")
        self.assertEqual(c.reply()[0], 234)
        c.sock = self.context().wrap_socket(c.sock, server_hostname="127.0.0.1")
        self.assertEqual(c.cmd("PASS x")[0], 503)  # no USER carried over

    def test_feat(self):
        c = self.control("open")
        code, text = c.cmd("FEAT")
        self.assertEqual(code, 211)
        for feature in (" AUTH TLS", " PBSZ", " PROT"):
            self.assertIn(feature, text.splitlines())
        p = self.control("plain")
        code, text = p.cmd("FEAT")
        self.assertNotIn("AUTH", text)
        self.assertNotIn("PROT", text)

    def test_server_without_tls(self):
        c = self.control("plain")
        self.assertEqual(c.cmd("AUTH TLS"), (502, "502 TLS is not available on this server."))
        self.assertEqual(c.cmd("PBSZ 0")[0], 502)
        self.assertEqual(c.cmd("PROT P")[0], 502)
        self.assertEqual(c.cmd("CCC")[0], 502)
        c.login()  # still plaintext, still working
        self.assertEqual(c.cmd("PWD")[0], 257)

    # ---- lftp ----

    @unittest.skipUnless(shutil.which("lftp"), "lftp is not installed")
    def test_lftp_list_download_upload(self):
        for server in ("strict", "open13"):
            with self.subTest(server=server):
                d = self.scratch()
                with open(os.path.join(d, "local.bin"), "wb") as f:
                    f.write(os.urandom(200_000))
                host, port = self.addr[server]
                script = ("set net:max-retries 1; set net:timeout 15; "
                          "set net:reconnect-interval-base 1; set cmd:fail-exit yes; "
                          "set xfer:clobber yes; set ftp:ssl-force true; "
                          "set ftp:ssl-protect-data true; "
                          f"set ssl:ca-file {self.pki.ca_cert}; "
                          f"cls -1 /; get /fixed.txt -o {d}/fixed.txt; "
                          f"put {d}/local.bin -o /lftp-{server}.bin; quit")
                p = subprocess.run(["lftp", "-u", "writer,rw-secret", "-p", str(port), "-e",
                                    script, host], capture_output=True, timeout=CLIENT_TIMEOUT,
                                   stdin=subprocess.DEVNULL)
                self.assertEqual(p.returncode, 0,
                                 (p.stdout.decode(), p.stderr.decode(), self.g.log()[-3000:]))
                self.assertIn("/fixed.txt", p.stdout.decode().split())
                with open(os.path.join(d, "fixed.txt"), "rb") as f:
                    self.assertEqual(f.read(), b"fixed content\n")
                with open(os.path.join(self.base, "rw", f"lftp-{server}.bin"), "rb") as f, \
                        open(os.path.join(d, "local.bin"), "rb") as g:
                    self.assertEqual(f.read(), g.read())


if __name__ == "__main__":
    unittest.main()
