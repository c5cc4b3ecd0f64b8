"""The ftp plugin end to end, command by command, with Python's ftplib and a raw control
connection: the real binary with the ftp and fs-os plugins, a tree made here, anonymous (with an
upload directory) and virtual users (read-write and read-only) on one server.

This file also holds the helpers the other test_ftp_*.py files import (as a module, so its test
classes are not run twice). Every socket has a timeout, and every server is stopped.
"""
import ftplib
import io
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from gorgon_harness import (Gorgon, clean_exit_problem, copy_plugins as harness_copy_plugins,
                            ftp_server, gorgon_config, start_or_discard, stop_and_discard)

PLUGINS = ("ftp.so", "fs-os.so")
SECRET = b"TOP-SECRET-OUTSIDE-THE-ROOT"
TIMEOUT = 10
IS_ROOT = os.geteuid() == 0


def copy_plugins(dest):
    """Copies the ftp and fs-os plugins into `dest`, so that no other plugin of the build tree
    can be picked up, with the permissions the host insists on."""
    harness_copy_plugins(dest, PLUGINS)


def crypt_hash(password):
    """A yescrypt hash of `password`, made with libxcrypt through openssl-free means: Python's
    crypt module where it exists, else mkpasswd, else a sha512-crypt from openssl."""
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import crypt  # noqa: deprecated in 3.11, gone in 3.13
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))
    except ImportError:
        pass
    if shutil.which("mkpasswd"):
        return subprocess.run(["mkpasswd", "-m", "yescrypt", password], capture_output=True,
                              text=True, check=True, timeout=30).stdout.strip()
    return subprocess.run(["openssl", "passwd", "-6", password], capture_output=True, text=True,
                          check=True, timeout=30).stdout.strip()


