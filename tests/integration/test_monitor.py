"""The monitor plugin and gorgonctl against the real binary, over its Unix socket: every command
(human and --json), the access list, the limits, the audit log, gorgonctl's exit codes, and its
interactive mode through a pty.

Every test starts its own gorgon with the monitor's socket in the test's temporary directory and
stops it; every gorgonctl run and every socket read has a deadline. MonitorTestCase, RawMonitor,
ctl() and monitor_config() are shared with test_monitor_tcp.py and test_monitor_reload.py.
"""
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from gorgon_harness import BIN, PLUGIN_DIR, Gorgon, check_config

CTL = os.path.join(os.path.dirname(BIN), "gorgonctl")
UID = os.geteuid()
GID = os.getegid()


def monitor_config(config=None, listen=("unix:@DIR@/monitor.sock",), chat=True, plugins=None):
    """YAML for the harness: a monitor server (its config: subtree given as YAML lines) and,
    optionally, a chat server to have something to look at."""
    lines = list(plugins or [])
    lines += ["servers:", "  - name: monitor", "    protocol: monitor",
              "    listen: [" + ", ".join(f'"{a}"' for a in listen) + "]"]
    if config:
        lines.append("    config:")
        lines += ["      " + line for line in config.strip("\n").splitlines()]
    if chat:
        lines += ["  - name: chat", "    protocol: chat", '    listen: ["127.0.0.1:0"]']
    return "\n".join(lines) + "\n"


def ctl(sock, *args, timeout=30, input=None, env=None, extra=()):
    """Runs gorgonctl against the socket `sock` (None: no --socket); returns CompletedProcess."""
    argv = [CTL, *extra]
    if sock:
        argv += ["--socket", sock]
    argv += list(args)
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL,
                          env=env)


def reap(pid):
    """Kills child `pid` (a gorgonctl on a pty) if it is still running, and waits for it."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if not done:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


class RawMonitor:
    """A client of the monitor protocol written from docs/monitor-protocol.md, independent of
    gorgonctl: status line "CODE LENGTH [TEXT]", then LENGTH bytes. Every read is bounded."""

    def __init__(self, address, timeout=5.0):
        family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(address)
        self.timeout = timeout
        self.buf = b""

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out; buffered {self.buf[:200]!r}")
        self.sock.settimeout(left)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed; buffered {self.buf[:200]!r}")
        self.buf += chunk

    def read(self, timeout=None):
        """Returns (code, text, body)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\n" not in self.buf:
            self._fill(deadline)
        line, _, self.buf = self.buf.partition(b"\n")
        m = re.fullmatch(rb"([1-5][0-9][0-9]) (0|[1-9][0-9]*)(?: (.*))?", line)
        if not m:
            raise AssertionError(f"malformed status line {line!r}")
        length = int(m.group(2))
        while len(self.buf) < length:
            self._fill(deadline)
        body, self.buf = self.buf[:length], self.buf[length:]
        return int(m.group(1)), (m.group(3) or b"").decode(), body.decode("utf-8", "replace")

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def ask(self, line, timeout=None):
        self.send(line + "\n")
        return self.read(timeout)

    def at_eof(self, timeout=None):
        """True once the server has closed the connection (reading what remains)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                self._fill(deadline)
            except EOFError:
                return True
            except (ConnectionResetError, BrokenPipeError):
                return True
            except AssertionError:
                return False

    def close(self):
        self.sock.close()


class MonitorTestCase(unittest.TestCase):
    """Starts gorgon with a monitor; self.sock is the monitor's socket path."""

    def start(self, body=None, servers=("monitor",), plugin_dir=None):
        g = Gorgon(body or monitor_config(), plugin_dir=plugin_dir)
        self.addCleanup(g.__exit__, None, None, None)
        g.start(expect_servers=servers)
        self.g = g
        self.sock = os.path.join(g.dir, "monitor.sock")
        return g

    def raw(self, address=None):
        c = RawMonitor(address or self.sock)
        self.addCleanup(c.close)
        return c

    def ok(self, *args, **kw):
        p = ctl(self.sock, *args, **kw)
        self.assertEqual(p.returncode, 0, f"gorgonctl {args}: {p.stdout}{p.stderr}\n{self.g.log()}")
        return p.stdout

    def json(self, *args):
        return json.loads(self.ok("--json", *args))


