"""The host's send queue (conn_send) and producers, end to end through fixture-producer:
order against conn_write, sendfile bodies, gzip, a custom producer that pauses (E_AGAIN and
producer_wake), completion callbacks, and a flushing close that waits for queued bodies."""
import gzip
import hashlib
import os
import re
import socket
import time
import unittest

from gorgon_harness import FIXTURE_DIR, Gorgon

CONFIG = f"""
plugins:
  directory: {FIXTURE_DIR}
  runtime_directory: @DIR@/run
servers:
  - name: produce
    protocol: produce
    listen: ["127.0.0.1:0"]
"""


def pattern(n):
    return bytes(ord("a") + (i * 7 + i // 13) % 26 for i in range(n))


def session(g, commands, timeout=20):
    """Sends the commands, then quit; returns everything until the server closes."""
    with g.connect("produce", timeout=timeout) as s:
        s.sendall(b"".join(c + b"\n" for c in commands) + b"quit\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk


class Producers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.g = Gorgon(CONFIG).start(["produce"])

    @classmethod
    def tearDownClass(cls):
        cls.g.__exit__(None, None, None)

    def test_sends_and_writes_keep_their_order(self):
        out = session(self.g, [b"mem one", b"write two", b"mem three", b"write four"])
        self.assertEqual(out, b"one\ntwo\nthree\nfour\n")

    def test_a_big_file_goes_out_intact_and_quit_waits_for_it(self):
        path = os.path.join(self.g.dir, "big.bin")
        data = os.urandom(8 * 1024 * 1024)
        with open(path, "wb") as f:
            f.write(data)
        out = session(self.g, [b"write begin", f"file {path}".encode(), b"write end"])
        self.assertEqual(out[:6], b"begin\n")
        self.assertEqual(out[-4:], b"end\n")
        self.assertEqual(hashlib.sha256(out[6:-4]).hexdigest(), hashlib.sha256(data).hexdigest())

    def test_gzip_body_decompresses_to_the_input(self):
        out = session(self.g, [b"gzip 200000"])
        self.assertEqual(gzip.decompress(out), pattern(200000))

    def test_a_paused_custom_producer_resumes_and_blocks_what_follows(self):
        out = session(self.g, [b"write start", b"slow 5", b"write after"])
        expected = b"start\n" + b"".join(f"slow {i}\n".encode() for i in range(5)) + b"after\n"
        self.assertEqual(out, expected)

    def test_completions_are_reported(self):
        def ask_done(s):
            s.sendall(b"done\n")
            line = b""
            while not line.endswith(b"\n"):
                line += s.recv(100)
            return int(line.split()[1])

        with self.g.connect("produce", timeout=10) as s:
            before = ask_done(s)
            s.sendall(b"mem a\nmem b\nslow 2\n")
            expected = b"a\nb\nslow 0\nslow 1\n"
            data = b""
            while len(data) < len(expected):
                data += s.recv(100)
            self.assertEqual(data, expected)
            # Every body is out, so every completion has been reported.
            self.assertEqual(ask_done(s) - before, 3)

    def stats(self):
        """(custom producers alive, completions reported with an error), from the fixture."""
        out = session(self.g, [b"stats"])
        m = re.fullmatch(rb"stats live (\d+) failed (\d+)\n", out)
        self.assertTrue(m, out)
        return int(m[1]), int(m[2])

    def open_on(self, path):
        """How many of the server's file descriptors are open on `path`."""
        fd_dir = f"/proc/{self.g.proc.pid}/fd"
        count = 0
        for fd in os.listdir(fd_dir):
            try:
                count += os.readlink(os.path.join(fd_dir, fd)) == path
            except FileNotFoundError:
                pass  # closed meanwhile
        return count

    def wait_until(self, what, condition, timeout=10):
        """Polls `condition` (the server's own state) until it holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"{what}: not after {timeout}s")
            time.sleep(0.05)

    def test_client_gone_mid_body_frees_everything(self):
        path = os.path.join(self.g.dir, "big2.bin")
        with open(path, "wb") as f:
            f.write(os.urandom(16 * 1024 * 1024))
        live, failed = self.stats()
        s = self.g.connect("produce")
        s.sendall(f"file {path}\nslow 1000\n".encode())
        s.recv(1000)
        # Both bodies are held: the file went into the output at once as one sendfile segment
        # (its body complete, the host's duplicate descriptor now the segment's), and the
        # custom producer waits behind it, alive.
        self.wait_until("both bodies held",
                        lambda: self.open_on(path) == 1 and self.stats() == (live + 1, failed))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # reset: the host abandons the queue
        # Everything is freed: the custom producer is released and reported abandoned, and the
        # file's descriptor is closed with the output that held it.
        self.wait_until("the queue freed", lambda: self.stats() == (live, failed + 1))
        self.wait_until("the file closed", lambda: self.open_on(path) == 0)
        # The server keeps serving.
        self.assertEqual(session(self.g, [b"mem still here"]), b"still here\n")

    def test_unknown_command(self):
        self.assertEqual(session(self.g, [b"bogus"]), b"error unknown command\n")


if __name__ == "__main__":
    unittest.main()
