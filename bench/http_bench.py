#!/usr/bin/env python3
"""Helpers for bench/http.sh: free ports, readiness checks, idle connections, wrk parsing and
the final report. Standard library only; loopback only.

  http_bench.py port                                  prints a free TCP port on 127.0.0.1
  http_bench.py get PORT PATH SIZE [TIMEOUT]           waits until GET PATH answers 200 with SIZE bytes
  http_bench.py gets PORT PATH SIZE [TIMEOUT]          the same over TLS (certificate not checked)
  http_bench.py tlsinfo PORT                           what a default OpenSSL client negotiates (as wrk)
  http_bench.py idle PORT PATH N PID [PID...]          opens N keep-alive connections, one request
                                                       each, then measures the PIDs' VmRSS
  http_bench.py cpustat PID CPU CPU                    busy/total ticks of two cpus, and the PID's ticks
  http_bench.py wrk FILE                               parses one wrk output into a TSV line
  http_bench.py report RESULTS.tsv MACHINE.txt         prints the table of medians and ratios
"""
import os
import resource
import re
import selectors
import socket
import ssl
import statistics
import subprocess
import sys
import time

HOST = "127.0.0.1"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def read_response(sock, deadline):
    """Reads one HTTP/1.1 response with a Content-Length; returns (status, headers, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        if time.monotonic() > deadline:
            raise TimeoutError("no complete response head")
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        if time.monotonic() > deadline:
            raise TimeoutError("incomplete response body")
        chunk = sock.recv(max(65536, length - len(body)))
        if not chunk:
            raise ConnectionError("connection closed inside the response body")
        body += chunk
    return status, headers, body


def request(path):
    return (f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: gorgon-bench\r\n\r\n").encode()


def tls_wrap(sock):
    """A TLS client socket that trusts anything: the benchmark's certificate is self-signed."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(sock, server_hostname="localhost")


def cmd_get(port, path, size, timeout=10.0, tls=False):
    """Exit 0 once GET path answers 200 with `size` bytes; 1 on timeout (with the last error)."""
    deadline = time.monotonic() + timeout
    last = "no attempt"
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=2) as raw, \
                    (tls_wrap(raw) if tls else raw) as s:
                s.sendall(request(path))
                status, headers, body = read_response(s, time.monotonic() + 5)
                if status == 200 and len(body) == size:
                    return 0
                last = f"status {status}, {len(body)} bytes (want 200, {size})"
                if status != 200 and status < 500:
                    break  # a definite answer: waiting will not change it
        except OSError as e:
            last = str(e)
        time.sleep(0.05)
    print(f"GET {'https' if tls else 'http'}://{HOST}:{port}{path}: {last}", file=sys.stderr)
    return 1