class Protocol(MonitorTestCase):
    """The wire format itself, with a client that is not gorgonctl."""

    def test_greeting_framing_and_pipelining(self):
        self.start()
        st = os.stat(self.sock)
        self.assertEqual(st.st_mode & 0o777, 0o600, "the monitor socket must be mode 0600")
        c = self.raw()
        self.assertEqual(c.read(), (220, "gorgon-monitor 1 ready", ""))
        # Three commands in one write: three replies, in order, each framed by its length.
        c.send("help\n--json status\n\nplugins\n")
        code, _, body = c.read()
        self.assertEqual(code, 200)
        self.assertIn("reload NAME [PATH]", body)
        code, _, body = c.read()
        self.assertEqual(code, 200)
        self.assertEqual(json.loads(body)["servers"][0]["name"], "monitor")
        code, _, body = c.read()
        self.assertEqual(code, 200)
        self.assertRegex(body, r"(?m)^monitor +\S+ +1 +active")
        self.assertEqual(c.ask("quit")[0], 221)
        self.assertTrue(c.at_eof())

    def test_malformed_input_gets_a_reply_and_the_session_goes_on(self):
        self.start()
        c = self.raw()
        c.read()
        self.assertEqual(c.ask("frobnicate")[0], 400)
        code, text, _ = c.ask("load 'unterminated")
        self.assertEqual(code, 400)
        self.assertIn("unterminated", text)
        code, _, body = c.ask("--json status\x1b[2J")
        self.assertEqual(code, 400)
        self.assertIn("control character", body)
        self.assertEqual(c.ask("status --bogus")[0], 400)
        self.assertEqual(c.ask("unload")[0], 400)
        self.assertEqual(c.ask("reload a b c")[0], 400)
        self.assertEqual(c.ask("load /nonexistent/x.so")[0], 500)
        self.assertEqual(c.ask("load Not_A_Name")[0], 400)
        self.assertEqual(c.ask("status")[0], 200)
        # --json applies to errors too: a parseable document.
        code, _, body = c.ask("--json unload no-such-plugin")
        self.assertEqual(code, 404)
        self.assertEqual(json.loads(body)["error"]["code"], 404)

    def test_limits_line_length_argument_count_idle_clients_and_output(self):
        # A configuration larger than output_limit cannot be shown: 413, not an unbounded reply.
        padding = "\n".join("# " + "x" * 100 for _ in range(700))
        body = monitor_config("max_line: 256\nmax_args: 4\nidle_timeout: 1s\nmax_clients: 2\n"
                              "output_limit: 64k") + padding + "\n"
        self.start(body)
        c = self.raw()
        c.read()
        self.assertEqual(c.ask("help a b c")[0], 400)  # 4 words is within max_args...
        code, text, _ = c.ask("help a b c d")          # ...5 is not
        self.assertEqual(code, 413)
        self.assertIn("at most 4", text)
        code, text, _ = c.ask("config show")
        self.assertEqual(code, 413)
        self.assertIn("output_limit", text)
        # max_clients: the third connection is refused with 421.
        d = self.raw()
        d.read()
        e = self.raw()
        self.assertEqual(e.read()[0], 421)
        self.assertTrue(e.at_eof())
        p = ctl(self.sock, "status")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("too many clients", p.stderr)
        # A line over max_line: 413, then the connection is closed.
        code, text, _ = d.ask("help " + "x" * 300)
        self.assertEqual(code, 413)
        self.assertIn("256", text)
        self.assertTrue(d.at_eof())
        # Idle for longer than idle_timeout: 421, then closed.
        code, text, _ = c.read(timeout=5)
        self.assertEqual(code, 421)
        self.assertIn("idle", text)
        self.assertTrue(c.at_eof())

    def test_audit_log_names_the_caller_the_command_and_the_outcome(self):
        self.start()
        start = len(self.g.log())
        self.ok("status")
        ctl(self.sock, "reload", "no-such-plugin")
        # Read-only commands at info; refusals (and changes) at warn, which survives log.level warn.
        self.g.wait_log(rf"\[info\] monitor: audit: uid={UID}(\(\w+\))? gid={GID} pid=\d+ on "
                        r"monitor: \"status\" -> 200 status", start=start)
        self.g.wait_log(r"\[warn\] monitor: audit: uid=\S+ .*\"reload no-such-plugin\" -> 404 "
                        r"plugin no-such-plugin is not loaded", start=start)


