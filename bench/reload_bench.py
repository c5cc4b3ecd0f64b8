#!/usr/bin/env python3
"""Helpers for bench/reload_under_load.sh. Standard library only; loopback only.

  reload_bench.py chat PORT N GORGONCTL SOCKET   N chat clients log in; chat is reloaded
                                                 through gorgonctl; every client then says one
                                                 line and must receive everyone else's
  reload_bench.py maps PID RUNDIR TIMEOUT        waits until each plugin copy in RUNDIR is mapped
                                                 once (one generation per plugin); prints them
  reload_bench.py report TMP STATIC HTTP FAILED SECS CHAT_RC PLUGINS
                                                 prints the table; exit 1 if a requirement failed
"""
import collections
import os
import re
import selectors
import socket
import subprocess
import sys
import time

HOST = "127.0.0.1"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_bench  # noqa: E402  (wrk output parsing)


class Chatter:
    def __init__(self, port, nick):
        self.nick = nick
        self.sock = socket.create_connection((HOST, port), timeout=10)
        self.sock.setblocking(False)
        self.buf = b""
        self.closed = False
        self.lines = []

    def feed(self):
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return
        self.buf += chunk
        while b"\r\n" in self.buf:
            line, _, self.buf = self.buf.partition(b"\r\n")
            self.lines.append(line.decode("utf-8", "replace"))


def pump(clients, until, timeout):
    """Reads from every client until until() is true; False on timeout."""
    sel = selectors.DefaultSelector()
    for c in clients:
        sel.register(c.sock, selectors.EVENT_READ, c)
    deadline = time.monotonic() + timeout
    try:
        while not until():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            for key, _ in sel.select(min(left, 0.5)):
                key.data.feed()
                if key.data.closed:
                    sel.unregister(key.data.sock)
        return True
    finally:
        sel.close()


def cmd_chat(port, n, gorgonctl, sock_path):
    clients = [Chatter(port, f"c{i:03}") for i in range(n)]
    try:
        ok = pump(clients, lambda: all(b"nickname?: " in c.buf or c.closed for c in clients), 20)
        if not ok or any(c.closed for c in clients):
            print("chat: not every client got the nickname prompt")
            return 1
        for c in clients:
            c.buf = b""
            c.sock.sendall(c.nick.encode() + b"\n")
        ok = pump(clients, lambda: all(any(l.startswith("Hello, ") for l in c.lines) or c.closed
                                       for c in clients), 20)
        if not ok:
            print("chat: not every client was greeted")
            return 1
        time.sleep(0.2)
        pump(clients, lambda: False, 0.3)  # the joins of later clients
        started = time.monotonic()
        r = subprocess.run([gorgonctl, "--socket", sock_path, "reload", "chat"],
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        reload_ms = (time.monotonic() - started) * 1000
        if r.returncode != 0:
            print(f"chat: gorgonctl reload chat failed ({r.returncode}): {r.stdout}{r.stderr}")
            return 1
        for c in clients:
            c.lines.clear()
        for c in clients:
            c.sock.setblocking(True)
            c.sock.sendall(f"after the reload from {c.nick}\n".encode())
            c.sock.setblocking(False)

        def heard(c):
            return sum(": after the reload from " in l for l in c.lines)

        def heard_everyone():
            return all(c.closed or heard(c) >= n - 1 for c in clients)

        pump(clients, heard_everyone, 60)
        gone = [c.nick for c in clients if c.closed]
        short = [c.nick for c in clients if not c.closed and heard(c) < n - 1]
        delivered = sum(heard(c) for c in clients)
        print(f"chat\t{n}\t{len(gone)}\t{len(short)}\t{delivered}\t{n * (n - 1)}\t{reload_ms:.1f}")
        return 0 if not gone and not short else 1
    finally:
        for c in clients:
            c.sock.close()


def mapped_copies(pid, rundir):
    copies = collections.defaultdict(set)
    rx = re.compile(re.escape(rundir.rstrip("/")) + r"/([0-9a-f]{16})-\d+-\d+\.so")
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            m = rx.search(line)
            if m:
                copies[m.group(1)].add(m.group(0))
    return copies


def cmd_maps(pid, rundir, timeout):
    deadline = time.monotonic() + timeout
    while True:
        copies = mapped_copies(pid, rundir)
        if all(len(paths) == 1 for paths in copies.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for digest, paths in sorted(copies.items()):
        print(f"{digest}\t{len(paths)}\t{' '.join(sorted(paths))}")
    return 0 if all(len(p) == 1 for p in copies.values()) else 1


def wrk_result(path):
    keys = ("rps", "bps", "requests", "errors", "non2xx", "p50", "p99")
    from io import StringIO
    import contextlib
    out = StringIO()
    with contextlib.redirect_stdout(out):
        http_bench.cmd_wrk(path)
    return dict(zip(keys, (float(x) for x in out.getvalue().split())))


def cmd_report(tmp, static, http, failed, secs, chat_rc, plugins):
    ok = True
    print()
    print("Hot reload under load (wrk on http-static; both clients run the whole time)")
    print(f"  {'run':<9} {'client':<11} {'requests':>9} {'req/s':>9} {'errors':>7} "
          f"{'non-2xx':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for run in ("baseline", "reloads"):
        for client in ("keepalive", "close"):
            r = wrk_result(os.path.join(tmp, f"{run}-{client}.txt"))
            print(f"  {run:<9} {client:<11} {int(r['requests']):>9,} {r['rps']:>9,.0f} "
                  f"{int(r['errors']):>7} {int(r['non2xx']):>8} {r['p50']:>8.2f} {r['p99']:>8.2f}")
            if r["errors"] or r["non2xx"] or r["requests"] == 0:
                ok = False
    print(f"  reloads during the loaded run: http-static {static}, http {http}, "
          f"failed {failed}, over {secs} s")
    ok = ok and int(failed) == 0
    maps = open(os.path.join(tmp, "maps.txt")).read().split("\n")
    maps = [m.split("\t") for m in maps if m]
    single = all(m[1] == "1" for m in maps)
    print(f"  plugin copies mapped afterwards: {len(maps)} plugins, "
          f"{'one generation each' if single else 'MORE THAN ONE GENERATION'}")
    for m in maps:
        if m[1] != "1":
            print(f"    {m[0]}: {m[1]} copies mapped: {m[2]}")
    ok = ok and single and len(maps) > 0
    chat = open(os.path.join(tmp, "chat.txt")).read().strip()
    fields = chat.split("\t")
    if len(fields) == 7 and fields[0] == "chat":
        _, n, gone, short, delivered, expected, reload_ms = fields
        print(f"  chat reload with {n} clients: {gone} disconnected, {short} missed messages; "
              f"{int(delivered):,} of {int(expected):,} lines delivered after it; "
              f"gorgonctl reload took {reload_ms} ms")
    else:
        print(f"  chat: {chat}")
    ok = ok and chat_rc == "0"
    print()
    print("gorgonctl plugins afterwards:")
    print("\n".join("  " + l for l in plugins.splitlines()))
    print()
    print("RESULT:", "all requirements met" if ok else "FAILED (see above)")
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 2 and argv[1] == "chat" and len(argv) == 6:
        return cmd_chat(int(argv[2]), int(argv[3]), argv[4], argv[5])
    if len(argv) >= 2 and argv[1] == "maps" and len(argv) == 5:
        return cmd_maps(int(argv[2]), argv[3], float(argv[4]))
    if len(argv) >= 2 and argv[1] == "report" and len(argv) == 9:
        return cmd_report(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
