"""Connection limits and socket settings of the host (server `limits:` and `socket:`), end to end:
the real binary with the http, http-static and fs-os plugins on loopback.

- One address holding thousands of idle connections gets per_address of them; the rest are reset
  at accept, logged at most once a second, and a client from another address is still served.
- A server at max_connections closes its oldest idle keep-alive connection for a new client.
- The open-file limit is raised at start, and a configuration that cannot fit in it is named.
- backlog, socket buffers (per address prefix too) and keep-alive probes, as the kernel shows
  them (ss).

Nothing here waits on a timer to pass: the server accepts in order, so a client answered after a
flood was accepted after every connection of the flood had been decided.
"""
import errno
import os
import re
import resource
import shutil
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import PLUGIN_DIR, Gorgon, check_config, copy_plugins as harness_copy_plugins

PLUGINS = ("http.so", "http-static.so", "fs-os.so")
FLOOD = 10_000
PER_ADDRESS = 100
BATCH = 500


def copy_plugins(dest):
    harness_copy_plugins(dest, PLUGINS)


def nofile_at_least(n):
    """Raises this process's soft open-file limit to at least n (the test's clients); returns the
    previous limits, to restore."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < n:
        raise unittest.SkipTest(f"the hard open-file limit {hard} is below the {n} this test needs")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, n), hard))
    return soft, hard


class LimitsCase(unittest.TestCase):
    """A fresh server per test: each sets its own limits."""

    def start(self, limits="", socket_opts="", top="", listen="127.0.0.1:0"):
        self.scratch = tempfile.TemporaryDirectory(prefix="gorgon-limits-")
        base = self.scratch.name
        plugins = os.path.join(base, "plugins")
        root = os.path.join(base, "root")
        os.makedirs(plugins)
        os.makedirs(root)
        copy_plugins(plugins)
        with open(os.path.join(root, "hello.txt"), "w") as f:
            f.write("hello\n")
        indent = " " * 12
        body = textwrap.dedent(f"""\
            plugins:
              directory: {plugins}
              runtime_directory: @DIR@/run
              load:
                fs-os: {{}}
                http-static: {{}}
                http: {{}}
            """) + textwrap.dedent(top) + textwrap.dedent(f"""\
            servers:
              - name: web
                protocol: http
                listen: ["{listen}"]
            """)
        if limits:
            body += indent[:4] + "limits:\n" + textwrap.indent(textwrap.dedent(limits), indent[:6])
        if socket_opts:
            body += indent[:4] + "socket:\n" + textwrap.indent(textwrap.dedent(socket_opts),
                                                              indent[:6])
        body += textwrap.indent(textwrap.dedent(f"""\
            config:
              timeouts: {{header: 5m, keepalive: 5m}}
              routes:
                - extension: static
                  config:
                    root: {root}
            """), indent[:4])
        self.g = Gorgon(body)
        self.addCleanup(self.scratch.cleanup)
        self.addCleanup(self.g.__exit__, None, None, None)
        self.g.start(expect_servers=["web"])
        self.addr = self.g.address("web")
        return self.g

    def connect(self, source=None):
        s = socket.socket(socket.AF_INET6 if ":" in self.addr[0] else socket.AF_INET)
        s.settimeout(10)
        if source is not None:
            s.bind((source, 0))
        s.connect(self.addr)
        return s

    def get(self, s, path="/hello.txt", host="x"):
        """One keep-alive request; returns the status (None if the connection was closed)."""
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        while len(rest) < length:
            chunk = s.recv(4096)
            if not chunk:
                return None
            rest += chunk
        return int(head.split()[1])

    @staticmethod
    def state(s):
        """'open', 'eof' or 'reset', without waiting: the server's verdict has already arrived
        when this is asked (see the module's docstring)."""
        if s is None:
            return "reset"  # reset before connect() had returned
        timeout = s.gettimeout()
        s.settimeout(0)  # with a timeout, Python would wait for readability first
        try:
            data = s.recv(1, socket.MSG_PEEK)
            return "eof" if data == b"" else "data"
        except BlockingIOError:
            return "open"
        except ConnectionResetError:
            return "reset"
        finally:
            s.settimeout(timeout)

    def server_pid(self):
        return self.g.proc.pid


class TestPerAddress(LimitsCase):
    def test_one_address_cannot_take_the_service_away(self):
        previous = nofile_at_least(FLOOD + 200)
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, previous)
        self.start(limits=f"per_address: {PER_ADDRESS}\n", socket_opts="backlog: 1024\n")
        held = []
        self.addCleanup(lambda: [s.close() for s in held if s is not None])
        started = time.monotonic()
        for i in range(FLOOD):
            # Blocking: connect() returns once the handshake is done, before the server decides.
            s = socket.socket()
            try:
                s.connect(self.addr)
                held.append(s)
            except ConnectionResetError:  # decided first after all: count it as reset
                s.close()
                held.append(None)
            if (i + 1) % BATCH == 0:
                # Another address is served while the flood is held. Its connection is accepted
                # after every one before it, so the accept queue never holds more than a batch
                # (on a loaded machine a full queue drops SYNs: 1 s retransmissions, not errors).
                other = self.connect("127.0.0.2")
                self.assertEqual(self.get(other), 200, f"after {i + 1} connections")
                other.close()
        # By now each connection of the flood has been kept or reset.
        other = self.connect("127.0.0.2")
        held.append(other)
        self.assertEqual(self.get(other), 200)
        elapsed = time.monotonic() - started
        states = [self.state(s) for s in held[:FLOOD]]
        self.assertEqual(states.count("open"), PER_ADDRESS, "connections kept from 127.0.0.1")
        self.assertEqual(states.count("reset"), FLOOD - PER_ADDRESS)
        # The first PER_ADDRESS are the ones kept: the limit holds places, it does not rotate.
        self.assertEqual(set(states[:PER_ADDRESS]), {"open"})
        # A kept one is served.
        self.assertEqual(self.get(held[0]), 200)

        # Logged, at most one line a second, and every refusal counted: in the lines themselves
        # and in the counts of those held back (a summary follows within a second).
        refused = FLOOD - PER_ADDRESS
        line = re.compile(r"server web: connection from 127\.0\.0\.1:\d+ refused: 127\.0\.0\.1/32 "
                          r"already holds 100 connections \(limits\.per_address\)"
                          r"(?: \((\d+) more before this one not logged\))?")
        summary = re.compile(r"server web: (\d+) more refused over limits\.per_address in the "
                             r"last second")

        def counted():
            log = self.g.log()
            lines = list(line.finditer(log))
            total = len(lines) + sum(int(m.group(1) or 0) for m in lines)
            total += sum(int(m.group(1)) for m in summary.finditer(log))
            return total, len(lines), log

        deadline = time.monotonic() + 5
        total, lines, log = counted()
        while total < refused and time.monotonic() < deadline:
            time.sleep(0.05)
            total, lines, log = counted()
        self.assertEqual(total, refused, log[-3000:])
        self.assertGreaterEqual(lines, 1)
        self.assertLessEqual(lines, int(time.monotonic() - started) + 2,
                             f"more than one line a second over {elapsed:.1f} s")

    def test_ipv6_clients_count_by_their_prefix(self):
        try:
            probe = socket.socket(socket.AF_INET6)
            probe.bind(("::1", 0))
            probe.close()
        except OSError:
            self.skipTest("no IPv6 loopback")
        self.start(limits="per_address: 2\n", listen="[::1]:0")
        conns = [self.connect() for _ in range(3)]
        self.addCleanup(lambda: [s.close() for s in conns])
        self.g.wait_log(r"server web: connection from \[::1\]:\d+ refused: ::/64 already holds 2 "
                        r"connections \(limits\.per_address\)")
        self.assertEqual(self.state(conns[2]), "reset")
        self.assertEqual([self.get(s) for s in conns[:2]], [200, 200])