def cmd_tlsinfo(port):
    """Prints "TLSv1.3 TLS_AES_256_GCM_SHA384 X25519": what OpenSSL's default client, which wrk
    is, agrees on with the server."""
    p = subprocess.run(["openssl", "s_client", "-connect", f"{HOST}:{port}", "-servername",
                        "localhost"], input=b"", capture_output=True, timeout=20)
    out = p.stdout.decode(errors="replace")
    m = re.search(r"^New, (\S+), Cipher is (\S+)", out, re.M)
    key = re.search(r"^Server Temp Key: ([^,\n]+)", out, re.M)
    if not m:
        print(f"tlsinfo: no TLS session with port {port}", file=sys.stderr)
        return 1
    print(f"{m.group(1)} {m.group(2)}" + (f" {key.group(1)}" if key else ""))
    return 0


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def cmd_idle(port, path, n, pids, settle=1.0):
    """Opens n connections, each sends one keep-alive request and reads the whole response, then
    all stay open and idle. Prints one TSV line per pid:
    idle  PID  N_OPEN  RSS_BEFORE_KIB  RSS_AFTER_KIB  KIB_PER_CONN  FDS_BEFORE  FDS_AFTER"""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = n + 64
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            print(f"idle: RLIMIT_NOFILE hard limit {hard} < {need}", file=sys.stderr)
            return 1
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    # Settle, then the baseline.
    time.sleep(settle)
    before = {pid: vm_rss_kib(pid) for pid in pids}
    fds_before = {pid: fd_count(pid) for pid in pids}
    socks = []
    req = request(path)
    try:
        for i in range(n):
            deadline = time.monotonic() + 10
            s = None
            for attempt in range(50):
                try:
                    s = socket.create_connection((HOST, port), timeout=10)
                    break
                except OSError as e:
                    if attempt == 49:
                        raise RuntimeError(f"connection {i}: {e}") from e
                    time.sleep(0.02)
            socks.append(s)
            s.sendall(req)
            status, headers, _ = read_response(s, deadline)
            if status != 200:
                raise RuntimeError(f"connection {i}: status {status}")
            if headers.get("connection", "").lower() == "close":
                raise RuntimeError(f"connection {i}: the server closes keep-alive connections")
        time.sleep(settle)
        after = {pid: vm_rss_kib(pid) for pid in pids}
        fds_after = {pid: fd_count(pid) for pid in pids}
        # How many are still open (a server that closed some would flatter itself).
        sel = selectors.DefaultSelector()
        for s in socks:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        closed = 0
        for key, _ in sel.select(timeout=0):
            try:
                if key.fileobj.recv(1) == b"":
                    closed += 1
            except OSError:
                closed += 1
        sel.close()
        still_open = n - closed
        for pid in pids:
            per = (after[pid] - before[pid]) / n
            print(f"idle\t{pid}\t{still_open}\t{before[pid]}\t{after[pid]}\t{per:.3f}\t"
                  f"{fds_before[pid]}\t{fds_after[pid]}")
    finally:
        for s in socks:
            s.close()
    return 0


def cmd_cpustat(pid, cpus):
    """Prints, tab-separated, for each cpu in `cpus` its busy and total ticks (from /proc/stat),
    then the process's utime+stime ticks (0 if it is gone)."""
    fields = {}
    with open("/proc/stat") as f:
        for line in f:
            w = line.split()
            if w[0].startswith("cpu") and w[0] != "cpu":
                vals = [int(x) for x in w[1:]]
                idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
                total = sum(vals[:8])  # guest time is already in user
                fields[int(w[0][3:])] = (total - idle, total)
    out = []
    for c in cpus:
        busy, total = fields.get(c, (0, 0))
        out += [busy, total]
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rpartition(")")[2].split()
        out.append(int(rest[11]) + int(rest[12]))  # utime, stime
    except OSError:
        out.append(0)
    print("\t".join(str(x) for x in out))
    return 0


def parse_size(text):
    """wrk's '12.34MB' -> bytes."""
    units = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}
    for u in sorted(units, key=len, reverse=True):
        if text.endswith(u):
            return float(text[: -len(u)]) * units[u]
    return float(text)


def parse_latency(text):
    units = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
    for u in sorted(units, key=len, reverse=True):
        if text.endswith(u):
            return float(text[: -len(u)]) * units[u]
    return float(text)


def cmd_wrk(path):
    """Prints: RPS  BYTES_PER_S  REQUESTS  ERRORS  NON2XX  P50_MS  P99_MS  (TSV)."""
    rps = bps = 0.0
    requests = errors = non2xx = 0
    p50 = p99 = float("nan")
    with open(path, errors="replace") as f:
        for line in f:
            w = line.split()
            if line.startswith("Requests/sec:"):
                rps = float(w[1])
            elif line.startswith("Transfer/sec:"):
                bps = parse_size(w[1])
            elif "requests in" in line and w and w[0].isdigit():
                requests = int(w[0])
            elif line.strip().startswith("Socket errors:"):
                # Socket errors: connect 0, read 0, write 0, timeout 0
                nums = [int(x.strip(",")) for x in w[2:] if x.strip(",").isdigit()]
                errors = sum(nums)
            elif line.strip().startswith("Non-2xx or 3xx responses:"):
                non2xx = int(w[-1])
            elif len(w) == 2 and w[0] == "50%":
                p50 = parse_latency(w[1])
            elif len(w) == 2 and w[0] == "99%":
                p99 = parse_latency(w[1])
    print(f"{rps:.2f}\t{bps:.0f}\t{requests}\t{errors}\t{non2xx}\t{p50:.3f}\t{p99:.3f}")
    return 0 if rps > 0 else 1


