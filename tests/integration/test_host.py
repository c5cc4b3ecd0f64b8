"""The host itself, driven through the fixture echo protocol: listeners, configuration errors,
signals and privilege drop."""
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from gorgon_harness import (BIN, FIXTURE_DIR, Gorgon, assert_no_sanitizer_report, check_config,
                            run_gorgon)


def echo_config(listen, extra=""):
    items = "".join(f"\n      - \"{a}\"" for a in listen)
    return f"""
plugins:
  directory: {FIXTURE_DIR}
  runtime_directory: @DIR@/run
shutdown_timeout: 1s
{extra}
servers:
  - name: echo
    protocol: echo
    listen:{items}
    config:
      greeting: "> "
"""


def ask(sock, line):
    sock.sendall(line)
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def ipv6_available():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Listeners(unittest.TestCase):
    def test_ipv4_ipv6_and_unix(self):
        listen = ["127.0.0.1:0", "unix:@DIR@/echo.sock"]
        if ipv6_available():
            listen.append("[::1]:0")
        with Gorgon(echo_config(listen)) as g:
            g.start(["echo"])
            addrs = g.addresses("echo")
            self.assertEqual(len(addrs), len(listen), addrs)
            for a in addrs:
                if a.startswith("unix:"):
                    s = socket.socket(socket.AF_UNIX)
                    s.settimeout(5)
                    s.connect(a[5:])
                else:
                    host, _, port = a.rpartition(":")
                    s = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
                with s:
                    self.assertEqual(ask(s, b"ping\n"), b"> ping\n", a)

    def test_stale_unix_socket_is_replaced_but_other_files_are_not(self):
        with Gorgon(echo_config(["unix:@DIR@/echo.sock"])) as g:
            stale = socket.socket(socket.AF_UNIX)
            stale.bind(os.path.join(g.dir, "echo.sock"))
            stale.close()
            g.start(["echo"])
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(5)
            s.connect(os.path.join(g.dir, "echo.sock"))
            self.assertEqual(ask(s, b"x\n"), b"> x\n")
            s.close()
        with Gorgon(echo_config(["unix:@DIR@/data.txt"])) as g:
            with open(os.path.join(g.dir, "data.txt"), "w") as f:
                f.write("precious")
            g.start()
            self.assertEqual(g.wait_exit(1), 1)
            self.assertIn("exists and is not a socket", g.log())
            with open(os.path.join(g.dir, "data.txt")) as f:
                self.assertEqual(f.read(), "precious")

    def test_unix_socket_is_private_and_its_directory_is_made(self):
        with Gorgon(echo_config(["unix:@DIR@/run/sub/echo.sock"])) as g:
            g.start(["echo"])
            path = os.path.join(g.dir, "run", "sub", "echo.sock")
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) & 0o027, 0)
        widened = echo_config(["unix:@DIR@/echo.sock"]).replace(
            "    protocol: echo\n", "    protocol: echo\n    socket_mode: \"0660\"\n")
        with Gorgon(widened) as g:
            g.start(["echo"])
            path = os.path.join(g.dir, "echo.sock")
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o660)
        for bad in ("0400", "rw", "01777"):
            with self.subTest(bad):
                with tempfile.TemporaryDirectory(prefix="gorgon-mode-") as scratch:
                    body = echo_config(["unix:@DIR@/echo.sock"]).replace("@DIR@", scratch)
                    code, out = check_config(body.replace(
                        "    protocol: echo\n",
                        f"    protocol: echo\n    socket_mode: \"{bad}\"\n"))
                    self.assertNotEqual(code, 0)
                    self.assertIn("socket_mode", out)

    def test_address_in_use_fails_start_with_a_clear_error(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            with Gorgon(echo_config([f"127.0.0.1:{port}"])) as g:
                g.start()
                self.assertEqual(g.wait_exit(1), 1)
                self.assertIn(f"127.0.0.1:{port}: bind: Address already in use", g.log())


class CheckConfig(unittest.TestCase):
    def test_valid(self):
        code, out = check_config(echo_config(["127.0.0.1:0"]).replace("@DIR@", "."))
        self.assertEqual(code, 0, out)
        self.assertIn("configuration OK", out)

    def test_errors_name_file_line_column_and_key(self):
        code, out = check_config("log:\n  level: loud\nservers:\n  - name: x\n")
        self.assertEqual(code, 1)
        self.assertRegex(out, r"gorgon\.yaml:2:10: log\.level: expected error, warn")
        self.assertRegex(out, r"gorgon\.yaml:4:\d+: servers\[0\]: a server needs a protocol")

    def test_plugin_settings_are_validated(self):
        cfg = echo_config(["127.0.0.1:0"]).replace("@DIR@", ".").replace(
            'greeting: "> "', "greeting: hi\n      colour: red")
        code, out = check_config(cfg)
        self.assertEqual(code, 1, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: servers\[0\]\.config\.colour: unknown key")

    def test_unknown_protocol(self):
        cfg = echo_config(["127.0.0.1:0"]).replace("protocol: echo", "protocol: nosuch")
        code, out = check_config(cfg.replace("@DIR@", "."))
        self.assertEqual(code, 1)
        self.assertIn("no plugin in", out)
        self.assertIn("provides protocol:nosuch", out)

    def test_missing_file_and_bad_arguments(self):
        code, out = check_config("/nonexistent/gorgon.yaml")
        self.assertEqual(code, 1)
        self.assertIn("cannot read the file", out)
        p = run_gorgon(["--bogus"], cwd=".")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown argument", p.stderr)


class Signals(unittest.TestCase):
    def test_sigusr1_reopens_the_log(self):
        with Gorgon(echo_config(["127.0.0.1:0"])) as g:
            g.start(["echo"])
            os.rename(g.log_path, g.log_path + ".1")
            g.signal(signal.SIGUSR1)
            g.wait_log("log file reopened")
            self.assertTrue(os.path.exists(g.log_path))

    def test_sigterm_drains_then_closes_at_the_deadline(self):
        with Gorgon(echo_config(["127.0.0.1:0"])) as g:
            g.start(["echo"])
            s = g.connect("echo")
            self.assertEqual(ask(s, b"a\n"), b"> a\n")
            started = time.monotonic()
            g.signal(signal.SIGTERM)
            g.wait_log("shutting down: 1 connections")
            # Listeners close at once, the open connection lasts until shutdown_timeout (1s).
            with self.assertRaises(OSError):
                socket.create_connection(g.address("echo"), timeout=1).close()
            self.assertEqual(s.recv(10), b"")  # closed by the deadline
            self.assertEqual(g.wait_exit(0), 0)
            self.assertGreaterEqual(time.monotonic() - started, 0.9)
            self.assertIn("shutdown deadline passed: closing 1 connections", g.log())
            self.assertIn("plugin fixture-echo generation 1 unloaded", g.log())
            s.close()

    def test_sigterm_with_no_connections_stops_at_once(self):
        with Gorgon(echo_config(["127.0.0.1:0"])) as g:
            g.start(["echo"])
            started = time.monotonic()
            g.signal(signal.SIGTERM)
            self.assertEqual(g.wait_exit(0), 0)
            self.assertLess(time.monotonic() - started, 0.9)


@unittest.skipUnless(os.geteuid() == 0, "privilege drop needs root")
class PrivilegeDrop(unittest.TestCase):
    def test_switches_to_the_configured_user_after_binding(self):
        nobody = pwd.getpwnam("nobody")
        with Gorgon(echo_config(["127.0.0.1:0"], "user: nobody\n")) as g:
            os.chmod(g.dir, 0o755)  # the log file is opened before the switch
            g.start(["echo"])
            s = g.connect("echo")
            self.assertEqual(ask(s, b"who\n"), b"> who\n")
            s.close()
            with open(f"/proc/{g.proc.pid}/status") as f:
                status = f.read()
            uid_line = [l for l in status.splitlines() if l.startswith("Uid:")][0]
            self.assertEqual(uid_line.split()[1:], [str(nobody.pw_uid)] * 4)

    def test_unknown_user_refuses_to_start(self):
        with Gorgon(echo_config(["127.0.0.1:0"], "user: no-such-user-gorgon\n")) as g:
            g.start()
            self.assertEqual(g.wait_exit(1), 1)
            self.assertIn('no such user "no-such-user-gorgon"', g.log())


class DefaultConfig(unittest.TestCase):
    """configs/gorgon.yaml as shipped: valid, and it starts and serves (on free ports)."""

    def setUp(self):
        source = os.environ["GORGON_SOURCE_DIR"]
        self.work = tempfile.mkdtemp(prefix="gorgon-default-")
        self.addCleanup(shutil.rmtree, self.work, True)
        shutil.copytree(os.path.join(source, "configs"), os.path.join(self.work, "configs"))
        with open(os.path.join(self.work, "configs", "gorgon.yaml")) as f:
            text = f.read()
        self.assertIn("127.0.0.1:8080", text)
        self.assertIn("127.0.0.1:8518", text)
        self.assertIn("127.0.0.1:2121", text)
        self.config = os.path.join(self.work, "configs", "free-ports.yaml")
        with open(self.config, "w") as f:
            f.write(text.replace("127.0.0.1:8080", "127.0.0.1:0")
                    .replace("127.0.0.1:8518", "127.0.0.1:0")
                    .replace("127.0.0.1:2121", "127.0.0.1:0"))

    def test_check_config(self):
        p = run_gorgon(["--check-config", "configs/gorgon.yaml"], cwd=self.work, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stderr, "")

    def test_serves_http_chat_ftp_and_the_monitor(self):
        # The default config logs to stderr: it goes to a file, which the test reads (a pipe
        # nobody drains could fill up and block the server).
        output_path = os.path.join(self.work, "output.txt")
        with open(output_path, "wb") as out:
            proc = subprocess.Popen([BIN, "-c", self.config], cwd=self.work,
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=out)

        def output():
            with open(output_path, errors="replace") as f:
                return f.read()

        try:
            addresses = {}
            deadline = time.monotonic() + 20
            while len(addresses) < 3 and time.monotonic() < deadline and proc.poll() is None:
                addresses = {m.group(1): int(m.group(2)) for m in re.finditer(
                    r"server (\S+) listening on 127\.0\.0\.1:(\d+)", output())}
                time.sleep(0.02)
            self.assertEqual(sorted(addresses), ["chat", "ftp", "web"], output())
            with socket.create_connection(("127.0.0.1", addresses["web"]), timeout=5) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"), data[:200])
            self.assertIn(b"Gorgon", data)
            # The status page and the metrics (plugins/http-status), before the static files.
            for path, needle in (("/status", b"<td>http-status</td>"),
                                 ("/metrics", b"\ngorgon_requests_total "),
                                 ("/healthz", b"\r\n\r\nok\n")):
                with socket.create_connection(("127.0.0.1", addresses["web"]), timeout=5) as s:
                    s.sendall(b"GET " + path.encode() +
                              b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    data = b""
                    while chunk := s.recv(65536):
                        data += chunk
                self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"), data[:300])
                self.assertIn(needle, data, path)
            with socket.create_connection(("127.0.0.1", addresses["chat"]), timeout=5) as s:
                self.assertEqual(s.recv(100), b"nickname?: ")
            with socket.create_connection(("127.0.0.1", addresses["ftp"]), timeout=5) as s:
                self.assertTrue(s.recv(200).startswith(b"220"))
            # The monitor on run/monitor.sock, which gorgonctl finds from the working directory.
            ctl = os.path.join(os.path.dirname(BIN), "gorgonctl")
            p = subprocess.run([ctl, "status"], cwd=self.work, capture_output=True, text=True,
                               timeout=20, stdin=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("web", p.stdout)
        finally:
            proc.terminate()
            try:
                code = proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise
        # Exit 0 on SIGTERM, and no sanitizer report on the way out.
        self.assertEqual(code, 0, output()[-5000:])
        assert_no_sanitizer_report(output())


if __name__ == "__main__":
    unittest.main()
