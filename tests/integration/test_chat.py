"""The chat plugin (Medusa's chat server) against the real binary, with real sockets.

Every test starts its own gorgon on loopback (port 0) and stops it; every read has a deadline.
ChatClient, chat_config(), read_greeting() and assert_clean_exit() are shared with
test_chat_reload.py.
"""
import os
import random
import re
import signal
import socket
import struct
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import PLUGIN_DIR, Gorgon, check_config

PROMPT = b"nickname?: "
LONELY = "[Kinda lonely in here... you're the only caller!]"
OTHERS_RE = re.compile(r"\[There (?:is|are) (\d+) other callers?\]$")


def chat_config(config=None, listen=('"127.0.0.1:0"',), name="chat", plugins=None, sock=None):
    """A servers: section with one chat server; `config` is YAML for its config: subtree,
    `sock` YAML for its socket: settings."""
    lines = []
    if plugins:
        lines += plugins
    lines += ["servers:", f"  - name: {name}", "    protocol: chat",
              f"    listen: [{', '.join(listen)}]"]
    if sock:
        lines.append("    socket:")
        lines += ["      " + line for line in textwrap.dedent(sock).strip().splitlines()]
    if config:
        lines.append("    config:")
        lines += ["      " + line for line in textwrap.dedent(config).strip().splitlines()]
    return "\n".join(lines) + "\n"


