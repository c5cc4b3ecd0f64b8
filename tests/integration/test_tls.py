"""HTTPS: the host's TLS layer under the http plugin, driven by curl, openssl s_client and
Python's ssl module against certificates made at test time (tls_pki.py): SNI, protocols, ALPN,
session resumption, OCSP stapling, plaintext and silent clients on a TLS port, file bodies
through TLS, and clear start-up errors for bad certificate files."""
import grp
import hashlib
import os
import pwd
import re
import socket
import ssl
import subprocess
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import PLUGIN_DIR, Gorgon, check_config, run_gorgon, unprivileged_account
from tls_pki import Pki

CURL_TIMEOUT = 30


def https_config(docroot, certs, extra_tls="", http_config=""):
    """An http server with static files, TLS with `certs` (a list of (cert, key, ocsp))."""
    lines = []
    for cert, key, ocsp in certs:
        entry = f"{{cert: {cert}, key: {key}" + (f", ocsp: {ocsp}" if ocsp else "") + "}"
        lines.append(f"        - {entry}")
    body = "\n".join(lines)
    return f"""\
servers:
  - name: web
    protocol: http
    listen: 127.0.0.1:0
    tls:
      certificates:
{body}
{textwrap.indent(textwrap.dedent(extra_tls), "      ")}
    config:
      routes:
        - extension: static
          config: {{root: {docroot}}}
{textwrap.indent(textwrap.dedent(http_config), "      ")}
"""


