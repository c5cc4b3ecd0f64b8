"""The ftp plugin against hostile clients, over raw sockets: traversal out of the root by ".."
and by symbolic links, over-long lines and control bytes, commands before login, FTP bounce
through PORT and EPRT, a passive data port taken by another address, a 10,000-entry directory,
the limits on sessions, the timeouts and the lockout. Medusa's FTP fell to the first four.
"""
import ftplib
import os
import random
import re
import socket
import time
import unittest

import test_ftp as common
from test_ftp import TIMEOUT, Control, FtpServerCase, recv_all, standard_settings

SECRET = common.SECRET


class Hostile(FtpServerCase):
    @classmethod
    def settings(cls, base, root):
        big = os.path.join(root, "many")
        os.makedirs(big)
        for i in range(10_000):
            os.close(os.open(os.path.join(big, f"file{i:05d}.txt"), os.O_CREAT | os.O_WRONLY))
        return standard_settings(base, root, max_sessions_per_address=20)

    def test_traversal_by_dotdot(self):
        c = self.control()
        c.login()
        self.assertEqual(c.cmd("CWD ../../../..")[0], 250)  # clamped at the root, as chroot
        self.assertEqual(c.cmd("PWD"), (257, '257 "/" is the current directory'))
        for path in ("../outside/secret.txt", "../../outside/secret.txt", "/../outside/secret.txt",
                     "sub/../../outside/secret.txt", "..%2foutside/secret.txt"):
            self.assertEqual(c.cmd(f"SIZE {path}")[0], 550, path)
            self.assertEqual(c.cmd(f"MDTM {path}")[0], 550, path)
            host, port = c.pasv()
            with socket.create_connection((host, port), timeout=TIMEOUT) as data:
                code, text = c.cmd(f"RETR {path}")
                self.assertEqual(code, 550, (path, text))
        self.assertEqual(c.cmd("CWD ../outside")[0], 550)

    def test_traversal_by_symlink(self):
        f = self.ftp()
        for link in ("escape", "abs_escape", "outdir/secret.txt"):
            with self.assertRaises(ftplib.error_perm, msg=link) as e:
                f.retrbinary(f"RETR {link}", lambda b: self.fail(f"{link} sent {b!r}"))
            self.assertTrue(str(e.exception).startswith("550"), (link, e.exception))
            with self.assertRaises(ftplib.error_perm):
                f.size(link)
        with self.assertRaises(ftplib.error_perm):
            f.cwd("outdir")
        with self.assertRaises(ftplib.error_perm):
            f.sendcmd("MLST escape")
        with self.assertRaises(ftplib.error_perm):
            f.nlst("outdir")
        # Links that leave the root are not listed at all; one inside it is.
        names = f.nlst()
        self.assertNotIn("escape", names)
        self.assertNotIn("abs_escape", names)
        self.assertNotIn("outdir", names)
        self.assertIn("sibling", names)
        self.assertNotIn(SECRET.decode(), f.sendcmd("STAT /"))

    def test_overlong_lines_and_control_bytes(self):
        c = self.control()
        self.assertEqual(c.cmd("NOOP " + "A" * 10_000)[0], 500)
        self.assertEqual(c.cmd("NOOP")[0], 200)  # the connection goes on
        # 100 KB with no line end at all, sent in pieces, then the end of it.
        for _ in range(10):
            c.send(b"B" * 10_000)
        self.assertEqual(c.reply()[0], 500)
        c.send(b"tail\r\n")
        self.assertEqual(c.cmd("NOOP")[0], 200)
        self.assertEqual(c.cmd("USER a\x00b")[0], 501)
        # A bare CR ends a line (Telnet allows CR only before LF or NUL): no name ever holds one.
        self.assertEqual(c.cmd("USER a\rb")[0], 331)
        self.assertEqual(c.reply()[0], 500)  # "b"
        self.assertEqual(c.cmd("USER \x1b[31mred")[0], 501)
        self.assertEqual(c.cmd("XXXXXXXX")[0], 500)
        self.assertEqual(c.cmd(b"\xff\xf4\xff\xf2NOOP\r\n")[0], 200)  # Telnet commands stripped
        c.login()
        self.assertEqual(c.cmd("CWD sub\x00/../..")[0], 501)
        self.assertEqual(c.cmd("MKD " + "x" * 5000)[0], 500)

    def test_empty_lines_are_answered(self):
        c = self.control()
        self.assertEqual(c.cmd(b"\r\n"), (500, "500 Syntax error, command unrecognized."))
        self.assertEqual(c.cmd(b"   \r\n")[0], 500)
        self.assertEqual(c.cmd(b"\n")[0], 500)
        self.assertEqual(c.cmd("NOOP")[0], 200)
        # "ABOR\r" whose "\n" comes apart (sent as TCP urgent data): that "\n" ends the ABOR
        # line, it is no empty command of its own.
        self.assertEqual(c.cmd(b"ABOR\r")[0], 225)
        self.assertEqual(c.cmd(b"\nNOOP\r\n")[0], 200)
        self.assertEqual(c.cmd(b"\r\n")[0], 500)  # and a real empty line after it is one

    def test_garbage_is_disconnected(self):
        c = self.control()
        start = len(self.g.log())
        garbage = random.Random(959).randbytes(1_000_000)  # the same megabyte every run
        try:
            c.sock.sendall(garbage)
        except OSError:
            pass  # closed on us with garbage still unread: a reset
        received = c.buf
        try:
            while chunk := c.sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass  # what was sent before the reset has been read
        codes = [line[:3] for line in received.split(b"\r\n") if line]
        # max_bad_commands (20): nineteen errors, then 421 for the twentieth, and the end.
        self.assertEqual(len(codes), 20, received[:2000])
        self.assertTrue(all(code in (b"500", b"501") for code in codes[:-1]), codes)
        self.assertEqual(codes[-1], b"421")
        self.assertIn(b"421 Too many unrecognized commands; closing the connection.", received)
        self.g.wait_log(r"after 20 unrecognized commands in a row", start=start)

    def test_bad_commands_count_only_in_a_row(self):
        c = self.control()
        for _ in range(3):
            for i in range(19):
                self.assertEqual(c.cmd(f"XYZ{i}")[0], 500)
            self.assertEqual(c.cmd("NOOP")[0], 200)  # a good command: the count starts again
        for i in range(19):
            self.assertEqual(c.cmd(b"\r\n")[0], 500)
        self.assertEqual(c.cmd("BOGUS")[0], 421)
        self.assertTrue(c.closed())

    def test_commands_before_login_are_refused(self):
        c = self.control()
        for cmd in ("RETR hello.txt", "LIST", "PASV", "PORT 127,0,0,1,200,1", "CWD /",
                    "DELE hello.txt", "MLSD"):
            self.assertEqual(c.cmd(cmd)[0], 530, cmd)

    def test_port_bounce_refused(self):
        start = len(self.g.log())
        c = self.control()
        c.login()
        # Another address than the client's: refused, and nothing is connected to.
        victim = socket.create_server(("127.0.0.2", 0))
        self.addCleanup(victim.close)
        victim.settimeout(0.5)
        vport = victim.getsockname()[1]
        p1, p2 = divmod(vport, 256)
        code, text = c.cmd(f"PORT 127,0,0,2,{p1},{p2}")
        self.assertEqual(code, 500, text)
        code, text = c.cmd(f"EPRT |1|127.0.0.2|{vport}|")
        self.assertEqual(code, 500, text)
        self.assertEqual(c.cmd("RETR hello.txt")[0], 425)  # no data connection was set up
        with self.assertRaises(socket.timeout):
            victim.accept()
        # Privileged ports, even on the client's own address (RFC 2577).
        self.assertEqual(c.cmd("PORT 127,0,0,1,0,25")[0], 504)
        self.assertEqual(c.cmd("EPRT |1|127.0.0.1|22|")[0], 504)
        self.assertEqual(c.cmd("PORT 127,0,0,1,300,1")[0], 501)
        self.g.wait_log(r"refused a data connection to 127\.0\.0\.2", start=start)

    def test_passive_port_taken_by_another_address(self):
        c = self.control()
        c.login()
        host, port = c.pasv()
        # Only what this test makes the server log counts (another test logs the same line).
        start = len(self.g.log())
        # A second party reaches the passive port first, from another address.
        thief = socket.socket()
        self.addCleanup(thief.close)
        thief.settimeout(TIMEOUT)
        thief.bind(("127.0.0.2", 0))
        thief.connect((host, port))
        self.assertEqual(thief.recv(1), b"")  # closed on it, without a byte
        # The port still waits for the client itself.
        with socket.create_connection((host, port), timeout=TIMEOUT) as data:
            self.assertEqual(c.cmd("TYPE I")[0], 200)
            self.assertEqual(c.cmd("RETR hello.txt")[0], 150)
            self.assertEqual(recv_all(data), b"Hello, FTP!\n")
        self.assertEqual(c.reply()[0], 226)
        self.g.wait_log(r"refused a data connection from 127\.0\.0\.2 to passive port " +
                        str(port) + " ", start=start)

    def test_data_from_another_address_during_transfer_wait(self):
        c = self.control()
        c.login()
        host, port = c.pasv()
        self.assertEqual(c.cmd("TYPE I")[0], 200)
        self.assertEqual(c.cmd("RETR hello.txt")[0], 150)  # waiting for the connection
        thief = socket.socket()
        self.addCleanup(thief.close)
        thief.settimeout(TIMEOUT)
        thief.bind(("127.0.0.2", 0))
        thief.connect((host, port))
        self.assertEqual(thief.recv(1024), b"")
        with socket.create_connection((host, port), timeout=TIMEOUT) as data:
            self.assertEqual(recv_all(data), b"Hello, FTP!\n")
        self.assertEqual(c.reply()[0], 226)

    def test_ten_thousand_entries(self):
        f = self.ftp()
        started = time.monotonic()
        names = f.nlst("many")
        self.assertEqual(len(names), 10_000)
        self.assertEqual(names[0], "file00000.txt")
        self.assertEqual(names[-1], "file09999.txt")
        lines = []
        f.retrlines("LIST many", lines.append)
        self.assertEqual(len(lines), 10_000)
        self.assertTrue(all(line.startswith("-rw") for line in lines))
        entries = list(f.mlsd("many"))
        self.assertEqual(len(entries), 10_000)
        self.assertTrue(all(e[1]["type"] == "file" for e in entries))
        self.assertLess(time.monotonic() - started, 20)
        # The server stayed responsive throughout.
        self.assertEqual(f.sendcmd("NOOP"), "200 NOOP ok.")

    def test_many_sessions_from_one_address(self):
        conns = []
        for _ in range(20):
            conns.append(self.control())
        extra = Control(self.addr)
        self.addCleanup(extra.close)
        code, text = extra.reply()
        self.assertEqual(code, 421, text)
        self.assertIn("too many connections from your internet address", text)
        self.assertTrue(extra.closed())
        # From another address there is room.
        other = Control(self.addr, source="127.0.0.3")
        self.addCleanup(other.close)
        self.assertEqual(other.reply()[0], 220)
        for c in conns:
            c.close()
        # The server counts them gone once it has seen the closes: wait for that, so the next
        # test starts with room.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            probe = Control(self.addr)
            code, _ = probe.reply()
            probe.close()
            if code == 220:
                break
            time.sleep(0.05)