class ChatClient:
    """A chat client. Lines are returned without their CRLF, decoded as UTF-8 with
    surrogateescape so that any byte survives; every read is bounded."""

    def __init__(self, sock, name="?", timeout=5.0):
        self.sock = sock
        self.name = name
        self.timeout = timeout
        self.buf = b""
        self.seen = []

    @classmethod
    def connect(cls, address, name="?", timeout=5.0, family=socket.AF_INET, rcvbuf=None):
        sock = socket.socket(family, socket.SOCK_STREAM)
        if rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.settimeout(timeout)
        sock.connect(address)
        return cls(sock, name, timeout)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def say(self, line):
        self.send(line + "\n")

    def _fill(self, deadline, what):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{self.name}: timed out waiting for {what}; "
                                 f"buffered {self.buf[:300]!r}; last lines {self.seen[-10:]!r}")
        self.sock.settimeout(min(left, self.timeout))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return
        if not chunk:
            raise AssertionError(f"{self.name}: connection closed while waiting for {what}; "
                                 f"buffered {self.buf[:300]!r}; last lines {self.seen[-10:]!r}")
        self.buf += chunk

    def line_bytes(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\r\n" not in self.buf:
            self._fill(deadline, "a line")
        line, _, self.buf = self.buf.partition(b"\r\n")
        self.seen.append(line.decode("utf-8", "surrogateescape"))
        return line

    def line(self, timeout=None):
        return self.line_bytes(timeout).decode("utf-8", "surrogateescape")

    def expect(self, want, timeout=None):
        """Reads lines until one equals `want` (a str) or matches it (a compiled regex).
        Returns the match (or the line). Lines before it are skipped."""
        deadline = time.monotonic() + (timeout or self.timeout)
        skipped = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: no line {want!r}; skipped {skipped[-20:]!r}")
            try:
                line = self.line(left)
            except AssertionError as e:
                raise AssertionError(f"{e}; skipped {skipped[-20:]!r}") from None
            if isinstance(want, str) and line == want:
                return line
            if not isinstance(want, str):
                m = want.search(line)
                if m:
                    return m
            skipped.append(line)

    def expect_next(self, want, timeout=None):
        """The very next line must be `want`."""
        line = self.line(timeout)
        if line != want:
            raise AssertionError(f"{self.name}: expected {want!r}, got {line!r}")
        return line

    def expect_prompt(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while len(self.buf) < len(PROMPT) and not self.buf.startswith(b"["):
            self._fill(deadline, "the nickname prompt")
        if not self.buf.startswith(PROMPT):
            raise AssertionError(f"{self.name}: expected the prompt, got {self.buf[:200]!r}")
        self.buf = self.buf[len(PROMPT):]

    def expect_eof(self, timeout=None):
        """Reads until the server closes; returns everything that arrived before."""
        deadline = time.monotonic() + (timeout or self.timeout)
        data = self.buf
        self.buf = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: still open; got {data[-300:]!r}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return data
            if not chunk:
                return data
            data += chunk

    def sync(self):
        """Round trip through the server: everything sent to this client before is read."""
        self.say("/who")
        return self.expect(re.compile(r"^\[\d+ callers? in \S+\]$"))

    def who(self):
        """The nicks /who lists, in order; asserts nothing else arrives first."""
        self.say("/who")
        m = re.match(r"^\[(\d+) callers? in (\S+)\]$", self.line())
        if not m:
            raise AssertionError(f"{self.name}: unexpected line before the /who reply: "
                                 f"{self.seen[-1]!r}")
        nicks = [self.line() for _ in range(int(m.group(1)))]
        assert all(n.startswith("  ") for n in nicks), nicks
        return [n.strip() for n in nicks]

    def abort(self):
        """Closes with a reset, as a crashed client would."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        self.sock.close()


def read_greeting(client, nick):
    """After the nick was sent: the greeting, any motd, and the room description.
    Returns the nicks of the other callers listed."""
    client.expect_next(f"Hello, {nick}")
    while True:
        line = client.line()
        if line == LONELY:
            return []
        m = OTHERS_RE.match(line)
        if m:
            return [client.line().strip() for _ in range(int(m.group(1)))]


def assert_clean_exit(test, gorgon):
    """Stops gorgon (SIGTERM) and checks that it exited cleanly and logged no error: a
    sanitizer report or an exception caught at the plugin boundary fails the test."""
    rc = gorgon.stop()
    output = gorgon.output()
    log = gorgon.log()
    test.assertEqual(rc, 0, f"gorgon exited with {rc}\nlog:\n{log[-5000:]}\noutput:\n{output}")
    test.assertNotRegex(log, r"\[error\]|[Ee]xception", log[-5000:])
    test.assertNotRegex(output, r"(?i)sanitizer|runtime error", output[-5000:])


class ChatTestCase(unittest.TestCase):
    CONFIG = None  # the chat server's config: subtree, as YAML
    SOCKET = None  # the chat server's socket: settings, as YAML

    def setUp(self):
        self.gorgon = self.start_gorgon(chat_config(self.CONFIG, sock=self.SOCKET))

    def start_gorgon(self, body, plugin_dir=None):
        g = Gorgon(body, plugin_dir=plugin_dir)
        self.addCleanup(g.__exit__, None, None, None)
        g.start(expect_servers=("chat",))
        self.addCleanup(assert_clean_exit, self, g)
        return g

    def connect(self, name="?", **kw):
        c = ChatClient.connect(self.gorgon.address("chat"), name, **kw)
        self.addCleanup(c.close)
        return c

    def login(self, nick, **kw):
        c = self.connect(nick, **kw)
        c.expect_prompt()
        c.say(nick)
        c.others = read_greeting(c, nick)
        return c


class TestChat(ChatTestCase):
    CONFIG = 'motd: "Welcome to the Gorgon test chat.\\nBe nice."'

    def test_two_clients_chat(self):
        alice = self.login("alice")
        self.assertEqual(alice.others, [])
        bob = self.login("bob")
        self.assertEqual(bob.others, ["alice"])
        alice.expect_next("bob: [joined]")
        bob.say("hi alice")
        alice.expect_next("bob: hi alice")
        alice.say("hello bob")
        bob.expect_next("alice: hello bob")
        # Nobody hears their own lines: the next thing each gets is the /who reply.
        self.assertEqual(alice.who(), ["alice", "bob"])
        self.assertEqual(bob.who(), ["alice", "bob"])

    def test_greeting_motd_and_callers(self):
        a = self.connect("a")
        a.expect_prompt()
        a.say("first")
        a.expect_next("Hello, first")
        a.expect_next("Welcome to the Gorgon test chat.")
        a.expect_next("Be nice.")
        a.expect_next(LONELY)
        self.login("second")
        c = self.login("third")
        self.assertEqual(c.seen[-3], "[There are 2 other callers]")
        self.assertEqual(c.others, ["first", "second"])
        d = self.connect("d")
        d.expect_prompt()
        d.say("fourth")
        self.assertEqual(read_greeting(d, "fourth"), ["first", "second", "third"])

    def test_nick_validation(self):
        c = self.connect("c")
        c.expect_prompt()
        for bad in ["", "   ", "bad nick", "x" * 33, "evil\x1b[2J", "a:b", "/nick", "caf\u00e9"]:
            with self.subTest(nick=bad):
                c.say(bad)
                c.expect_next("[invalid nickname: use 1-32 characters from A-Z a-z 0-9 _ . -]")
                c.expect_prompt()
        c.send(b"  Carol_1.x-y\t\r\n")  # trimmed; CRLF accepted
        self.assertEqual(read_greeting(c, "Carol_1.x-y"), [])
        d = self.connect("d")
        d.expect_prompt()
        d.say("y" * 32)
        self.assertEqual(read_greeting(d, "y" * 32), ["Carol_1.x-y"])

    def test_duplicate_nick(self):
        self.login("alice")
        c = self.connect("c")
        c.expect_prompt()
        for taken in ["alice", "ALICE", " Alice "]:
            with self.subTest(nick=taken):
                c.say(taken)
                c.expect_next(f"[nickname {taken.strip()} is taken]")
                c.expect_prompt()
        c.say("alice2")
        self.assertEqual(read_greeting(c, "alice2"), ["alice"])

    def test_nick_who_me_help(self):
        alice = self.login("alice")
        bob = self.login("bob")
        alice.expect_next("bob: [joined]")

        alice.say("/nick alicia")
        alice.expect_next("[You are now known as alicia]")
        bob.expect_next("alice is now known as alicia")
        bob.say("/nick alicia")
        bob.expect_next("[nickname alicia is taken]")
        bob.say("/nick ALICIA")
        bob.expect_next("[nickname ALICIA is taken]")
        bob.say("/nick bad name")
        bob.expect_next("[usage: /nick NAME, where NAME is 1-32 characters from A-Z a-z 0-9 _ . -]")
        alice.say("/nick Alicia")  # a change of case only is allowed
        alice.expect_next("[You are now known as Alicia]")
        bob.expect_next("alicia is now known as Alicia")
        # The old nick is free again.
        c = self.connect("c")
        c.expect_prompt()
        c.say("alice")
        read_greeting(c, "alice")
        alice.expect_next("alice: [joined]")
        bob.expect_next("alice: [joined]")

        self.assertEqual(bob.who(), ["Alicia", "bob", "alice"])

        bob.say("/me waves")
        bob.expect_next("* bob waves")  # /me is echoed to the sender too
        alice.expect_next("* bob waves")
        c.expect_next("* bob waves")
        bob.say("/me")
        bob.expect_next("[usage: /me ACTION]")

        bob.say("/help")
        bob.expect_next("[commands]")
        helptext = [bob.line() for _ in range(8)]
        for cmd in ["/who", "/rooms", "/join ROOM", "/nick NAME", "/me ACTION", "/help", "/quit",
                    "//text"]:
            self.assertTrue(any(cmd in h for h in helptext), (cmd, helptext))

        bob.say("/frobnicate now")
        bob.expect_next("[unknown command /frobnicate; try /help]")
        bob.say("/WHO")  # commands are case-insensitive
        bob.expect_next("[3 callers in lobby]")
        bob.say("//etc/passwd is a path")
        alice.expect_next("bob: /etc/passwd is a path")

    def test_rooms(self):
        alice = self.login("alice")
        bob = self.login("bob")
        carol = self.login("carol")
        alice.expect_next("bob: [joined]")
        alice.expect_next("carol: [joined]")
        bob.expect_next("carol: [joined]")

        alice.say("/join Den")  # room names are folded to lower case
        alice.expect_next("[You are now in den]")
        alice.expect_next(LONELY)
        bob.expect_next("alice: [left]")
        carol.expect_next("alice: [left]")
        alice.say("/join den")
        alice.expect_next("[You are already in den]")
        alice.say("/join no way")
        alice.expect_next(
            "[usage: /join ROOM, where ROOM is 1-32 characters from A-Z a-z 0-9 _ . -]")

        bob.say("/join den")
        bob.expect_next("[You are now in den]")
        bob.expect_next("[There is 1 other caller]")
        bob.expect_next("  alice")
        alice.expect_next("bob: [joined]")
        carol.expect_next("bob: [left]")

        # Lines stay in their room.
        bob.say("in the den")
        alice.expect_next("bob: in the den")
        carol.say("in the lobby")
        bob.say("/me nods")
        bob.expect_next("* bob nods")
        alice.expect_next("* bob nods")
        self.assertEqual(alice.who(), ["alice", "bob"])
        self.assertEqual(bob.who(), ["alice", "bob"])
        self.assertEqual(carol.who(), ["carol"])

        carol.say("/rooms")
        carol.expect_next("[2 rooms]")
        carol.expect_next("  den (2 callers)")
        carol.expect_next("  lobby (1 caller)")

        alice.say("/join lobby")
        alice.expect_next("[You are now in lobby]")
        alice.expect_next("[There is 1 other caller]")
        alice.expect_next("  carol")
        bob.expect_next("alice: [left]")
        carol.expect_next("alice: [joined]")
        bob.say("/join lobby")
        bob.expect(re.compile(r"^  alice$"))
        # An empty room disappears.
        carol.expect_next("bob: [joined]")
        carol.say("/rooms")
        carol.expect_next("[1 room]")
        carol.expect_next("  lobby (3 callers)")

    def test_quit(self):
        alice = self.login("alice")
        bob = self.login("bob")
        alice.expect_next("bob: [joined]")
        bob.say("/quit")
        bob.expect_next("Goodbye!")
        self.assertEqual(bob.expect_eof(), b"")
        alice.expect_next("bob: [left]")
        carol = self.login("carol")
        alice.expect_next("carol: [joined]")
        carol.say("/Q")
        carol.expect_next("Goodbye!")
        carol.expect_eof()
        alice.expect_next("carol: [left]")
        self.assertEqual(alice.who(), ["alice"])

    def test_abrupt_disconnect_is_announced(self):
        alice = self.login("alice")
        bob = self.login("bob")
        carol = self.login("carol")
        alice.expect_next("bob: [joined]")
        alice.expect_next("carol: [joined]")
        bob.close()  # FIN
        alice.expect_next("bob: [left]")
        carol.abort()  # RST
        alice.expect_next("carol: [left]")
        self.assertEqual(alice.who(), ["alice"])
        # A client that never picked a nick leaves without a word.
        d = self.connect("d")
        d.expect_prompt()
        d.close()
        alice.say("/rooms")
        alice.expect_next("[1 room]")

    def test_eof_after_last_line(self):
        alice = self.login("alice")
        eve = self.connect("eve")
        eve.expect_prompt()
        # Like `printf 'eve\nhello\nbye' | nc`: the last line has no newline.
        eve.send(b"eve\nhello there\nbye")
        eve.sock.shutdown(socket.SHUT_WR)
        alice.expect_next("eve: [joined]")
        alice.expect_next("eve: hello there")
        alice.expect_next("eve: bye")
        alice.expect_next("eve: [left]")
        eve.expect_eof()

    def test_long_lines_are_refused(self):
        alice = self.login("alice")
        bob = self.login("bob")
        alice.expect_next("bob: [joined]")
        too_long = "[line too long: at most 1024 bytes]"

        bob.say("x" * 1024)  # exactly the limit is fine, with LF or CRLF
        alice.expect_next("bob: " + "x" * 1024)
        bob.send("y" * 1024 + "\r\n")
        alice.expect_next("bob: " + "y" * 1024)

        bob.say("z" * 1025)
        bob.expect_next(too_long)
        bob.say("after one")
        alice.expect_next("bob: after one")

        # A huge line in pieces: one refusal, nothing of it relayed, nothing buffered.
        bob.send("A" * 70000)
        bob.expect_next(too_long)
        for _ in range(30):
            bob.send("B" * 65536)
        bob.send("C" * 100 + "\nafter two\n")
        alice.expect_next("bob: after two")
        self.assertEqual(bob.who(), ["alice", "bob"])

        # The prompt is bounded the same way.
        c = self.connect("c")
        c.expect_prompt()
        c.send("n" * 200000)
        c.expect_next(too_long)
        c.expect_prompt()
        c.send("n" * 1000 + "\nnewbie\n")
        self.assertEqual(read_greeting(c, "newbie"), ["alice", "bob"])
        alice.expect_next("newbie: [joined]")

    def test_control_bytes_are_sanitised(self):
        alice = self.login("alice")
        bob = self.login("bob")
        alice.expect_next("bob: [joined]")
        bob.send(b"\x00\x01\xff\xfe\x1b[2J\x7fhi\tthere\r\r\n")
        self.assertEqual(alice.line_bytes(), b"bob: ??\xff\xfe?[2J?hi\tthere?")
        bob.send("caf\u00e9 \u2603\n".encode())
        self.assertEqual(alice.line_bytes(), "bob: caf\u00e9 \u2603".encode())
        bob.send(b"/me \x1b]0;pwned\x07\n")
        self.assertEqual(alice.line_bytes(), b"* bob ?]0;pwned?")
        self.assertEqual(bob.line_bytes(), b"* bob ?]0;pwned?")
        bob.send(b"/\x1b\x00x\n")
        self.assertEqual(bob.line_bytes(), b"[unknown command /??x; try /help]")

    def test_binary_garbage_crashes_nothing(self):
        alice = self.login("alice")
        bob = self.login("bob")
        alice.expect_next("bob: [joined]")
        rng = random.Random(1234)
        garbage = bytes(rng.randrange(256) for _ in range(200000))
        # No line may start with "/": a random "/q" or "/nick" would be obeyed.
        garbage = b"_" + garbage.replace(b"\n/", b"\n_")
        # At the prompt (every line made an invalid nick, so the junk client never joins) and
        # while chatting; then everyone must still be served.
        junk = self.connect("junk")
        junk.expect_prompt()
        junk.send(b"".join(b"\x00" + garbage[i:i + rng.randrange(100)].replace(b"\n", b"")
                           + b"\n" for i in range(0, 50000, 100)))
        junk.send(garbage.replace(b"\n", b"\x00"))
        bob.send(garbage)
        bob.say("")
        bob.say("still alive")
        lines = []
        while True:
            line = alice.line_bytes()
            if line == b"bob: still alive":
                break
            lines.append(line)
        for line in lines:
            self.assertTrue(line.startswith(b"bob: "), line[:80])
            self.assertFalse(re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line), line[:80])
            self.assertLessEqual(len(line), len(b"bob: ") + 1024)
        self.assertEqual(alice.who(), ["alice", "bob"])
        junk.close()
        carol = self.login("carol")
        self.assertEqual(carol.others, ["alice", "bob"])


class TestMaxUsers(ChatTestCase):
    CONFIG = "max_users: 2"

    def test_server_full(self):
        alice = self.login("alice")
        waiting = self.connect("waiting")  # a client still at the prompt holds a slot too
        waiting.expect_prompt()
        third = self.connect("third")
        self.assertEqual(third.expect_eof(), b"Sorry, the server is full\r\n")
        alice.say("/quit")
        alice.expect_next("Goodbye!")
        alice.expect_eof()
        # The slot is free once the server has seen the connection close.
        deadline = time.monotonic() + 5
        while True:
            c = self.connect("again")
            c.sock.settimeout(5)
            first = c.sock.recv(len(PROMPT))
            if first == PROMPT[:len(first)] and first:
                break
            self.assertLess(time.monotonic(), deadline, f"no free slot: {first!r}")
            c.close()
            time.sleep(0.05)
        waiting.say("bob")
        self.assertEqual(read_greeting(waiting, "bob"), [])


class TestListingLimit(ChatTestCase):
    CONFIG = """\
        max_line: 64
        output_limit: 1k
        """

    def test_long_listings_are_cut_short(self):
        clients = []
        for i in range(60):
            c = self.connect(f"u{i:02}")
            c.expect_prompt()
            c.say(c.name)
            c.expect_next(f"Hello, {c.name}")
            clients.append(c)

        def listing(client, header):
            client.expect_next(header)
            names = []
            while True:
                line = client.line()
                m = re.match(r"^  \.\.\. and (\d+) more$", line)
                if m:
                    return names, int(m.group(1))
                names.append(line.strip())

        last = clients[-1]
        names, more = listing(last, "[There are 59 other callers]")
        self.assertEqual(names, [f"u{i:02}" for i in range(len(names))])
        self.assertEqual(len(names) + more, 59)
        self.assertGreater(len(names), 10)
        last.say("/who")
        names, more = listing(last, "[60 callers in lobby]")
        self.assertEqual(len(names) + more, 60)
        last.say("still here")
        clients[0].expect("u59: still here")


class TestSlowReader(ChatTestCase):
    CONFIG = """\
        output_limit: 64k
        write_timeout: 20s
        """
    # What the slow reader must read at the end is output_limit plus the server's kernel send
    # buffer. Autotuned, that buffer grows to megabytes (2.8 MB measured, up to tcp_wmem's 4 MB),
    # and through a 4 KiB receive window loopback delivers only ~150 KB/s (an ACK per 2 KiB
    # segment, delayed up to 40 ms): the reader could not finish within the deadline. A fixed
    # 16k (the kernel doubles it) bounds the backlog to ~100 KB: under a second even then.
    SOCKET = "sndbuf: 16k"

    def test_slow_reader_is_disconnected_and_others_keep_going(self):
        # A tiny receive buffer keeps the kernel from soaking up the flood for the slow reader.
        slow = self.login("slow", rcvbuf=4096)
        flooder = self.login("flooder")
        watcher = self.login("watcher")
        slow.sync()
        line = "f" * 1000
        sent = 0
        batch = 0
        slow_left = False
        while not slow_left:
            self.assertLess(sent, 16 * 1024 * 1024, "the slow reader was never disconnected")
            batch += 1
            flooder.send((line + "\n") * 32 + f"mark {batch}\n")
            sent += 32 * 1001
            # Keep the watcher caught up, so that only the slow reader falls behind.
            while True:
                got = watcher.line(10)
                if got == "slow: [left]":
                    slow_left = True
                elif got == f"flooder: mark {batch}":
                    break
                elif got != "flooder: " + line:
                    self.fail(f"watcher got {got!r}")
        self.assertLess(sent, 8 * 1024 * 1024)
        # The others carry on.
        flooder.say("still here")
        watcher.expect("flooder: still here", timeout=10)
        self.assertEqual(watcher.who(), ["flooder", "watcher"])
        watcher.say("and me")
        flooder.expect("watcher: and me")
        # The slow reader, reading at last, finds the farewell and then the end.
        data = slow.expect_eof(timeout=15)
        self.assertTrue(data.endswith(b"[disconnected: you are reading too slowly]\r\n"),
                        data[-200:])
        # It was cut off during the last batch, so it never got that batch's mark.
        self.assertNotIn(f"flooder: mark {batch}\r\n".encode(), data)


class TestIdleTimeout(ChatTestCase):
    CONFIG = "idle_timeout: 1s"

    def test_idle_clients_are_disconnected(self):
        idle = self.login("idle")
        prompting = self.connect("prompting")
        prompting.expect_prompt()
        busy = self.login("busy")
        idle.expect_next("busy: [joined]")
        start = time.monotonic()
        seen_left = False
        while time.monotonic() - start < 2.5:
            busy.say("/rooms")  # busy keeps talking, so only the others time out
            while True:
                line = busy.line()
                if line == "idle: [left]":
                    seen_left = True
                elif line.startswith("  lobby ("):
                    break
                else:
                    self.assertEqual(line, "[1 room]")
            time.sleep(0.25)
        data = idle.expect_eof(timeout=3)
        self.assertEqual(data, b"[idle timeout]\r\n")
        self.assertEqual(prompting.expect_eof(timeout=3), b"[idle timeout]\r\n")
        if not seen_left:
            busy.expect_next("idle: [left]")
        self.assertEqual(busy.who(), ["busy"])


class TestConfigChange(ChatTestCase):
    CONFIG = 'motd: "old motd"'

    def test_sighup_with_new_settings_reopens_the_server(self):
        # The host opens the server with its new settings beside the old one, which keeps its
        # users: for a while the plugin has two servers of one name.
        alice = self.login("alice")
        start = len(self.gorgon.log())
        self.gorgon.write_config(chat_config('motd: "new motd"'))
        self.gorgon.signal(signal.SIGHUP)
        self.gorgon.wait_log(r"configuration reloaded", start=start)
        self.assertIn("server chat: new settings for new connections", self.gorgon.log()[start:])
        # The listener is kept: same address, so no new "listening on" line.
        self.assertNotIn("server chat listening on", self.gorgon.log()[start:])
        self.assertEqual(alice.who(), ["alice"])  # still connected, on the old settings
        c = ChatClient.connect(self.gorgon.address("chat"), "c")
        self.addCleanup(c.close)
        c.expect_prompt()
        c.say("carol")
        c.expect_next("Hello, carol")
        c.expect_next("new motd")
        c.expect_next(LONELY)


class TestListeners(unittest.TestCase):
    def run_chat_on(self, listen, connect):
        with Gorgon(chat_config(listen=listen)) as g:
            g.start()
            addresses = g.addresses("chat")
            a, b = connect(addresses, "a"), connect(addresses, "b")
            try:
                for c in (a, b):
                    c.expect_prompt()
                    c.say(c.name)
                    read_greeting(c, c.name)
                a.expect_next("b: [joined]")
                b.say("hello over " + listen[0])
                a.expect_next("b: hello over " + listen[0])
            finally:
                a.close()
                b.close()
            assert_clean_exit(self, g)

    def test_ipv6(self):
        try:
            with socket.socket(socket.AF_INET6) as s:
                s.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback")

        def connect(addresses, name):
            host, _, port = addresses[0].rpartition(":")
            self.assertEqual(host, "[::1]")
            return ChatClient.connect(("::1", int(port)), name, family=socket.AF_INET6)
        self.run_chat_on(['"[::1]:0"'], connect)

    def test_unix_socket(self):
        with tempfile.TemporaryDirectory(prefix="gorgon-chat-") as d:
            path = os.path.join(d, "chat.sock")

            def connect(addresses, name):
                self.assertEqual(addresses, ["unix:" + path])
                return ChatClient.connect(path, name, family=socket.AF_UNIX)
            self.run_chat_on([f'"unix:{path}"'], connect)


class TestConfig(unittest.TestCase):
    def check(self, config):
        body = f"plugins:\n  directory: {PLUGIN_DIR}\n" + chat_config(config)
        return check_config(body)

    def test_valid_config(self):
        rc, out = self.check("""\
            max_users: 10
            max_line: 2k
            output_limit: 1M
            idle_timeout: 10m
            write_timeout: 5s
            motd: hello
            """)
        self.assertEqual(rc, 0, out)
        rc, out = self.check(None)
        self.assertEqual(rc, 0, out)

    def test_errors_name_the_key(self):
        cases = {
            "bogus_key: 1": "bogus_key",
            "output_limit: lots": "output_limit",
            "max_line: 12q": "max_line",
            "max_line: 10": "max_line",
            "max_users: 0": "max_users",
            "max_users: many": "max_users",
            "idle_timeout: soon": "idle_timeout",
            "write_timeout: 0": "write_timeout",
            "output_limit: 1k": "output_limit",
            "motd: [1, 2]": "motd",
            "{output_limit: 4k, motd: " + "m" * 2000 + "}": "motd",
        }
        for config, key in cases.items():
            with self.subTest(config=config):
                rc, out = self.check(config)
                self.assertNotEqual(rc, 0, out)
                self.assertIn(key, out)
                # file:line:col points into the file
                self.assertRegex(out, r"\.yaml:\d+:\d+")

    def test_plugin_section_takes_no_keys(self):
        plugins = ["plugins:", f"  directory: {PLUGIN_DIR}", "  load:", "    chat:",
                   "      colour: blue"]
        rc, out = check_config(chat_config(plugins=plugins))
        self.assertNotEqual(rc, 0, out)
        self.assertIn("colour", out)


if __name__ == "__main__":
    unittest.main()