def curl(port, name, path, cafile, *extra):
    """curl over HTTPS to `name` (resolved to 127.0.0.1): (exit code, body bytes, stderr)."""
    p = subprocess.run(["curl", "-sS", "--max-time", "20", "--cacert", cafile, "--resolve",
                        f"{name}:{port}:127.0.0.1", *extra, f"https://{name}:{port}{path}"],
                       capture_output=True, timeout=CURL_TIMEOUT, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def s_client(port, *args, data=b"", name="a.test"):
    """openssl s_client: its combined output (it fails as often as the tests want it to)."""
    cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", name, *args]
    p = subprocess.run(cmd, input=data, capture_output=True, timeout=30)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def served_fingerprint(port, server_hostname):
    """SHA-256 of the certificate the server presents for `server_hostname` (None: no SNI)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=server_hostname) as s:
            return hashlib.sha256(s.getpeercert(binary_form=True)).digest()


def make_docroot(directory):
    docroot = os.path.join(directory, "www")
    os.makedirs(docroot)
    with open(os.path.join(docroot, "small.txt"), "w") as f:
        f.write("hello over tls\n")
    # Larger than the http-static read-at-once threshold, so it is a file producer (sendfile
    # on plaintext, pread under TLS); text, so it can be gzipped too.
    with open(os.path.join(docroot, "big.txt"), "w") as f:
        for i in range(200_000):
            f.write(f"line {i} of a file served through TLS\n")
    with open(os.path.join(docroot, "random.bin"), "wb") as f:
        f.write(os.urandom(3 * 1024 * 1024 + 17))
    return docroot


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).digest()


class HttpsTest(unittest.TestCase):
    """One server with three certificates: a.test (the default, with an OCSP staple), b.test
    (and *.b.test), and expired.test, which expired in 2020."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-tls-")
        cls.pki = Pki(cls.tmp.name)
        cls.a = cls.pki.issue("a.test")
        cls.b = cls.pki.issue("b.test", names=["*.b.test"])
        cls.expired = cls.pki.issue("expired.test", expired=True)
        cls.ocsp = cls.pki.ocsp(cls.a)
        cls.docroot = make_docroot(cls.tmp.name)
        cls.g = Gorgon(https_config(cls.docroot, [(cls.a.cert, cls.a.key, cls.ocsp),
                                                  (cls.b.cert, cls.b.key, None),
                                                  (cls.expired.cert, cls.expired.key, None)],
                                    extra_tls="handshake_timeout: 1s"))
        try:
            cls.g.start(expect_servers=["web"])
            cls.port = cls.g.address("web")[1]
        except Exception:
            cls.g.__exit__(None, None, None)
            cls.tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.g.__exit__(None, None, None)
        cls.tmp.cleanup()

    def curl(self, name, path, *extra):
        return curl(self.port, name, path, self.pki.ca_cert, *extra)

    def test_each_name_gets_its_certificate(self):
        rc, body, err = self.curl("a.test", "/small.txt")
        self.assertEqual(rc, 0, err)
        self.assertEqual(body, b"hello over tls\n")
        rc, body, err = self.curl("b.test", "/small.txt")
        self.assertEqual(rc, 0, err)
        rc, body, err = self.curl("www.b.test", "/small.txt")  # the wildcard
        self.assertEqual(rc, 0, err)
        self.assertEqual(served_fingerprint(self.port, "b.test"),
                         self.pki.fingerprint(self.b.cert))

    def test_unknown_or_absent_name_gets_the_default_certificate(self):
        a = self.pki.fingerprint(self.a.cert)
        self.assertEqual(served_fingerprint(self.port, "unknown.test"), a)
        self.assertEqual(served_fingerprint(self.port, None), a)
        rc, _, err = self.curl("unknown.test", "/small.txt")
        self.assertEqual(rc, 60, err)  # a.test's certificate does not name it
        self.assertIn("unknown.test", err)

    def test_an_expired_certificate_fails_verification(self):
        self.assertEqual(served_fingerprint(self.port, "expired.test"),
                         self.pki.fingerprint(self.expired.cert))
        rc, _, err = self.curl("expired.test", "/small.txt")
        self.assertEqual(rc, 60, err)
        self.assertIn("expired", err)
        self.assertRegex(self.g.log(), r"servers\[0\]\.tls: server web: the certificate "
                                       r"/CN=expired\.test has expired")

    def test_file_bodies_pass_through_tls(self):
        # pread under TLS: the whole body, in order, whatever its size.
        for name in ("big.txt", "random.bin"):
            rc, body, err = self.curl("a.test", "/" + name)
            self.assertEqual(rc, 0, err)
            self.assertEqual(hashlib.sha256(body).digest(),
                             sha256_file(os.path.join(self.docroot, name)), name)
        # A range, and gzip (a producer reading the file into memory on both transports).
        rc, body, err = self.curl("a.test", "/random.bin", "-r", "1000000-1000999")
        self.assertEqual(rc, 0, err)
        with open(os.path.join(self.docroot, "random.bin"), "rb") as f:
            f.seek(1_000_000)
            self.assertEqual(body, f.read(1000))
        rc, body, err = self.curl("a.test", "/big.txt", "--compressed")
        self.assertEqual(rc, 0, err)
        self.assertEqual(hashlib.sha256(body).digest(),
                         sha256_file(os.path.join(self.docroot, "big.txt")))

    def test_keep_alive_over_tls(self):
        rc, body, err = self.curl("a.test", "/small.txt", "-v", "-o", "/dev/null",
                                  f"https://a.test:{self.port}/random.bin", "-o", "/dev/null",
                                  f"https://a.test:{self.port}/small.txt")
        self.assertEqual(rc, 0, err)
        self.assertEqual(err.count("Re-using existing connection"), 2, err)

    def test_old_protocols_are_refused(self):
        # The client must be allowed to offer them: SECLEVEL=0 lets OpenSSL 3 send TLS 1.0/1.1.
        for flag in ("-tls1", "-tls1_1"):
            rc, out = s_client(self.port, flag, "-cipher", "DEFAULT:@SECLEVEL=0")
            self.assertNotEqual(rc, 0, out)
            self.assertIn("alert protocol version", out, flag)
        for flag, version in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
            rc, out = s_client(self.port, flag, "-CAfile", self.pki.ca_cert)
            self.assertEqual(rc, 0, out)
            self.assertIn(f"New, {version}, Cipher is", out)
            self.assertIn("Verify return code: 0 (ok)", out)

    def test_alpn_picks_http_1_1(self):
        rc, out = s_client(self.port, "-alpn", "h2,http/1.1")
        self.assertEqual(rc, 0, out)
        self.assertIn("ALPN protocol: http/1.1", out)
        rc, out = s_client(self.port, "-alpn", "h2")  # nothing in common: no ALPN, no refusal
        self.assertEqual(rc, 0, out)
        self.assertIn("No ALPN negotiated", out)

    def test_sessions_resume(self):
        request = b"GET /small.txt HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"
        for flags in (["-tls1_3"], ["-tls1_2"], ["-tls1_2", "-no_ticket"]):
            with tempfile.TemporaryDirectory() as d:
                sess = os.path.join(d, "session.pem")
                rc, out = s_client(self.port, *flags, "-sess_out", sess, "-ign_eof",
                                   data=request)
                self.assertEqual(rc, 0, out)
                self.assertRegex(out, r"(?m)^New, TLSv1\.[23]", flags)
                self.assertIn("hello over tls", out)
                rc, out = s_client(self.port, *flags, "-sess_in", sess, "-ign_eof", data=request)
                self.assertEqual(rc, 0, out)
                self.assertRegex(out, r"(?m)^Reused, TLSv1\.[23]", flags)
                self.assertIn("hello over tls", out)

    def test_ocsp_is_stapled_where_a_response_is_configured(self):
        rc, out = s_client(self.port, "-status")
        self.assertEqual(rc, 0, out)
        self.assertIn("OCSP Response Status: successful", out)
        self.assertIn("Cert Status: good", out)
        rc, out = s_client(self.port, "-status", name="b.test")
        self.assertEqual(rc, 0, out)
        self.assertIn("OCSP response: no response sent", out)

    def test_plaintext_to_the_tls_port_is_closed(self):
        start = len(self.g.log())
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: a.test\r\n\r\n")
            got = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        self.assertNotIn(b"HTTP/1.1", got)
        self.assertNotIn(b"hello", got)
        self.g.wait_log(r"\[debug\] server web: TLS handshake with 127\.0\.0\.1:\d+: "
                        r"http request \(plaintext sent to a TLS port\?\)", start=start)
        rc, body, err = self.curl("a.test", "/small.txt")  # and the server is fine
        self.assertEqual(rc, 0, err)

    def test_a_silent_client_is_closed_at_the_handshake_timeout(self):
        start = len(self.g.log())
        t0 = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            self.assertEqual(s.recv(100), b"")
        elapsed = time.monotonic() - t0
        self.assertGreater(elapsed, 0.8)
        self.assertLess(elapsed, 5)
        self.g.wait_log(r"TLS handshake with 127\.0\.0\.1:\d+: timed out", start=start)


