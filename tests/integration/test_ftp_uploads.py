"""Upload files in the making (".gorgon-upload-*.part" beside the target) never outlive their
upload: a client that dies mid-transfer, an ABOR, and a server SIGKILLed mid-upload (the next
start sweeps what it left). Real clients: ftplib and raw sockets. Every socket has a deadline and
every server is stopped at the end.
"""
import ftplib
import os
import shutil
import signal
import socket
import tempfile
import time
import unittest

from gorgon_harness import Gorgon
from test_ftp import (TIMEOUT, Control, FtpServerCase, clean_exit_problem, copy_plugins,
                      make_tree, server_config, standard_settings)

RESET = b"\x01\x00\x00\x00\x00\x00\x00\x00"  # SO_LINGER on, 0 s: close(2) sends a reset


def parts(directory):
    return [n for n in os.listdir(directory) if n.startswith(".gorgon-upload-")]


def wait_for(what, condition, timeout=TIMEOUT):
    """Polls `condition` until it holds; the server gives no other sign of it."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class UploadsEnd(FtpServerCase):
    @classmethod
    def settings(cls, base, root):
        return standard_settings(base, root)

    def setUp(self):
        self.rw = os.path.join(self.base, "rw")
        self.xferlog = os.path.join(self.base, "xferlog")

    def xferlog_says(self, path, completion):
        try:
            with open(self.xferlog) as f:
                return any(line.split()[8:9] == [path] and line.rstrip().endswith(completion)
                           for line in f)
        except FileNotFoundError:
            return False

    def test_client_gone_mid_upload(self):
        c = Control(self.addr)
        self.addCleanup(c.close)
        self.assertEqual(c.reply()[0], 220)
        c.login("writer", "rw-secret")
        self.assertEqual(c.cmd("TYPE I")[0], 200)
        host, port = c.pasv()
        data = socket.create_connection((host, port), timeout=TIMEOUT)
        self.addCleanup(data.close)
        self.assertEqual(c.cmd("STOR gone.bin")[0], 150)
        data.sendall(b"x" * 100_000)
        wait_for("the part file", lambda: parts(self.rw))
        # The client process dies: both its connections are reset.
        for s in (data, c.sock):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
            s.close()
        # The transfer log has its line once the transfer is over (after the part file went).
        wait_for("the xferlog line", lambda: self.xferlog_says("/gone.bin", "i"))
        self.assertFalse(os.path.exists(os.path.join(self.rw, "gone.bin")))
        self.assertEqual(parts(self.rw), [])

    def test_abor_mid_upload(self):
        f = self.ftp("writer", "rw-secret")
        f.sendcmd("TYPE I")
        conn = f.transfercmd("STOR aborted.bin")
        self.addCleanup(conn.close)
        conn.sendall(b"y" * 100_000)
        wait_for("the part file", lambda: parts(self.rw))
        f.putcmd("ABOR")
        with self.assertRaises(ftplib.error_temp) as caught:
            f.getresp()
        self.assertRegex(str(caught.exception), r"^426 ")
        self.assertTrue(f.getresp().startswith("226"))
        self.assertFalse(os.path.exists(os.path.join(self.rw, "aborted.bin")))
        self.assertEqual(parts(self.rw), [])


class KilledServer(unittest.TestCase):
    """A server SIGKILLed mid-upload leaves its part file; the next start removes it."""

    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="gorgon-ftp-uploads-")
        self.addCleanup(shutil.rmtree, self.base, True)
        root = make_tree(self.base)
        plugin_dir = os.path.join(self.base, "plugins")
        os.makedirs(plugin_dir)
        copy_plugins(plugin_dir)
        self.rw = os.path.join(self.base, "rw")
        self.g = Gorgon(server_config(plugin_dir, standard_settings(self.base, root)))
        self.addCleanup(self.g.__exit__, None, None, None)

    def test_part_file_of_a_killed_server_is_swept_at_start(self):
        self.g.start(expect_servers=("ftp",))
        f = ftplib.FTP()
        f.connect(*self.g.address("ftp"), timeout=TIMEOUT)
        self.addCleanup(f.close)
        f.login("writer", "rw-secret")
        f.mkd("deep")
        f.mkd("deep/er")  # the sweep looks at every level
        f.sendcmd("TYPE I")
        conn = f.transfercmd("STOR deep/er/big.bin")
        self.addCleanup(conn.close)
        conn.sendall(b"z" * 100_000)
        where = os.path.join(self.rw, "deep", "er")
        wait_for("the part file", lambda: parts(where))
        left = parts(where)
        # Killed on purpose: the harness checks only the exit of the server started next.
        self.g.proc.send_signal(signal.SIGKILL)
        self.g.proc.wait(TIMEOUT)
        self.assertEqual(parts(where), left)  # nobody could remove it
        # An unrelated file that merely looks alike in name is no business of the sweep.
        keep = os.path.join(self.rw, ".gorgon-upload-notes.txt")
        with open(keep, "w") as fh:
            fh.write("mine\n")
        self.g.start(expect_servers=("ftp",))
        self.g.wait_log(r"removed 1 unfinished upload file a previous process left under " +
                        self.rw)
        self.assertEqual(parts(where), [])
        self.assertFalse(os.path.exists(os.path.join(where, "big.bin")))
        self.assertTrue(os.path.exists(keep))
        problem = clean_exit_problem(self.g)
        self.assertIsNone(problem, problem)


if __name__ == "__main__":
    unittest.main()