class Commands(MonitorTestCase):
    """Every command through gorgonctl, human and --json."""

    def setUp(self):
        self.start(servers=("monitor", "chat"))

    def test_help(self):
        out = self.ok("help")
        for usage in ("status", "plugins", "load NAME|PATH", "unload NAME", "reload NAME [PATH]",
                      "connections [SERVER]", "config show|check [FILE]|reload",
                      "log level [LEVEL]", "stats", "shutdown [--graceful]"):
            self.assertIn(usage, out)
        doc = self.json("help")
        self.assertEqual((doc["protocol"], doc["version"]), ("gorgon-monitor", 1))
        self.assertTrue(all(c["allowed"] for c in doc["commands"]))
        self.assertEqual([c["name"] for c in self.json("help", "reload")["commands"]], ["reload"])
        self.assertEqual(ctl(self.sock, "help", "nope").returncode, 1)

    def test_status(self):
        out = self.ok("status")
        self.assertRegex(out, r"^gorgon \S+ \(pid \d+\), up \S+")
        self.assertRegex(out, r"(?m)^chat +chat +chat +0 ")
        doc = self.json("status")
        self.assertEqual(doc["pid"], self.g.proc.pid)
        self.assertEqual(doc["log_level"], "debug")
        self.assertFalse(doc["stopping"])
        self.assertGreaterEqual(doc["connections"], 1)  # this very command's
        for key in ("version", "uptime_s", "config_file", "connections_total", "requests_total",
                    "bytes_in", "bytes_out", "generations"):
            self.assertIn(key, doc)
        servers = {s["name"]: s for s in doc["servers"]}
        self.assertEqual(servers["monitor"]["listen"], ["unix:" + self.sock])
        self.assertEqual(servers["chat"]["plugin"], "chat")
        self.assertRegex(servers["chat"]["listen"][0], r"^127\.0\.0\.1:\d+$")
        # Requests are counted: each command is one.
        before = self.json("status")["servers"]
        after = self.json("status")["servers"]
        get = lambda ss: next(s for s in ss if s["name"] == "monitor")["requests_total"]
        self.assertGreater(get(after), get(before))

    def test_plugins(self):
        out = self.ok("plugins")
        self.assertRegex(out.splitlines()[0], r"^NAME +VERSION +GEN +STATE +CONNS +INFLIGHT")
        self.assertRegex(out, r"(?m)^chat +0\.1\.0 +1 +active +0 ")
        doc = {p["name"]: p for p in self.json("plugins")["plugins"]}
        chat = doc["chat"]
        self.assertEqual(chat["state"], "active")
        self.assertRegex(chat["sha256"], r"^[0-9a-f]{64}$")
        self.assertTrue(chat["file"].endswith("chat.so"))
        gen = chat["generations"][0]
        for key in ("generation", "state", "connections", "requests_inflight", "requests_total",
                    "loaded_ms", "sha256", "file", "version"):
            self.assertIn(key, gen)
        # The monitor sees itself serving this very command.
        mon = doc["monitor"]["generations"][0]
        self.assertEqual(mon["connections"], 1)
        self.assertEqual(mon["requests_inflight"], 1)

    def test_connections(self):
        chat = socket.create_connection(self.g.address("chat"), timeout=5)
        self.addCleanup(chat.close)
        chat.recv(100)  # the prompt: the connection is accepted
        out = self.ok("connections")
        self.assertRegex(out, r"(?m)^\d+ +chat +chat +1 +idle .*127\.0\.0\.1:\d+$")
        doc = self.json("connections", "chat")
        self.assertEqual(doc["total"], 1)
        self.assertFalse(doc["truncated"])
        c = doc["connections"][0]
        self.assertEqual((c["server"], c["plugin"], c["generation"]), ("chat", "chat", 1))
        self.assertEqual(c["peer"], "%s:%d" % chat.getsockname())
        self.assertEqual(self.json("connections", "monitor")["total"], 1)
        p = ctl(self.sock, "connections", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn('no server "nope"', p.stderr)

    def test_stats(self):
        out = self.ok("stats")
        self.assertRegex(out, r"(?m)^monitor +commands +\d+$")
        stats = {(s["plugin"], s["name"]): s["value"] for s in self.json("stats")["stats"]}
        self.assertIn(("chat", "messages"), stats)
        self.assertGreaterEqual(stats[("monitor", "commands")], 2)

    def test_config_show_check_reload(self):
        out = self.ok("config", "show")
        with open(self.g.config_path) as f:
            self.assertEqual(out, f.read())
        doc = self.json("config", "show")
        self.assertEqual(os.path.realpath(doc["file"]), os.path.realpath(self.g.config_path))
        self.assertIn("protocol: monitor", doc["text"])
        self.assertIn("is valid", self.ok("config", "check"))
        self.assertTrue(self.json("config", "check")["valid"])
        bad = os.path.join(self.g.dir, "bad.yaml")
        with open(bad, "w") as f:
            f.write("servers: [unclosed\n")
        p = ctl(self.sock, "config", "check", bad)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("is not valid", p.stderr)
        self.assertIn("bad.yaml", p.stderr)
        p = ctl(self.sock, "--json", "config", "check", bad)
        err = json.loads(p.stdout)["error"]
        self.assertEqual(err["code"], 422)
        self.assertTrue(err["details"])
        # A reload that adds a server, then one that is refused and changes nothing.
        start = len(self.g.log())
        with open(self.g.config_path, "a") as f:
            f.write('  - name: chat2\n    protocol: chat\n    listen: ["127.0.0.1:0"]\n')
        self.assertIn("configuration reloaded", self.ok("config", "reload"))
        self.g.wait_log(r"server chat2 listening on", start=start)
        with open(self.g.config_path, "a") as f:
            f.write("bogus_key: 1\n")
        p = ctl(self.sock, "--json", "config", "reload")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        err = json.loads(p.stdout)["error"]
        self.assertEqual(err["code"], 422)
        self.assertIn("bogus_key", " ".join(err["details"]))
        self.ok("status")

    def test_log_level(self):
        self.assertEqual(self.ok("log", "level"), "log level debug\n")
        self.assertEqual(self.json("log", "level", "warn"), {"log_level": "warn"})
        self.assertEqual(self.json("status")["log_level"], "warn")
        p = ctl(self.sock, "log", "level", "loud")
        self.assertEqual(p.returncode, 2)
        self.assertIn("expected error, warn, info or debug", p.stderr)
        self.assertIn("log level set to info", self.ok("log", "level", "info"))

    def test_shutdown_now(self):
        p = ctl(self.sock, "--json", "shutdown")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), {"shutdown": "now"})
        self.assertEqual(self.g.proc.wait(timeout=15), 0, self.g.log())
        self.g.wait_log(r"audit: .*\"--json shutdown\" -> 221")

    def test_shutdown_graceful(self):
        chat = socket.create_connection(self.g.address("chat"), timeout=5)
        self.addCleanup(chat.close)
        self.assertIn("shutting down gracefully", self.ok("shutdown", "--graceful"))
        self.assertEqual(self.g.proc.wait(timeout=15), 0, self.g.log())