class Limits(FtpServerCase):
    """Short timeouts, a small listing limit, and a lockout after three failures."""

    @classmethod
    def settings(cls, base, root):
        return standard_settings(
            base, root, timeouts={"login": "1s", "idle": "2s", "connect": "1s"},
            max_list_entries=5, max_login_attempts=10, login_failure_delay="200ms",
            lockout={"failures": 3, "window": "1m", "duration": "1m"}, max_sessions=30)

    def test_login_timeout(self):
        c = self.control()
        started = time.monotonic()
        self.assertEqual(c.reply(), (421, "421 Login timeout."))
        self.assertTrue(c.closed())
        self.assertLess(time.monotonic() - started, 5)

    def test_idle_timeout(self):
        c = self.control()
        c.login()
        self.assertEqual(c.reply(), (421, "421 Timeout."))
        self.assertTrue(c.closed())

    def test_passive_connection_never_made(self):
        c = self.control()
        c.login()
        c.pasv()
        self.assertEqual(c.cmd("RETR hello.txt")[0], 150)
        self.assertEqual(c.reply()[0], 425)  # nobody connected within timeouts.connect

    def test_listing_limit(self):
        f = self.ftp()
        lines = []
        resp = f.retrlines("LIST", lines.append)
        # At most 5 entries are read; those a listing hides (links out of the root) count.
        self.assertTrue(0 < len(lines) <= 5, lines)
        self.assertEqual(resp, "226 Transfer complete; listing truncated at 5 entries.")

    def test_lockout(self):
        source = "127.0.0.4"
        c = Control(self.addr, source)
        self.addCleanup(c.close)
        self.assertEqual(c.reply()[0], 220)
        for attempt in range(3):
            self.assertEqual(c.cmd("USER writer")[0], 331)
            started = time.monotonic()
            self.assertEqual(c.cmd("PASS wrong")[0], 530)
            self.assertGreaterEqual(time.monotonic() - started, 0.15)  # login_failure_delay
        self.assertEqual(c.reply()[0], 421)  # locked out: told, and closed
        self.assertTrue(c.closed())
        # Right password or not, nothing from that address gets in for a while.
        again = Control(self.addr, source)
        self.addCleanup(again.close)
        code, text = again.reply()
        self.assertEqual(code, 421, text)
        # Another address is not affected.
        f = self.ftp("writer", "rw-secret")
        self.assertEqual(f.pwd(), "/")


if __name__ == "__main__":
    unittest.main()