class TestIdleReclaim(LimitsCase):
    def test_a_full_server_closes_its_oldest_idle_connection(self):
        self.start(limits="max_connections: 3\nper_address: 0\n")
        a, b, c = (self.connect() for _ in range(3))
        self.addCleanup(lambda: [s.close() for s in (a, b, c)])
        for s in (a, b, c):
            self.assertEqual(self.get(s), 200)
        # b again: a is now the one idle longest, then c, then b.
        self.assertEqual(self.get(b), 200)
        d = self.connect()
        self.addCleanup(d.close)
        self.assertEqual(self.get(d), 200)
        # a was closed (gracefully) before d was handed to the plugin.
        self.assertEqual(self.state(a), "eof")
        self.assertEqual([self.state(s) for s in (b, c)], ["open", "open"])
        self.assertEqual(self.get(c), 200)
        self.g.wait_log(r"server web: at limits\.max_connections \(3\): closed the idle connection "
                        rf"from 127\.0\.0\.1:{a.getsockname()[1]} \(idle \d+ ms\)")
        # The next one takes b (c was just used).
        e = self.connect()
        self.addCleanup(e.close)
        self.assertEqual(self.get(e), 200)
        self.assertEqual(self.state(b), "eof")
        self.assertEqual(self.get(c), 200)
        self.assertEqual(self.get(d), 200)

    def test_without_reclaim_a_full_server_refuses(self):
        self.start(limits="max_connections: 2\nper_address: 0\nreclaim_idle: false\n")
        a, b = self.connect(), self.connect()
        self.addCleanup(lambda: [s.close() for s in (a, b)])
        self.assertEqual(self.get(a), 200)
        self.assertEqual(self.get(b), 200)
        try:
            c = self.connect()
            self.addCleanup(c.close)
            self.assertIsNone(self.get(c))
        except ConnectionResetError:
            pass  # reset before connect() returned: the same verdict, seen sooner
        self.g.wait_log(r"server web: connection from 127\.0\.0\.1:\d+ refused: 2 connections "
                        r"open \(limits\.max_connections\) and none idle to close")
        self.assertEqual(self.get(a), 200)
        self.assertEqual(self.get(b), 200)
        # A place frees as its socket closes: once a's last response has ended in EOF, the
        # server has closed it, and the next client is served.
        a.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        while a.recv(4096):
            pass
        d = self.connect()
        self.addCleanup(d.close)
        self.assertEqual(self.get(d), 200)