def write(path, data, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if mode is not None:
        os.chmod(path, mode)


def make_tree(base):
    """base/root (served), base/outside (never reachable), base/rw and base/ro (virtual users'
    roots). Directories that sessions write to are world-writable: when the tests run as root,
    anonymous and virtual sessions act as `nobody`."""
    root = os.path.join(base, "root")
    write(os.path.join(base, "outside", "secret.txt"), SECRET)
    write(os.path.join(root, "hello.txt"), "Hello, FTP!\n")
    write(os.path.join(root, "lines.txt"), "one\ntwo\nthree\n")
    write(os.path.join(root, "digits.txt"), "0123456789" * 10)
    write(os.path.join(root, "sub", "a.txt"), "file a\n")
    write(os.path.join(root, "sub", "b.txt"), "file b\n")
    write(os.path.join(root, "sub", ".hidden"), "hidden\n")
    write(os.path.join(root, "big.bin"), os.urandom(3 * 1024 * 1024))
    with open(os.path.join(root, "huge.bin"), "wb") as f:
        f.truncate(256 * 1024 * 1024)  # sparse: costs no disk, takes a while to send
    os.makedirs(os.path.join(root, "incoming"))
    os.chmod(os.path.join(root, "incoming"), 0o777)
    os.symlink("../outside/secret.txt", os.path.join(root, "escape"))
    os.symlink(os.path.join(base, "outside", "secret.txt"), os.path.join(root, "abs_escape"))
    os.symlink("../outside", os.path.join(root, "outdir"))
    os.symlink("hello.txt", os.path.join(root, "sibling"))
    for d in ("rw", "ro"):
        os.makedirs(os.path.join(base, d))
        os.chmod(os.path.join(base, d), 0o777)
    write(os.path.join(base, "ro", "readme.txt"), "read only\n")
    return root


def have_ipv6():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


HAVE_IPV6 = have_ipv6()


def server_config(plugin_dir, settings, extra_servers=()):
    """The YAML for one ftp server named "ftp" with `settings` as its config (written as JSON,
    which YAML reads), listening on 127.0.0.1 (and ::1 where there is IPv6), plus any further
    server entries."""
    listen = ["127.0.0.1:0"] + (["[::1]:0"] if HAVE_IPV6 else [])
    return gorgon_config(plugin_dir, ("fs-os", "ftp"),
                         [ftp_server(settings, listen=listen), *extra_servers])


def close_ftp(f):
    """QUIT, or just close when the session is already gone (closed, the server went, a TLS
    shutdown that failed)."""
    try:
        f.quit()
    except (*ftplib.all_errors, AttributeError, ValueError):
        f.close()


def ftp_login(test, addr, user="anonymous", password="test@example", passive=True):
    """An ftplib session to `addr`, logged in as `user`, closed when `test` ends."""
    f = ftplib.FTP()
    f.connect(*addr, timeout=TIMEOUT)
    test.addCleanup(close_ftp, f)
    f.set_pasv(passive)
    f.login(user, password)
    return f


class Control:
    """A raw control connection: send lines, read whole replies (multi-line ones included)."""

    def __init__(self, addr, source=None):
        self.sock = socket.create_connection(addr, timeout=TIMEOUT,
                                             source_address=(source, 0) if source else None)
        self.host = addr[0]
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, line):
        self.sock.sendall(line if isinstance(line, bytes) else line.encode() + b"\r\n")

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed; unread: {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode(errors="replace")

    def reply(self):
        """(code, text of every line) of the next reply."""
        first = self._line()
        lines = [first]
        code = first[:3]
        if first[3:4] == "-":
            while True:
                line = self._line()
                lines.append(line)
                if line.startswith(code + " "):
                    break
        return int(code), "\n".join(lines)

    def cmd(self, line):
        self.send(line)
        return self.reply()

    def login(self, user="anonymous", password="test@example"):
        code, text = self.cmd(f"USER {user}")
        assert code == 331, text
        code, text = self.cmd(f"PASS {password}")
        assert code == 230, text

    def pasv(self):
        code, text = self.cmd("PASV")
        assert code == 227, text
        nums = [int(x) for x in re.search(r"\((\d+(?:,\d+){5})\)", text).group(1).split(",")]
        return ".".join(map(str, nums[:4])), nums[4] * 256 + nums[5]

    def closed(self):
        """True when the server has closed the connection (EOF or reset)."""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def recv_all(sock):
    parts = []
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


class FtpServerCase(unittest.TestCase):
    """Starts one server for the whole class; subclasses set SETTINGS(base, root)."""

    @classmethod
    def settings(cls, base, root):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="gorgon-ftp-")
        cls.root = make_tree(cls.base)
        cls.plugin_dir = os.path.join(cls.base, "plugins")
        os.makedirs(cls.plugin_dir)
        copy_plugins(cls.plugin_dir)
        cls.g = Gorgon(server_config(cls.plugin_dir, cls.settings(cls.base, cls.root)))
        cls.addr = start_or_discard(cls.g, cls.base, ("ftp",))["ftp"]

    @classmethod
    def tearDownClass(cls):
        stop_and_discard(cls.g, cls.base)

    def ftp(self, user="anonymous", password="test@example", passive=True):
        return ftp_login(self, self.addr, user, password, passive)

    def control(self, source=None):
        c = Control(self.addr, source)
        self.addCleanup(c.close)
        code, text = c.reply()
        self.assertEqual(code, 220, text)
        return c


def standard_settings(base, root, **overrides):
    hash_rw = crypt_hash("rw-secret")
    hash_ro = crypt_hash("ro-secret")
    passwd = os.path.join(base, "ftp.passwd")
    with open(passwd, "w") as f:
        f.write("# virtual users for the tests\n")
        f.write(f"writer:{hash_rw}:{base}/rw:rw\n")
        f.write(f"reader:{hash_ro}:{base}/ro:ro\n")
    settings = {
        "banner": "Gorgon FTP test server.",
        "anonymous": {"root": root, "upload_dir": "incoming"},
        "virtual_users": {"file": passwd},
        "xferlog": os.path.join(base, "xferlog"),
        "login_failure_delay": "50ms",
        "max_login_attempts": 2,
        "lockout": {"failures": 50},
    }
    settings.update(overrides)
    return settings