class HstsTest(unittest.TestCase):
    """The http plugin over TLS: Strict-Transport-Security when configured, over TLS only, and
    redirects an extension builds for this server in https."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-hsts-")
        cls.pki = Pki(cls.tmp.name)
        cls.a = cls.pki.issue("a.test")
        cls.docroot = make_docroot(cls.tmp.name)
        os.makedirs(os.path.join(cls.docroot, "dir"))
        http = f"""\
      routes:
        - extension: static
          config: {{root: {cls.docroot}}}
      hsts: {{max_age: 1y, include_subdomains: true}}
"""
        cls.g = Gorgon(f"""\
servers:
  - name: web
    protocol: http
    listen: 127.0.0.1:0
    tls: {{cert: {cls.a.cert}, key: {cls.a.key}}}
    config:
{http}
  - name: plain
    protocol: http
    listen: 127.0.0.1:0
    config:
{http}
""")
        try:
            cls.g.start(expect_servers=["web", "plain"])
            cls.port = cls.g.address("web")[1]
            cls.plain_port = cls.g.address("plain")[1]
        except Exception:
            cls.g.__exit__(None, None, None)
            cls.tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.g.__exit__(None, None, None)
        cls.tmp.cleanup()

    def test_hsts_is_sent_over_tls_only(self):
        rc, out, err = curl(self.port, "a.test", "/small.txt", self.pki.ca_cert, "-i")
        self.assertEqual(rc, 0, err)
        self.assertIn(b"\r\nStrict-Transport-Security: max-age=31536000; includeSubDomains\r\n",
                      out)
        p = subprocess.run(["curl", "-sS", "-i", "--max-time", "20",
                            f"http://127.0.0.1:{self.plain_port}/small.txt"],
                           capture_output=True, timeout=CURL_TIMEOUT, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"200 OK", p.stdout)
        self.assertNotIn(b"Strict-Transport-Security", p.stdout)

    def test_redirects_to_this_server_keep_https(self):
        rc, out, err = curl(self.port, "a.test", "/dir", self.pki.ca_cert, "-i")
        self.assertEqual(rc, 0, err)
        self.assertIn(b"301", out.split(b"\r\n")[0])
        self.assertIn(f"\r\nLocation: https://a.test:{self.port}/dir/\r\n".encode(), out)
        p = subprocess.run(["curl", "-sS", "-i", "--max-time", "20",
                            f"http://127.0.0.1:{self.plain_port}/dir"],
                           capture_output=True, timeout=CURL_TIMEOUT, stdin=subprocess.DEVNULL)
        self.assertIn(f"\r\nLocation: http://127.0.0.1:{self.plain_port}/dir/\r\n".encode(),
                      p.stdout)

    def test_a_bad_hsts_setting_is_refused(self):
        for hsts, expected in (("{max_age: forever}", r"hsts\.max_age: expected seconds"),
                               ("{include_subdomains: true}", r"hsts: missing key: max_age"),
                               ("{max_age: 1d, preload: true}", r"hsts\.preload: preload needs"),
                               ("{max_age: 1y, colour: red}", r"colour")):
            rc, out = check_config(f"""\
