"""The host's send queue (conn_send) and producers, end to end through fixture-producer:
order against conn_write, sendfile bodies, gzip, a custom producer that pauses (E_AGAIN and
producer_wake), completion callbacks, and a flushing close that waits for queued bodies."""
import gzip
import hashlib
import os
import socket
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

    def test_client_gone_mid_body_frees_everything(self):
        path = os.path.join(self.g.dir, "big2.bin")
        with open(path, "wb") as f:
            f.write(os.urandom(16 * 1024 * 1024))
        s = self.g.connect("produce")
        s.sendall(f"file {path}\nslow 1000\n".encode())
        s.recv(1000)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # reset: the host abandons the queue
        # The server keeps serving.
        self.assertEqual(session(self.g, [b"mem still here"]), b"still here\n")

    def test_unknown_command(self):
        self.assertEqual(session(self.g, [b"bogus"]), b"error unknown command\n")


if __name__ == "__main__":
    unittest.main()