class AccessList(MonitorTestCase):
    def test_deny_by_default_when_the_list_names_someone_else(self):
        other = 4242 if UID != 4242 else 4243
        self.start(monitor_config(f"access:\n  - users: [{other}]\n    commands: [all]"))
        p = ctl(self.sock, "status")
        self.assertEqual(p.returncode, 6, p.stdout + p.stderr)
        self.assertIn("not allowed", p.stderr)
        p = ctl(self.sock, "--json", "reload", "chat")
        self.assertEqual(p.returncode, 6)
        self.assertEqual(json.loads(p.stdout)["error"]["code"], 403)
        # help needs no permission, and says what is not allowed.
        doc = self.json("help")
        self.assertFalse(any(c["allowed"] for c in doc["commands"] if c["name"] != "help"
                             and c["name"] != "quit"))
        self.assertIn("(not allowed)", self.ok("help"))
        self.g.wait_log(rf"\[warn\] monitor: audit: uid={UID}\S* .*\"status\" -> 403")
        # The refusal changed nothing.
        self.assertNotRegex(self.g.log(), r"plugin chat reloaded")

    def test_rules_grant_commands_by_uid_and_group(self):
        self.start(monitor_config(f"access:\n  - groups: [{GID}]\n    commands: [read]\n"
                                  f"  - users: [{UID}]\n    commands: [log]"))
        self.ok("status")
        self.ok("plugins")
        self.ok("log", "level")  # granted by the second rule
        self.assertEqual(ctl(self.sock, "reload", "chat").returncode, 6)
        self.assertEqual(ctl(self.sock, "config", "reload").returncode, 6)
        self.assertEqual(ctl(self.sock, "shutdown").returncode, 6)
        self.assertIsNone(self.g.proc.poll())

    def test_default_allows_the_service_user(self):
        # No access list: root and the user gorgon runs as (here, the one running the test).
        self.start()
        self.ok("status")

    def test_bad_access_lists_are_refused_at_their_location(self):
        for config, message in (
                ("access:\n  - users: [no-such-user-xyz]\n    commands: [all]", "no such user"),
                ("access:\n  - groups: [no-such-group-xyz]\n    commands: [all]",
                 "no such group"),
                ("access:\n  - users: [0]\n    commands: [frob]", "unknown command \"frob\""),
                ("access:\n  - commands: [all]", "names no users and no groups"),
                ("access:\n  - users: [0]", "needs commands"),
                ("bogus: 1", "bogus")):
            with self.subTest(config):
                with Gorgon(monitor_config(config)) as g:
                    code, out = check_config(g.config_path)
                    self.assertEqual(code, 1, out)
                    self.assertIn(message, out)
                    self.assertRegex(out, r"gorgon\.yaml:\d+:\d+")