plugins:
  directory: {PLUGIN_DIR}
servers:
  - name: web
    protocol: http
    listen: 127.0.0.1:0
    config:
      hsts: {hsts}
""")
            self.assertEqual(rc, 1, out)
            self.assertRegex(out, expected)


class StartupErrorsTest(unittest.TestCase):
    """Bad TLS files stop the server before it listens, naming the key that points at them."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-tls-errors-")
        cls.pki = Pki(cls.tmp.name)
        cls.a = cls.pki.issue("a.test")
        cls.b = cls.pki.issue("b.test")
        cls.docroot = os.path.join(cls.tmp.name, "www")
        os.makedirs(cls.docroot)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def config(self, certs, extra_tls=""):
        return (f"plugins:\n  directory: {PLUGIN_DIR}\n" +
                https_config(self.docroot, certs, extra_tls=extra_tls))

    def refused(self, text, expected, account=None):
        """--check-config and a real start both fail with `expected` (a regex) in the output.
        `account`: (user, group) to run gorgon as (see unprivileged_account)."""
        user, group = account or (None, None)
        rc, out = check_config(text, user=user, group=group)
        self.assertEqual(rc, 1, out)
        self.assertRegex(out, expected)
        with tempfile.TemporaryDirectory(prefix="gorgon-tls-start-") as d:
            path = os.path.join(d, "gorgon.yaml")
            with open(path, "w") as f:
                f.write(text)
            if account:
                os.chmod(d, 0o755)
                os.chmod(path, 0o644)
            p = run_gorgon(["-c", path], cwd=d, user=user, group=group)
            self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertRegex(p.stdout + p.stderr, expected)

    def test_a_missing_file(self):
        missing = os.path.join(self.tmp.name, "nope.pem")
        self.refused(self.config([(missing, self.a.key, None)]),
                     r"gorgon\.yaml:9:\d+: servers\[0\]\.tls\.certificates\[0\]\.cert: cannot read "
                     + re.escape(missing) + r": No such file or directory")

    def test_an_unreadable_file(self):
        # Root reads every file, so as root (CI) gorgon runs as an unprivileged account, which
        # must be able to read everything but the locked key: a directory of its own.
        account = unprivileged_account()
        with tempfile.TemporaryDirectory(prefix="gorgon-tls-locked-") as d:
            os.chmod(d, 0o755)
            cert = os.path.join(d, "a.test.pem")
            locked = os.path.join(d, "locked.key")
            docroot = os.path.join(d, "www")
            os.mkdir(docroot)
            with open(self.a.cert) as src, open(cert, "w") as dst:
                dst.write(src.read())
            os.chmod(cert, 0o644)
            with open(self.a.key) as src, open(locked, "w") as dst:
                dst.write(src.read())
            os.chmod(locked, 0)
            run = os.path.join(d, "run")  # plugins are copied there before they load
            os.mkdir(run)
            if account:
                os.chown(run, pwd.getpwnam(account[0]).pw_uid, grp.getgrnam(account[1]).gr_gid)
            text = (f"plugins:\n  directory: {PLUGIN_DIR}\n  runtime_directory: {run}\n" +
                    https_config(docroot, [(cert, locked, None)]))
            self.refused(text, r"servers\[0\]\.tls\.certificates\[0\]\.key: cannot read "
                               + re.escape(locked) + r": Permission denied", account)

    def test_a_key_that_does_not_match_its_certificate(self):
        self.refused(self.config([(self.a.cert, self.b.key, None)]),
                     r"gorgon\.yaml:9:\d+: servers\[0\]\.tls\.certificates\[0\]\.key: the private "
                     r"key in .*b\.test\.key does not match the certificate in .*a\.test\.pem")

    def test_a_file_that_is_not_a_certificate(self):
        self.refused(self.config([(self.a.key, self.a.key, None)]),
                     r"servers\[0\]\.tls\.certificates\[0\]\.cert: no PEM certificate in ")

    def test_a_cipher_list_openssl_does_not_know(self):
        self.refused(self.config([(self.a.cert, self.a.key, None)], extra_tls="ciphers: NOPE"),
                     r"servers\[0\]\.tls\.ciphers: no cipher in \"NOPE\"")

    def test_an_ocsp_file_that_is_not_a_response(self):
        self.refused(self.config([(self.a.cert, self.a.key, self.a.cert)]),
                     r"servers\[0\]\.tls\.certificates\[0\]\.ocsp: .* is not a DER OCSP response")


