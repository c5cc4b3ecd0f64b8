#!/usr/bin/env python3
"""Client side of bench/ftp.sh: measures one FTP server on loopback and prints one JSON line.

    ftp_bench.py HOST PORT --file big.bin --dir many --rounds N --sessions M

- retr: N downloads of --file (TYPE I, passive), each timed from RETR to the 226 reply, bytes
  read with recv_into into one buffer and discarded; MiB/s per download, the median reported.
- list: one login, then N listings (LIST) of --dir, each timed from LIST to 226; the median.
- sessions: M sessions in a row, each connect, anonymous login, PASV + LIST of the root, QUIT
  and wait for the close; sessions per second over the whole run.
Every socket has a timeout; a failure raises and the exit status is 1.
"""
import argparse
import json
import re
import socket
import statistics
import sys
import time

TIMEOUT = 60
BUF = bytearray(4 << 20)


class Ftp:
    def __init__(self, host, port):
        self.host = host
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.expect(220)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("control connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode(errors="replace")

    def reply(self):
        first = self.line()
        if first[3:4] == "-":
            while not self.line().startswith(first[:3] + " "):
                pass
        return int(first[:3]), first

    def expect(self, *codes):
        code, text = self.reply()
        if code not in codes:
            raise RuntimeError(f"expected {codes}, got {text!r}")
        return text

    def cmd(self, line, *codes):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.expect(*codes)

    def login(self):
        if self.cmd("USER anonymous", 230, 331).startswith("331"):
            self.cmd("PASS bench@example", 230)

    def pasv(self):
        text = self.cmd("PASV", 227)
        n = [int(x) for x in re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", text).groups()]
        data = socket.create_connection((self.host, n[4] * 256 + n[5]), timeout=TIMEOUT)
        return data

    def transfer(self, command):
        """Runs a data command; returns (bytes, seconds) from sending it to the final reply."""
        data = self.pasv()
        started = time.perf_counter()
        self.cmd(command, 125, 150)
        total = 0
        view = memoryview(BUF)
        while True:
            n = data.recv_into(view)
            if n == 0:
                break
            total += n
        data.close()
        self.expect(226)
        return total, time.perf_counter() - started

    def quit(self):
        self.cmd("QUIT", 221)
        while self.sock.recv(65536):
            pass
        self.sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--file", default="big.bin")
    ap.add_argument("--dir", default="many")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sessions", type=int, default=200)
    a = ap.parse_args()

    f = Ftp(a.host, a.port)
    f.login()
    f.cmd("TYPE I", 200)
    rates = []
    size = 0
    for _ in range(a.rounds):
        size, secs = f.transfer(f"RETR {a.file}")
        rates.append(size / secs / (1 << 20))
    list_times = []
    for _ in range(a.rounds):
        nbytes, secs = f.transfer(f"LIST {a.dir}")
        list_times.append(secs * 1000)
    f.cmd("TYPE A", 200)
    entries_bytes = nbytes
    f.quit()

    started = time.perf_counter()
    for _ in range(a.sessions):
        s = Ftp(a.host, a.port)
        s.login()
        s.transfer("LIST")
        s.quit()
    elapsed = time.perf_counter() - started

    print(json.dumps({
        "retr_mib_s": statistics.median(rates), "retr_runs": rates, "retr_bytes": size,
        "list_ms": statistics.median(list_times), "list_runs": list_times,
        "list_bytes": entries_bytes,
        "sessions_per_s": a.sessions / elapsed, "sessions": a.sessions,
    }))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # one line for the shell script
        print(f"ftp_bench: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