class ExitCodes(MonitorTestCase):
    def test_usage_and_connection_errors(self):
        p = ctl(None, "--bogus")
        self.assertEqual(p.returncode, 2)
        p = ctl(None, "--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("Exit status", p.stdout)
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, GORGON_MONITOR="")
            p = subprocess.run([CTL, "status"], cwd=d, capture_output=True, text=True,
                               timeout=30, env=env, stdin=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 3, p.stderr)
            self.assertIn("no monitor socket found", p.stderr)
            p = ctl(os.path.join(d, "nothing.sock"), "status")
            self.assertEqual(p.returncode, 3)

    def test_socket_from_environment_and_from_the_working_directory(self):
        self.start(monitor_config(listen=("unix:run/monitor.sock",)))
        sock = os.path.join(self.g.dir, "run", "monitor.sock")
        env = dict(os.environ, GORGON_MONITOR="unix:" + sock)
        p = subprocess.run([CTL, "status"], capture_output=True, text=True, timeout=30, env=env,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stderr)
        env = dict(os.environ, GORGON_MONITOR="")
        p = subprocess.run([CTL, "status"], cwd=self.g.dir, capture_output=True, text=True,
                           timeout=30, env=env, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_command_outcomes(self):
        self.start()
        self.assertEqual(ctl(self.sock, "status").returncode, 0)
        self.assertEqual(ctl(self.sock, "reload", "no-such-plugin").returncode, 1)
        self.assertEqual(ctl(self.sock, "frobnicate").returncode, 2)
        p = ctl(self.sock, "status", timeout=30, extra=("--timeout", "nan"))
        self.assertEqual(p.returncode, 2)

    def test_protocol_errors(self):
        # A server that is not a monitor, and one that speaks another version.
        for greeting, message in ((b"hello there\n", "malformed reply"),
                                  (b"220 0 gorgon-monitor 2 ready\n", "protocol version 2"),
                                  (b"220 5 gorgon-monitor 1 ready\nab", "timed out")):
            with self.subTest(greeting), tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "fake.sock")
                srv = socket.socket(socket.AF_UNIX)
                srv.bind(path)
                srv.listen(1)
                proc = subprocess.Popen([CTL, "--socket", path, "--connect-timeout", "1",
                                         "status"], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        stdin=subprocess.DEVNULL)
                try:
                    srv.settimeout(10)
                    conn, _ = srv.accept()
                    conn.sendall(greeting)
                    out, err = proc.communicate(timeout=20)
                    conn.close()
                finally:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()
                    srv.close()
                self.assertEqual(proc.returncode, 5, err)
                self.assertIn(message, err)

    def test_script_mode_runs_each_line(self):
        self.start()
        p = ctl(self.sock, input="# a comment\nstatus\n\nlog level\nreload no-such\nplugins\n")
        self.assertEqual(p.returncode, 1, p.stderr)  # the first failure's code
        self.assertIn("log level debug", p.stdout)
        self.assertRegex(p.stdout, r"(?m)^NAME +VERSION")  # plugins ran after the failure
        self.assertIn("no-such is not loaded", p.stderr)