def ss(*args):
    return subprocess.run(["ss", "-H", *args], capture_output=True, text=True, timeout=20,
                          check=True).stdout


class TestSocketSettings(LimitsCase):
    def setUp(self):
        if shutil.which("ss") is None:
            self.skipTest("ss (iproute2) is not installed")

    def server_side(self, client, opts="-tnmo"):
        """ss's line for the server's end of `client`'s connection."""
        cport = client.getsockname()[1]
        out = ss(opts, "state", "established", f"( sport = :{self.addr[1]} and dport = :{cport} )")
        self.assertTrue(out.strip(), f"no server socket for client port {cport}")
        return out

    def test_backlog_buffers_and_keepalive_as_the_kernel_shows_them(self):
        # Sizes the kernel does not pick by itself: it doubles what is asked (socket(7)).
        self.start(socket_opts="""\
            backlog: 77
            rcvbuf: 96k
            sndbuf: 48k
            keepalive: {idle: 50s, interval: 7s, count: 3}
            by_address:
              - {prefix: 127.0.0.2/32, rcvbuf: 80k, sndbuf: 40k, read_buffer: 4k}
            """)
        listening = ss("-ltn", f"( sport = :{self.addr[1]} )")
        self.assertRegex(listening, r"LISTEN\s+\d+\s+77\s")  # Send-Q of a listener: its backlog
        plain = self.connect()
        self.addCleanup(plain.close)
        self.assertEqual(self.get(plain), 200)
        line = self.server_side(plain)
        self.assertIn(f"rb{2 * 96 * 1024},", line)
        self.assertIn(f"tb{2 * 48 * 1024},", line)
        # Inherited from the listener: the first probe 50 s after the last packet (the kernel's
        # own default is 2 hours).
        m = re.search(r"timer:\(keepalive,(\d+)sec,0\)", line)
        self.assertIsNotNone(m, line)
        self.assertTrue(30 <= int(m.group(1)) <= 50, line)
        # A client under the prefix gets its own buffers, and is served with a 4k read size.
        other = self.connect("127.0.0.2")
        self.addCleanup(other.close)
        self.assertEqual(self.get(other, host="x" * 9000), 200)  # a head of three reads
        line = self.server_side(other)
        self.assertIn(f"rb{2 * 80 * 1024},", line)
        self.assertIn(f"tb{2 * 40 * 1024},", line)

    def test_unset_buffers_are_the_kernels(self):
        self.start()
        c = self.connect()
        self.addCleanup(c.close)
        self.assertEqual(self.get(c), 200)
        line = self.server_side(c)
        self.assertNotIn(f"rb{2 * 96 * 1024},", line)
        self.assertNotIn("keepalive", line)
        listening = ss("-ltn", f"( sport = :{self.addr[1]} )")
        self.assertRegex(listening, r"LISTEN\s+\d+\s+511\s")

    def test_defer_accept_keeps_a_silent_client_from_the_server(self):
        # With one place per address, a silent connection would take it; deferred, the kernel
        # holds it until data arrives, and the client that speaks is served.
        self.start(limits="per_address: 1\n", socket_opts="defer_accept: 30s\n")
        silent = self.connect()
        self.addCleanup(silent.close)
        speaking = self.connect()
        self.addCleanup(speaking.close)
        self.assertEqual(self.get(speaking), 200)
        self.assertEqual(self.state(silent), "open")