CASES = [
    # id, label, target ratio
    ("small-50", "1 KiB, 50 keep-alive conns", 1.0),
    ("small-1000", "1 KiB, 1000 keep-alive conns", 1.0),
    ("large-10", "1 MiB, 10 keep-alive conns", 0.95),
    ("small-close", "1 KiB, 50 conns, Connection: close", 1.0),
    # HTTPS has no target of its own: the figures say where Gorgon stands.
    ("tls-small-50", "HTTPS 1 KiB, 50 keep-alive conns", None),
    ("tls-handshake", "HTTPS 1 KiB, 50 conns, Connection: close (a full handshake each)", None),
]


def fmt_rate(x):
    return f"{x:,.0f}"


def fmt_bytes(x):
    if x >= 1024 ** 3:
        return f"{x / 1024 ** 3:.2f} GiB/s"
    return f"{x / 1024 ** 2:.1f} MiB/s"


def cmd_report(results, machine):
    """results: TSV lines
         run  SERVER  CASE  ROUND  RPS  BPS  REQUESTS  ERRORS  NON2XX  P50  P99
         idle SERVER  ROUND  N_OPEN  BEFORE  AFTER  PER_CONN  FDS_BEFORE  FDS_AFTER"""
    runs, idle = {}, {}
    with open(results) as f:
        for line in f:
            w = line.rstrip("\n").split("\t")
            if w[0] == "run":
                r = dict(rps=float(w[4]), bps=float(w[5]), req=int(w[6]), err=int(w[7]),
                         non2xx=int(w[8]), p50=float(w[9]), p99=float(w[10]),
                         cpu=float("nan"), foreign=float("nan"), client=float("nan"))
                if len(w) >= 21:
                    b, a = [int(x) for x in w[11:16]], [int(x) for x in w[16:21]]
                    d = [y - x for x, y in zip(b, a)]
                    if d[1] > 0 and d[3] > 0:
                        r["cpu"] = d[4] / d[1]
                        r["foreign"] = max(0.0, (d[0] - d[4]) / d[1])
                        r["client"] = d[2] / d[3]
                runs.setdefault((w[1], w[2]), []).append(r)
            elif w[0] == "idle":
                idle.setdefault(w[1], []).append(
                    dict(n=int(w[3]), before=int(w[4]), after=int(w[5]), per=float(w[6])))
    servers = ["gorgon", "nginx"]
    have = {s for (s, _) in runs} | set(idle)
    flagged = []

    def med(xs):
        return statistics.median(xs) if xs else float("nan")

    def eff(r):  # requests per second of server CPU
        return r["rps"] / r["cpu"] if r["cpu"] > 0 else float("nan")

    print("| case | gorgon req/s | nginx req/s | gorgon/nginx | target | | "
          "gorgon/nginx per server CPU-second |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for cid, label, target in CASES:
        if not any((s, cid) in runs for s in servers):
            continue  # not run (CASES)
        cells, m, e = [], {}, {}
        for s in servers:
            rs = runs.get((s, cid), [])
            if not rs:
                cells.append("n/a")
                continue
            m[s] = med([r["rps"] for r in rs])
            e[s] = med([eff(r) for r in rs])
            bad = [r for r in rs if r["err"] or r["non2xx"]]
            mark = " (!)" if bad else ""
            for r in bad:
                flagged.append(f"{s} {cid}: {r['err']} socket errors, {r['non2xx']} non-2xx "
                               f"of {r['req']} requests")
            cells.append(fmt_rate(m[s]) + mark)
        goal = "—" if target is None else f"≥ {target:.2f}"
        if len(m) == 2 and m["nginx"] > 0:
            ratio = m["gorgon"] / m["nginx"]
            verdict = "" if target is None else "met" if ratio >= target else "**missed**"
            eratio = e["gorgon"] / e["nginx"] if e["nginx"] > 0 else float("nan")
            print(f"| {label} | {cells[0]} | {cells[1]} | {ratio:.2f} | {goal} | "
                  f"{verdict} | {eratio:.2f} |")
        else:
            print(f"| {label} | {cells[0]} | {cells[1]} | n/a | {goal} | | |")
    cells, m = [], {}
    for s in servers:
        xs = idle.get(s, [])
        if not xs:
            cells.append("n/a")
            continue
        m[s] = med([x["per"] for x in xs])
        short = [x for x in xs if x["n"] < max(y["n"] for y in xs)]
        cells.append(f"{m[s]:.2f} KiB/conn" + (" (!)" if short else ""))
        for x in short:
            flagged.append(f"{s} idle: only {x['n']} connections stayed open")
    label = f"idle keep-alive memory, {IDLE_N} conns (RSS delta)"
    if not m:
        pass  # not run (CASES)
    elif len(m) == 2 and m["nginx"] > 0:
        ratio = m["gorgon"] / m["nginx"]
        verdict = "met" if ratio <= 1.0 else "**missed**"
        print(f"| {label} | {cells[0]} | {cells[1]} | {ratio:.2f} | ≤ 1.00 | {verdict} | |")
    else:
        print(f"| {label} | {cells[0]} | {cells[1]} | n/a | ≤ 1.00 | | |")
    print()
    # Details: every round, so noise is visible.
    print("Details (medians over rounds; every round's req/s in brackets). cpu: the server's")
    print("share of its core; other: other processes on the server's core; client: the wrk core busy.")
    noisy = []
    for cid, label, _ in CASES:
        for s in servers:
            rs = runs.get((s, cid), [])
            if not rs:
                continue
            print(f"  {s:6} {cid:13} {fmt_rate(med([r['rps'] for r in rs])):>9} req/s "
                  f"{fmt_bytes(med([r['bps'] for r in rs])):>12}  "
                  f"p50 {med([r['p50'] for r in rs]):6.2f} ms  p99 {med([r['p99'] for r in rs]):6.2f} ms  "
                  f"cpu {med([r['cpu'] for r in rs]):4.0%}  other {med([r['foreign'] for r in rs]):4.0%}  "
                  f"client {med([r['client'] for r in rs]):4.0%}  "
                  f"{fmt_rate(med([eff(r) for r in rs])):>7} req/CPU-s"
                  f"  [{', '.join(fmt_rate(r['rps']) for r in rs)}]")
            busy = [r for r in rs if r["foreign"] > 0.05]
            if busy:
                noisy.append(f"{s} {cid} ({len(busy)} of {len(rs)})")
    for s in servers:
        xs = idle.get(s, [])
        if xs:
            print(f"  {s:6} {'idle':13} RSS {med([x['before'] for x in xs]):,.0f} -> "
                  f"{med([x['after'] for x in xs]):,.0f} KiB with {xs[0]['n']} open  "
                  "[" + ", ".join("%.2f" % x["per"] for x in xs) + "] KiB/conn")
    if flagged:
        print()
        print("Flagged runs (errors make a number suspect):")
        for x in flagged:
            print(f"  {x}")
    if noisy:
        print()
        print("Noise: other processes took more than 5% of the server's core in some rounds of: "
              + ", ".join(noisy) + ".")
        print("The medians resist one noisy round; the per-CPU-second ratio resists noise better;")
        print("rerun on a quiet machine for firm numbers.")
    missing = [s for s in servers if s not in have]
    if missing:
        print()
        print(f"No results for: {', '.join(missing)}")
    print()
    with open(machine) as f:
        sys.stdout.write(f.read())
    return 0


IDLE_N = int(os.environ.get("IDLE_CONNS", "5000"))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "port":
        print(free_port())
        return 0
    if cmd in ("get", "gets"):
        return cmd_get(int(args[0]), args[1], int(args[2]),
                       float(args[3]) if len(args) > 3 else 10.0, tls=cmd == "gets")
    if cmd == "tlsinfo":
        return cmd_tlsinfo(int(args[0]))
    if cmd == "idle":
        return cmd_idle(int(args[0]), args[1], int(args[2]), [int(p) for p in args[3:]])
    if cmd == "cpustat":
        return cmd_cpustat(int(args[0]), [int(c) for c in args[1:]])
    if cmd == "wrk":
        return cmd_wrk(args[0])
    if cmd == "report":
        return cmd_report(args[0], args[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