class Completion(MonitorTestCase):
    SCRIPT = os.path.join(os.environ.get("GORGON_SOURCE_DIR", ""), "plugins", "monitor",
                          "gorgonctl.bash-completion")

    def complete(self, *words):
        """COMPREPLY for the command line `gorgonctl WORDS...` (the last word being typed)."""
        quoted = " ".join("'%s'" % w for w in ("gorgonctl",) + words)
        script = (f"source '{self.SCRIPT}'; COMP_WORDS=({quoted}); "
                  f"COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _gorgonctl; "
                  'printf "%s\\n" "${COMPREPLY[@]}"')
        env = dict(os.environ, PATH=os.path.dirname(CTL) + os.pathsep + os.environ["PATH"])
        p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30,
                           env=env, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stderr)
        return sorted(w for w in p.stdout.split("\n") if w)

    @unittest.skipUnless(os.path.exists("/bin/bash"), "needs bash")
    def test_commands_options_and_names_from_the_server(self):
        self.start(servers=("monitor", "chat"))
        self.assertIn("reload", self.complete(""))
        self.assertEqual(self.complete("--js"), ["--json"])
        self.assertEqual(self.complete("-s", self.sock, "reload", ""), ["chat", "monitor"])
        self.assertEqual(self.complete("--socket", self.sock, "--json", "unload", "c"), ["chat"])
        self.assertEqual(self.complete("-s", self.sock, "connections", ""), ["chat", "monitor"])
        self.assertEqual(self.complete("log", "level", "w"), ["warn"])
        self.assertEqual(self.complete("shutdown", ""), ["--graceful"])
        # Over TCP without a secret file it would have to ask for the secret: it asks nothing.
        self.assertEqual(self.complete("-H", "127.0.0.1", "-p", "1", "unload", ""), [])


class Interactive(MonitorTestCase):
    def test_prompt_command_and_history_recall_through_a_pty(self):
        self.start()
        home = tempfile.mkdtemp(prefix="gorgonctl-home-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", home], timeout=10))
        with open(os.path.join(home, ".gorgonctl_history"), "w") as f:
            f.write("plugins\n")
        env = dict(os.environ, HOME=home, TERM="xterm")
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(CTL, [CTL, "--socket", self.sock], env)
            finally:
                os._exit(127)
        self.addCleanup(reap, pid)
        self.addCleanup(os.close, fd)
        self._until(fd, rb"Connected to the Gorgon monitor[\s\S]*gorgon> ")
        # Type a command with the editor's keys: "tatu", Ctrl-A, "s", End, "x", Backspace, "s".
        os.write(fd, b"tatu\x01s\x1b[Fx\x7fs\r")
        self._until(fd, rb"gorgon \S+ \(pid \d+\)[\s\S]*gorgon> ")
        # Up recalls "status"; Up again the history from the file; Enter runs it.
        os.write(fd, b"\x1b[A\x1b[A\r")
        self._until(fd, rb"NAME +VERSION[\s\S]*gorgon> ")
        os.write(fd, b"\x1b[A\r")  # Up: "plugins" again, now the newest
        self._until(fd, rb"NAME +VERSION[\s\S]*gorgon> ")
        os.write(fd, b"\x04")  # Ctrl-D on an empty line leaves
        self._until_exit(pid, fd)
        with open(os.path.join(home, ".gorgonctl_history")) as f:
            # "plugins" recalled from the file is newest again; its repeat is not stored twice.
            self.assertEqual(f.read().splitlines(), ["plugins", "status", "plugins"])
        self.assertEqual(os.stat(os.path.join(home, ".gorgonctl_history")).st_mode & 0o777,
                         0o600)
        log = self.g.log()
        self.assertEqual(len(re.findall(r'audit: .*"status" -> 200', log)), 1, log)
        self.assertEqual(len(re.findall(r'audit: .*"plugins" -> 200', log)), 2, log)

    def _until(self, fd, pattern, timeout=10):
        """Reads the pty until `pattern` (a bytes regex) matches what arrived since the call."""
        data = b""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, data):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} within {timeout}s; got {data[-500:]!r}")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    raise AssertionError(f"pty closed; got {data[-500:]!r}")
                if not chunk:
                    raise AssertionError(f"pty closed; got {data[-500:]!r}")
                data += chunk
        return data

    def _until_exit(self, pid, fd, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    os.read(fd, 4096)
                except OSError:
                    pass
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.assertEqual(os.waitstatus_to_exitcode(status), 0)
                return
        raise AssertionError("gorgonctl did not leave on Ctrl-D")



if __name__ == "__main__":
    unittest.main()