class ReloadTest(unittest.TestCase):
    """SIGHUP re-reads certificates: new handshakes get the new ones; a download running over
    TLS meanwhile completes; files that fail to load leave the ones in use."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="gorgon-tls-reload-")
        self.pki = Pki(self.tmp.name)
        self.old = self.pki.issue("a.test")
        self.new = self.pki.issue("a.test", tag="-renewed")
        self.cert = os.path.join(self.tmp.name, "live.pem")
        self.key = os.path.join(self.tmp.name, "live.key")
        self.install(self.old)
        self.docroot = os.path.join(self.tmp.name, "www")
        os.makedirs(self.docroot)
        self.big = os.path.join(self.docroot, "big.bin")
        with open(self.big, "wb") as f:
            f.write(os.urandom(48 * 1024 * 1024))
        self.g = Gorgon(https_config(self.docroot, [(self.cert, self.key, None)]))
        self.g.start(expect_servers=["web"])
        self.port = self.g.address("web")[1]

    def tearDown(self):
        self.g.__exit__(None, None, None)
        self.tmp.cleanup()

    def install(self, issued):
        for src, dst in ((issued.cert, self.cert), (issued.key, self.key)):
            with open(src, "rb") as f:
                data = f.read()
            with open(dst + ".tmp", "wb") as f:
                f.write(data)
            os.replace(dst + ".tmp", dst)

    def reload(self):
        start = len(self.g.log())
        self.g.signal(1)  # SIGHUP
        self.g.wait_log(r"configuration reloaded from|config reload refused", start=start)
        return self.g.log()[start:]

    def test_a_certificate_swap_keeps_a_running_download(self):
        ctx = ssl.create_default_context(cafile=self.pki.ca_cert)
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as raw:
            with ctx.wrap_socket(raw, server_hostname="a.test") as s:
                self.assertEqual(hashlib.sha256(s.getpeercert(binary_form=True)).digest(),
                                 self.pki.fingerprint(self.old.cert))
                s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
                data = bytearray()
                while len(data) < 1024 * 1024:
                    chunk = s.recv(65536)
                    self.assertTrue(chunk, "the download ended early")
                    data += chunk
                # The server is in the middle of the body (the socket buffers are full).
                self.install(self.new)
                log = self.reload()
                self.assertIn("server web: TLS with 1 certificate (a.test)", log)
                self.assertEqual(served_fingerprint(self.port, "a.test"),
                                 self.pki.fingerprint(self.new.cert))
                rc, body, err = curl(self.port, "a.test", "/big.bin", self.pki.ca_cert, "-r",
                                     "0-99")
                self.assertEqual(rc, 0, err)
                while True:
                    chunk = s.recv(1 << 20)
                    if not chunk:
                        break
                    data += chunk
        head, _, body = bytes(data).partition(b"\r\n\r\n")
        self.assertIn(b"200 OK", head)
        self.assertEqual(len(body), 48 * 1024 * 1024)
        self.assertEqual(hashlib.sha256(body).digest(), sha256_file(self.big))

    def test_sessions_resume_across_a_reload(self):
        # The new context takes the old one's ticket keys: clients keep resuming.
        request = (b"GET /big.bin HTTP/1.1\r\nHost: a.test\r\nRange: bytes=0-9\r\n"
                   b"Connection: close\r\n\r\n")
        with tempfile.TemporaryDirectory() as d:
            sess = os.path.join(d, "session.pem")
            rc, out = s_client(self.port, "-tls1_3", "-sess_out", sess, "-ign_eof", data=request)
            self.assertEqual(rc, 0, out)
            self.assertRegex(out, r"(?m)^New, TLSv1\.3")
            self.install(self.new)
            self.reload()
            rc, out = s_client(self.port, "-tls1_3", "-sess_in", sess, "-ign_eof", data=request)
            self.assertEqual(rc, 0, out)
            self.assertRegex(out, r"(?m)^Reused, TLSv1\.3")

    def test_files_that_fail_leave_the_certificates_in_use(self):
        os.remove(self.key)
        log = self.reload()
        # The check that precedes every reload reads the files: the reload is refused whole.
        self.assertRegex(log, r"config reload refused, the running configuration stays: "
                              r".*servers\[0\]\.tls\.certificates\[0\]\.key: cannot read")
        self.assertEqual(served_fingerprint(self.port, "a.test"),
                         self.pki.fingerprint(self.old.cert))
        self.install(self.new)
        self.reload()
        self.assertEqual(served_fingerprint(self.port, "a.test"),
                         self.pki.fingerprint(self.new.cert))


if __name__ == "__main__":
    unittest.main()