class TestOpenFiles(unittest.TestCase):
    def run_with_soft_limit(self, soft, top, servers_limits):
        previous = resource.getrlimit(resource.RLIMIT_NOFILE)
        hard = previous[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        try:
            g = Gorgon(textwrap.dedent(top) + textwrap.dedent(f"""\
                servers:
                  - name: a
                    protocol: chat
                    listen: ["127.0.0.1:0"]
                    limits: {{max_connections: {servers_limits[0]}}}
                  - name: b
                    protocol: chat
                    listen: ["127.0.0.1:0"]
                    limits: {{max_connections: {servers_limits[1]}}}
                plugins:
                  directory: @PLUGIN_DIR@
                  runtime_directory: @DIR@/run
                  load: {{chat: {{}}}}
                """))
            g.start(expect_servers=["a", "b"])
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, previous)
        self.addCleanup(g.__exit__, None, None, None)
        with open(f"/proc/{g.proc.pid}/limits") as f:
            m = re.search(r"Max open files\s+(\d+)\s+(\d+)", f.read())
        return g, int(m.group(1)), int(m.group(2)), hard

    def test_raised_to_the_hard_limit(self):
        g, soft, hard, expected_hard = self.run_with_soft_limit(256, "", (100, 100))
        self.assertEqual((soft, hard), (expected_hard, expected_hard))
        self.assertRegex(g.log(), rf"open-file limit set to {expected_hard} \(was 256; hard limit {expected_hard}\)")
        self.assertNotIn("need", g.log())

    def test_a_configuration_that_does_not_fit_is_named(self):
        g, soft, hard, _ = self.run_with_soft_limit(256, "max_open_files: 1000\n", (700, 400))
        self.assertEqual(soft, 1000)
        g.wait_log(r"\[warn\] the servers' connection limits \(a 700 \+ b 400, plus 64 for the "
                   r"host\) need 1166 open files but the limit is 1000")