class FtpCommands(FtpServerCase):
    """Every command of RFC 959, 2389, 2428 and 3659, with ftplib where it has a method."""

    @classmethod
    def settings(cls, base, root):
        return standard_settings(base, root)

    def test_greeting_and_information(self):
        f = ftplib.FTP()
        f.connect(*self.addr, timeout=TIMEOUT)
        self.addCleanup(f.close)
        self.assertEqual(f.getwelcome(), "220 Gorgon FTP test server.")
        self.assertEqual(f.sendcmd("SYST"), "215 UNIX Type: L8")
        feat = f.sendcmd("FEAT")
        self.assertTrue(feat.startswith("211-Features:"), feat)
        self.assertTrue(feat.endswith("211 End"), feat)
        for line in (" EPRT", " EPSV", " MDTM", " PASV", " REST STREAM", " SIZE", " UTF8",
                     " MLST type*;size*;modify*;perm*;unique*;"):
            self.assertIn("\n" + line, feat)
        help_text = f.sendcmd("HELP")
        self.assertTrue(help_text.startswith("214-") and help_text.endswith("214 Help OK."))
        self.assertIn("RETR", help_text)
        self.assertEqual(f.sendcmd("HELP retr"), "214 Syntax: RETR <path>")
        self.assertEqual(f.sendcmd("NOOP"), "200 NOOP ok.")
        self.assertEqual(f.sendcmd("OPTS UTF8 ON"), "200 Always in UTF8 mode.")
        stat = f.sendcmd("STAT")
        self.assertTrue(stat.startswith("211-") and stat.endswith("211 End of status"), stat)

    def test_reply_codes_for_bad_commands(self):
        c = self.control()
        self.assertEqual(c.cmd("FROB x")[0], 500)      # unknown
        self.assertEqual(c.cmd("SITE CHMOD 777 x")[0], 502)  # known, not implemented
        self.assertEqual(c.cmd("ACCT x")[0], 502)
        self.assertEqual(c.cmd("AUTH TLS")[0], 502)    # TLS comes with a later issue
        self.assertEqual(c.cmd("PASS x")[0], 503)      # out of sequence
        self.assertEqual(c.cmd("USER")[0], 501)        # argument missing
        self.assertEqual(c.cmd("NOOP now")[0], 501)    # argument not allowed
        self.assertEqual(c.cmd("TYPE X")[0], 501)
        self.assertEqual(c.cmd("TYPE E")[0], 504)
        self.assertEqual(c.cmd("MODE B")[0], 504)
        self.assertEqual(c.cmd("MODE S")[0], 200)
        self.assertEqual(c.cmd("STRU R")[0], 504)
        self.assertEqual(c.cmd("STRU F")[0], 200)
        self.assertEqual(c.cmd("OPTS FROB")[0], 501)
        c.login()
        self.assertEqual(c.cmd("RNTO x")[0], 503)
        self.assertEqual(c.cmd("REST abc")[0], 501)
        self.assertEqual(c.cmd("REST -1")[0], 501)
        self.assertEqual(c.cmd("RETR hello.txt")[0], 425)  # no PORT or PASV first
        self.assertEqual(c.cmd("ALLO 100")[0], 202)
        self.assertEqual(c.cmd("USER other")[0], 530)
        self.assertEqual(c.cmd("QUIT"), (221, "221 Goodbye."))
        self.assertTrue(c.closed())

    def test_directories(self):
        f = self.ftp()
        self.assertEqual(f.pwd(), "/")
        self.assertEqual(f.cwd("sub"), "250 Directory successfully changed.")
        self.assertEqual(f.pwd(), "/sub")
        self.assertEqual(f.sendcmd("XPWD"), '257 "/sub" is the current directory')
        self.assertEqual(f.sendcmd("CDUP"), "250 Directory successfully changed.")
        self.assertEqual(f.pwd(), "/")
        f.sendcmd("XCWD /sub")
        self.assertEqual(f.sendcmd("XCUP"), "250 Directory successfully changed.")
        self.assertEqual(f.pwd(), "/")
        with self.assertRaises(ftplib.error_perm) as e:
            f.cwd("nope")
        self.assertTrue(str(e.exception).startswith("550"))
        with self.assertRaises(ftplib.error_perm):
            f.cwd("hello.txt")

    def test_listings(self):
        f = self.ftp()
        self.assertEqual(f.nlst(), ["big.bin", "digits.txt", "hello.txt", "huge.bin", "incoming",
                                    "lines.txt", "sibling", "sub"])
        self.assertEqual(f.nlst("sub"), ["a.txt", "b.txt"])
        self.assertEqual(f.nlst("-a sub"), [".hidden", "a.txt", "b.txt"])
        self.assertEqual(f.nlst("sub/*.txt"), ["a.txt", "b.txt"])
        self.assertEqual(f.nlst("hello.txt"), ["hello.txt"])
        lines = []
        f.retrlines("LIST", lines.append)
        names = [line.split()[-1] for line in lines]
        self.assertEqual(names, f.nlst())
        hello = next(line for line in lines if line.endswith(" hello.txt"))
        self.assertRegex(hello, r"^-rw-r--r-- +1 +\d+ +\d+ +12 [A-Z][a-z]{2} [ \d]\d [\d:]{5} hello.txt$")
        sub = next(line for line in lines if line.endswith(" sub"))
        self.assertTrue(sub.startswith("d"))
        # A link inside the root is listed as what it points at.
        sibling = next(line for line in lines if line.endswith(" sibling"))
        self.assertTrue(sibling.startswith("-"), sibling)
        lines = []
        f.retrlines("LIST -la sub", lines.append)
        self.assertEqual([line.split()[-1] for line in lines], [".hidden", "a.txt", "b.txt"])

    def test_mlsd_mlst(self):
        f = self.ftp()
        entries = dict(f.mlsd())
        self.assertEqual(entries["hello.txt"]["type"], "file")
        self.assertEqual(entries["hello.txt"]["size"], "12")
        self.assertEqual(entries["hello.txt"]["perm"], "r")
        self.assertRegex(entries["hello.txt"]["modify"], r"^\d{14}$")
        self.assertEqual(entries["sub"]["type"], "dir")
        self.assertEqual(entries["sub"]["perm"], "el")
        self.assertNotIn("escape", entries)
        self.assertNotIn("outdir", entries)
        sub = dict(f.mlsd("sub"))
        self.assertIn(".hidden", sub)  # machine listings hide nothing
        mlst = f.sendcmd("MLST hello.txt")
        self.assertRegex(mlst, r"^250-Listing /hello.txt\n type=file;size=12;modify=\d{14};perm=r;"
                               r"unique=[0-9a-f]+g[0-9a-f]+; /hello.txt\n250 End$")
        self.assertEqual(f.sendcmd("OPTS MLST type;size;"), "200 MLST OPTS type;size;")
        self.assertRegex(f.sendcmd("MLST sub"), r"\n type=dir;size=\d+; /sub\n250 End$")
        with self.assertRaises(ftplib.error_perm) as e:
            list(f.mlsd("hello.txt"))
        self.assertTrue(str(e.exception).startswith("501"))
        # FEAT marks what OPTS MLST selected.
        self.assertIn(" MLST type*;size*;modify;perm;", f.sendcmd("FEAT"))

    def test_stat_path(self):
        f = self.ftp()
        stat = f.sendcmd("STAT sub")
        lines = stat.split("\n")
        self.assertEqual(lines[0], "213-Status of /sub:")
        self.assertEqual(lines[-1], "213 End of status")
        self.assertEqual([line.split()[-1] for line in lines[1:-1]], ["a.txt", "b.txt"])

    def test_retr_binary_ascii_and_rest(self):
        f = self.ftp()
        out = io.BytesIO()
        f.retrbinary("RETR big.bin", out.write)
        with open(os.path.join(self.root, "big.bin"), "rb") as src:
            self.assertEqual(out.getvalue(), src.read())
        # TYPE A: LF goes out as CRLF.
        f.sendcmd("TYPE A")
        conn = f.transfercmd("RETR lines.txt")
        self.assertEqual(recv_all(conn), b"one\r\ntwo\r\nthree\r\n")
        conn.close()
        self.assertEqual(f.voidresp(), "226 Transfer complete.")
        # REST then RETR: the rest of the file.
        f.sendcmd("TYPE I")
        self.assertEqual(f.sendcmd("REST 95"), "350 Restart position accepted (95).")
        out = io.BytesIO()
        f.retrbinary("RETR digits.txt", out.write)
        self.assertEqual(out.getvalue(), b"56789")
        out = io.BytesIO()
        f.retrbinary("RETR digits.txt", out.write, rest=90)
        self.assertEqual(out.getvalue(), b"0123456789")
        with self.assertRaises(ftplib.error_perm) as e:
            f.retrbinary("RETR digits.txt", out.write, rest=101)
        self.assertTrue(str(e.exception).startswith("554"))
        self.assertEqual(f.size("hello.txt"), 12)
        self.assertRegex(f.sendcmd("MDTM hello.txt"), r"^213 \d{14}$")
        with self.assertRaises(ftplib.error_perm):
            f.size("sub")
        with self.assertRaises(ftplib.error_perm) as e:
            f.retrbinary("RETR nope", out.write)
        self.assertTrue(str(e.exception).startswith("550"))

    def test_active_mode(self):
        f = self.ftp(passive=False)
        out = io.BytesIO()
        f.retrbinary("RETR hello.txt", out.write)
        self.assertEqual(out.getvalue(), b"Hello, FTP!\n")
        self.assertIn("hello.txt", f.nlst())
        # EPRT: an IPv6 address on an IPv4 control connection is the wrong protocol.
        with self.assertRaises(ftplib.error_perm) as e:
            f.sendcmd("EPRT |2|::1|50000|")
        self.assertTrue(str(e.exception).startswith("522"))
        with self.assertRaises(ftplib.error_perm) as e:
            f.sendcmd("EPRT |3|x|50000|")
        self.assertTrue(str(e.exception).startswith("522"))
        with self.assertRaises(ftplib.error_perm) as e:
            f.sendcmd("EPRT 127.0.0.1 50000")
        self.assertTrue(str(e.exception).startswith("501"))
        sock = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(sock.close)
        port = sock.getsockname()[1]
        self.assertEqual(f.sendcmd(f"EPRT |1|127.0.0.1|{port}|"), "200 EPRT command successful.")
        f.sendcmd("TYPE I")
        f.putcmd("RETR hello.txt")
        self.assertTrue(f.getresp().startswith("150"))
        sock.settimeout(TIMEOUT)
        data, _ = sock.accept()
        with data:
            self.assertEqual(recv_all(data), b"Hello, FTP!\n")
        self.assertEqual(f.voidresp(), "226 Transfer complete.")

    def test_epsv(self):
        c = self.control()
        c.login()
        code, text = c.cmd("EPSV")
        self.assertEqual(code, 229, text)
        port = int(re.search(r"\(\|\|\|(\d+)\|\)", text).group(1))
        data = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.addCleanup(data.close)
        self.assertEqual(c.cmd("TYPE I")[0], 200)
        self.assertEqual(c.cmd("RETR hello.txt")[0], 150)
        self.assertEqual(recv_all(data), b"Hello, FTP!\n")
        self.assertEqual(c.reply()[0], 226)
        self.assertEqual(c.cmd("EPSV 2")[0], 522)
        self.assertEqual(c.cmd("EPSV 3")[0], 522)
        self.assertEqual(c.cmd("EPSV x")[0], 501)
        self.assertEqual(c.cmd("EPSV 1")[0], 229)
        self.assertEqual(c.cmd("EPSV ALL"), (200, "200 EPSV ALL ok."))
        self.assertEqual(c.cmd("PASV")[0], 503)
        self.assertEqual(c.cmd("PORT 127,0,0,1,200,200")[0], 503)
        self.assertEqual(c.cmd("EPRT |1|127.0.0.1|51234|")[0], 503)
        self.assertEqual(c.cmd("EPSV")[0], 229)

    @unittest.skipUnless(HAVE_IPV6, "no IPv6 loopback here")
    def test_ipv6_epsv_eprt(self):
        v6 = [a for a in self.g.addresses("ftp") if a.startswith("[")]
        self.assertTrue(v6, self.g.addresses("ftp"))
        port = int(v6[0].rpartition(":")[2])
        c = Control(("::1", port))
        self.addCleanup(c.close)
        self.assertEqual(c.reply()[0], 220)
        c.login()
        self.assertEqual(c.cmd("PASV")[0], 425)  # PASV cannot name an IPv6 address
        self.assertEqual(c.cmd("EPSV 1")[0], 522)
        self.assertEqual(c.cmd("EPSV 2")[0], 229)
        code, text = c.cmd("EPSV")
        self.assertEqual(code, 229, text)
        dport = int(re.search(r"\(\|\|\|(\d+)\|\)", text).group(1))
        with socket.create_connection(("::1", dport), timeout=TIMEOUT) as data:
            self.assertEqual(c.cmd("TYPE I")[0], 200)
            self.assertEqual(c.cmd("RETR hello.txt")[0], 150)
            self.assertEqual(recv_all(data), b"Hello, FTP!\n")
        self.assertEqual(c.reply()[0], 226)
        # Active, over IPv6: EPRT with protocol 2 and the client's own address.
        with socket.create_server(("::1", 0), family=socket.AF_INET6) as listener:
            listener.settimeout(TIMEOUT)
            lport = listener.getsockname()[1]
            self.assertEqual(c.cmd(f"EPRT |1|127.0.0.1|{lport}|")[0], 522)
            self.assertEqual(c.cmd(f"PORT 127,0,0,1,{lport >> 8},{lport & 255}")[0], 500)
            self.assertEqual(c.cmd(f"EPRT |2|::1|{lport}|")[0], 200)
            self.assertEqual(c.cmd("RETR hello.txt")[0], 150)
            data, _ = listener.accept()
            with data:
                self.assertEqual(recv_all(data), b"Hello, FTP!\n")
        self.assertEqual(c.reply()[0], 226)

    def test_abor_mid_transfer(self):
        c = self.control()
        c.login()
        host, port = c.pasv()
        data = socket.create_connection((host, port), timeout=TIMEOUT)
        self.addCleanup(data.close)
        c.cmd("TYPE I")
        code, text = c.cmd("RETR huge.bin")
        self.assertEqual(code, 150, text)
        self.assertEqual(len(data.recv(65536)) > 0, True)
        # RFC 959: 426 for the transfer, then 226 for the ABOR.
        self.assertEqual(c.cmd("ABOR")[0], 426)
        self.assertEqual(c.reply(), (226, "226 ABOR successful."))
        self.assertEqual(c.cmd("NOOP")[0], 200)
        self.assertEqual(c.cmd("ABOR"), (225, "225 No transfer to ABOR."))

    def test_abor_as_urgent_data(self):
        # ftplib sends "ABOR\r\n" with MSG_OOB, as RFC 959 asks: the kernel keeps the urgent
        # "\n" out of the stream, and the server must still see the command.
        f = self.ftp()
        f.sendcmd("TYPE I")
        conn = f.transfercmd("RETR huge.bin")
        self.addCleanup(conn.close)
        conn.recv(65536)
        self.assertTrue(f.abort().startswith("426"))
        self.assertEqual(f.getresp(), "226 ABOR successful.")
        self.assertEqual(f.sendcmd("NOOP"), "200 NOOP ok.")

    def test_anonymous_is_read_only_but_may_upload_to_incoming(self):
        f = self.ftp()
        for cmd in ("MKD newdir", "DELE hello.txt", "RMD sub", "RNFR hello.txt"):
            with self.assertRaises(ftplib.error_perm) as e:
                f.sendcmd(cmd)
            self.assertTrue(str(e.exception).startswith("550"), (cmd, e.exception))
        with self.assertRaises(ftplib.error_perm):
            f.storbinary("STOR new.txt", io.BytesIO(b"no"))
        self.assertEqual(f.storbinary("STOR incoming/up.txt", io.BytesIO(b"uploaded\n")),
                         "226 Transfer complete.")
        with open(os.path.join(self.root, "incoming", "up.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"uploaded\n")
        # Anonymous creates but never replaces or changes.
        with self.assertRaises(ftplib.error_perm) as e:
            f.storbinary("STOR incoming/up.txt", io.BytesIO(b"again"))
        self.assertTrue(str(e.exception).startswith("553"))
        for cmd in ("DELE incoming/up.txt", "RNFR incoming/up.txt"):
            with self.assertRaises(ftplib.error_perm):
                f.sendcmd(cmd)
        self.assertTrue(f.mkd("incoming/made").endswith("/incoming/made"))
        if IS_ROOT:
            st = os.stat(os.path.join(self.root, "incoming", "up.txt"))
            import pwd
            self.assertEqual(st.st_uid, pwd.getpwnam("nobody").pw_uid)

    def test_virtual_user_read_write(self):
        f = self.ftp("writer", "rw-secret")
        self.assertEqual(f.pwd(), "/")
        payload = os.urandom(200_000)
        self.assertEqual(f.storbinary("STOR data.bin", io.BytesIO(payload)),
                         "226 Transfer complete.")
        rw = os.path.join(self.base, "rw")
        with open(os.path.join(rw, "data.bin"), "rb") as fh:
            self.assertEqual(fh.read(), payload)
        # Overwrite, through a temporary file renamed into place.
        f.storbinary("STOR data.bin", io.BytesIO(b"v2"))
        with open(os.path.join(rw, "data.bin"), "rb") as fh:
            self.assertEqual(fh.read(), b"v2")
        f.storbinary("APPE data.bin", io.BytesIO(b"+more"))
        with open(os.path.join(rw, "data.bin"), "rb") as fh:
            self.assertEqual(fh.read(), b"v2+more")
        # REST + STOR writes from the offset and cuts what followed.
        f.storbinary("STOR data.bin", io.BytesIO(b"XY"), rest=1)
        with open(os.path.join(rw, "data.bin"), "rb") as fh:
            self.assertEqual(fh.read(), b"vXY")
        # STOU: the server names the file.
        f.sendcmd("TYPE I")
        host, port = f.makepasv()
        with socket.create_connection((host, port), timeout=TIMEOUT) as conn:
            resp = f.sendcmd("STOU")
            name = re.fullmatch(r"150 FILE: (ftp[0-9a-f]{8})", resp).group(1)
            conn.sendall(b"unique")
        self.assertEqual(f.voidresp(), "226 Transfer complete.")
        with open(os.path.join(rw, name), "rb") as fh:
            self.assertEqual(fh.read(), b"unique")
        # TYPE A upload: CRLF becomes LF.
        f.sendcmd("TYPE A")
        conn = f.transfercmd("STOR text.txt")
        conn.sendall(b"a\r\nb\r\n\r\nc")
        conn.close()
        f.voidresp()
        with open(os.path.join(rw, "text.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"a\nb\n\nc")
        self.assertTrue(f.sendcmd("XMKD d1").startswith('257 "/d1"'))
        self.assertEqual(f.mkd("d2"), "/d2")
        self.assertEqual(f.rename("text.txt", "d1/moved.txt"), "250 Rename successful.")
        self.assertTrue(os.path.exists(os.path.join(rw, "d1", "moved.txt")))
        self.assertEqual(f.delete("d1/moved.txt"), "250 Delete operation successful.")
        self.assertEqual(f.rmd("d1"), "250 Remove directory operation successful.")
        self.assertEqual(f.sendcmd("XRMD d2"), "250 Remove directory operation successful.")
        with self.assertRaises(ftplib.error_perm):
            f.rmd("nope")
        entries = dict(f.mlsd())
        self.assertEqual(entries["data.bin"]["perm"], "radfw")

    def test_interrupted_upload_leaves_no_file(self):
        f = self.ftp("writer", "rw-secret")
        rw = os.path.join(self.base, "rw")
        f.storbinary("STOR keep.bin", io.BytesIO(b"original"))
        f.sendcmd("TYPE I")
        conn = f.transfercmd("STOR keep.bin")
        conn.sendall(b"half of a new version")
        # The client dies mid-upload: a reset, not a clean end of data.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()
        # A reset is never the end of the data (stream mode ends with a FIN): the upload failed.
        with self.assertRaises(ftplib.error_temp) as caught:
            f.getresp()
        self.assertRegex(str(caught.exception), r"^426 ")
        with open(os.path.join(rw, "keep.bin"), "rb") as fh:
            self.assertEqual(fh.read(), b"original")
        self.assertEqual([n for n in os.listdir(rw) if n.startswith(".gorgon-upload-")], [])
        # The same for a new name: nothing under it, nothing hidden beside it.
        conn = f.transfercmd("STOR cut.bin")
        conn.sendall(b"the first half")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()
        with self.assertRaises(ftplib.error_temp) as caught:
            f.getresp()
        self.assertRegex(str(caught.exception), r"^426 ")
        self.assertFalse(os.path.exists(os.path.join(rw, "cut.bin")))
        self.assertEqual([n for n in os.listdir(rw) if n.startswith(".gorgon-upload-")], [])
        # While an upload runs, the real name holds the old content and the part file is hidden.
        conn = f.transfercmd("STOR keep.bin")
        conn.sendall(b"in progress")
        time.sleep(0.2)
        with open(os.path.join(rw, "keep.bin"), "rb") as fh:
            self.assertEqual(fh.read(), b"original")
        parts = [n for n in os.listdir(rw) if n.startswith(".gorgon-upload-")]
        self.assertEqual(len(parts), 1)  # the upload goes there...
        other = self.ftp("writer", "rw-secret")
        self.assertNotIn(parts[0], [n for n, _ in other.mlsd()])  # ...and nobody is shown it
        conn.close()
        self.assertEqual(f.voidresp(), "226 Transfer complete.")
        with open(os.path.join(rw, "keep.bin"), "rb") as fh:
            self.assertEqual(fh.read(), b"in progress")

    def test_virtual_user_read_only(self):
        f = self.ftp("reader", "ro-secret")
        self.assertEqual(f.nlst(), ["readme.txt"])
        with self.assertRaises(ftplib.error_perm) as e:
            f.storbinary("STOR x.txt", io.BytesIO(b"x"))
        self.assertTrue(str(e.exception).startswith("550"))
        with self.assertRaises(ftplib.error_perm):
            f.delete("readme.txt")
        self.assertEqual(dict(f.mlsd())["readme.txt"]["perm"], "r")

    def test_failed_logins(self):
        c = self.control()
        self.assertEqual(c.cmd("USER writer")[0], 331)
        started = time.monotonic()
        self.assertEqual(c.cmd("PASS wrong"), (530, "530 Login incorrect."))
        self.assertGreaterEqual(time.monotonic() - started, 0.04)  # login_failure_delay
        self.assertEqual(c.cmd("PASS rw-secret")[0], 503)  # USER again first
        self.assertEqual(c.cmd("USER nosuchuser")[0], 331)
        self.assertEqual(c.cmd("PASS x")[0], 530)
        # max_login_attempts: 2, then the connection is closed.
        self.assertEqual(c.reply()[0], 421)
        self.assertTrue(c.closed())
        self.assertIn("failed login for nosuchuser from 127.0.0.1", self.g.log())

    def test_commands_before_login(self):
        c = self.control()
        for cmd in ("LIST", "NLST", "RETR hello.txt", "STOR x", "CWD sub", "PWD", "PASV",
                    "EPSV", "PORT 127,0,0,1,4,1", "MKD x", "DELE x", "SIZE hello.txt",
                    "MDTM hello.txt", "MLSD", "MLST", "STAT /", "REST 1", "CDUP", "XPWD"):
            self.assertEqual(c.cmd(cmd)[0], 530, cmd)
        for cmd, code in (("SYST", 215), ("FEAT", 211), ("HELP", 214), ("NOOP", 200),
                          ("STAT", 211), ("TYPE I", 200)):
            self.assertEqual(c.cmd(cmd)[0], code, cmd)

    def test_xferlog(self):
        f = self.ftp()
        f.retrbinary("RETR hello.txt", io.BytesIO().write)
        f.quit()
        deadline = time.monotonic() + 5
        path = os.path.join(self.base, "xferlog")
        pattern = (r"(?m)^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \d+ 127\.0\.0\.1 12 "
                   r"/hello\.txt b _ o a test@example ftp 0 \* c$")
        while time.monotonic() < deadline:
            with open(path) as fh:
                if re.search(pattern, fh.read()):
                    return
            time.sleep(0.05)
        with open(path) as fh:
            self.fail(f"no xferlog line for the download:\n{fh.read()}")


if __name__ == "__main__":
    unittest.main()