class TestOutOfDescriptors(LimitsCase):
    def test_accepting_pauses_instead_of_spinning_and_recovers(self):
        # 64 descriptors: the host's own (about 20) and room for a few dozen clients, far less
        # than max_connections: accept() fails with EMFILE while connections wait in the queue.
        self.start(limits="max_connections: 200\nper_address: 0\nreclaim_idle: false\n",
                   top="max_open_files: 64\n")
        self.g.wait_log(r"need \d+ open files but the limit is 64")
        started = time.monotonic()
        clients = [self.connect() for _ in range(80)]
        self.addCleanup(lambda: [c.close() for c in clients])
        self.g.wait_log(r"accept on 127\.0\.0\.1:\d+ failed: Too many open files; accepting "
                        r"paused for 100 ms at a time \(\d+ times since the last line\)")
        for c in clients:
            c.close()
        # Once descriptors free up, the queue drains and a new client is served.
        fresh = self.connect()
        self.addCleanup(fresh.close)
        self.assertEqual(self.get(fresh), 200)
        lines = len(re.findall(r"accept on .* failed", self.g.log()))
        self.assertLessEqual(lines, int(time.monotonic() - started) + 2, self.g.log()[-2000:])


class TestConfigErrors(unittest.TestCase):
    def check(self, server_extra, top=""):
        text = textwrap.dedent(top) + textwrap.dedent("""\
            plugins:
              directory: @PLUGIN_DIR@
              load: {chat: {}}
            servers:
              - name: talk
                protocol: chat
                listen: ["127.0.0.1:0"]
            """) + textwrap.indent(textwrap.dedent(server_extra), "    ")
        return check_config(text.replace("@PLUGIN_DIR@", PLUGIN_DIR))

    def test_valid_settings(self):
        code, out = self.check("""\
            limits: {max_connections: 500, per_address: 20, ipv4_prefix: 24, ipv6_prefix: 56,
                     reclaim_idle: false}
            socket:
              backlog: 1024
              rcvbuf: 256k
              sndbuf: 1M
              read_buffer: 64k
              keepalive: true
              defer_accept: 5s
              by_address:
                - {prefix: "10.0.0.0/8", rcvbuf: 4M}
                - {prefix: "2001:db8::/32", read_buffer: 4k}
            """, top="max_open_files: 65536\nlimits: {per_address: 0}\n")
        self.assertEqual(code, 0, out)

    def test_errors_are_located(self):
        code, out = self.check("""\
            limits: {max_connections: 0, per_address: -1, ipv6_prefix: 129, burst: 3}
            socket:
              backlog: lots
              rcvbuf: 12
              read_buffer: 1G
              keepalive: {idle: 1500ms, count: 500}
              by_address:
                - {prefix: "10.0.0.1/8", sndbuf: 64k}
                - {rcvbuf: 64k}
            """, top="max_open_files: 10\n")
        self.assertNotEqual(code, 0)
        for pattern in (r":1:\d+: max_open_files: must be between 64",
                        r":9:\d+: servers\[0\]\.limits\.max_connections: must be between 1 and",
                        r":9:\d+: servers\[0\]\.limits\.per_address: must be between 0 and",
                        r":9:\d+: servers\[0\]\.limits\.ipv6_prefix: must be between 1 and 128",
                        r"unknown key \"burst\"",
                        r":11:\d+: servers\[0\]\.socket\.backlog: expected an integer",
                        r":12:\d+: servers\[0\]\.socket\.rcvbuf: must be between 1024 and",
                        r":13:\d+: servers\[0\]\.socket\.read_buffer: must be between 1024 and",
                        r":14:\d+: servers\[0\]\.socket\.keepalive\.idle: expected whole seconds",
                        r":14:\d+: servers\[0\]\.socket\.keepalive\.count: must be between 1 and 127",
                        r"\"10\.0\.0\.1/8\" has bits set past the prefix \(did you mean 10\.0\.0\.0/8\?\)",
                        r":17:\d+: servers\[0\]\.socket\.by_address\[1\]: an entry needs a prefix"):
            self.assertRegex(out, pattern)
