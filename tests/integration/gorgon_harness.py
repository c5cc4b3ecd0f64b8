"""Starts the real gorgon binary on loopback for integration tests, and stops it.

Tests write a YAML config whose listeners use port 0; the harness waits for the log lines
"server NAME listening on ADDRESS" and exposes the real addresses. Paths come from the
environment CTest sets: GORGON_BIN, GORGON_PLUGIN_DIR, GORGON_FIXTURE_DIR.
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import textwrap
import time

BIN = os.environ.get("GORGON_BIN", "gorgon")
PLUGIN_DIR = os.environ.get("GORGON_PLUGIN_DIR", "")
FIXTURE_DIR = os.environ.get("GORGON_FIXTURE_DIR", "")

LISTEN_RE = re.compile(r"server (\S+) listening on (\S+)")


class Gorgon:
    """One gorgon process. Use as a context manager so it is always stopped."""

    def __init__(self, config_body, plugin_dir=None, workdir=None, timeout=10.0):
        self.tmp = tempfile.TemporaryDirectory(prefix="gorgon-test-")
        self.dir = workdir or self.tmp.name
        self.plugin_dir = plugin_dir or PLUGIN_DIR
        self.log_path = os.path.join(self.dir, "error.log")
        self.config_path = os.path.join(self.dir, "gorgon.yaml")
        self.timeout = timeout
        self.proc = None
        self.write_config(config_body)

    def write_config(self, config_body):
        """Writes the config: a log section and the plugin directory, then the test's body."""
        head = textwrap.dedent(f"""\
            log:
              level: debug
              file: {self.log_path}
            """)
        body = textwrap.dedent(config_body)
        body = body.replace("@PLUGIN_DIR@", self.plugin_dir).replace("@DIR@", self.dir)
        if "plugins:" not in body:
            body = f"plugins:\n  directory: {self.plugin_dir}\n" + body
        with open(self.config_path, "w") as f:
            f.write(head + body)

    def start(self, expect_servers=()):
        self.proc = subprocess.Popen([BIN, "-c", self.config_path], cwd=self.dir,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        for name in expect_servers:
            self.addresses(name)
        return self

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_log(self, pattern, timeout=None, start=0):
        """Waits until `pattern` (a regex) appears in the log after offset `start`."""
        deadline = time.monotonic() + (timeout or self.timeout)
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            m = rx.search(self.log(), start)
            if m:
                return m
            if self.proc and self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
                raise AssertionError(f"gorgon exited with {self.proc.returncode} while waiting "
                                     f"for {pattern!r}\nlog:\n{self.log()}\noutput:\n{out}")
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {pattern!r}\nlog:\n{self.log()}")

    def addresses(self, server):
        self.wait_log(rf"server {re.escape(server)} listening on ")
        return [m.group(2) for m in LISTEN_RE.finditer(self.log()) if m.group(1) == server]

    def address(self, server):
        """(host, port) of the server's first TCP listener."""
        for a in self.addresses(server):
            if a.startswith("unix:"):
                continue
            host, _, port = a.rpartition(":")
            return host.strip("[]"), int(port)
        raise AssertionError(f"server {server} has no TCP listener")

    def connect(self, server, timeout=5.0):
        return socket.create_connection(self.address(server), timeout=timeout)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=15.0):
        """SIGTERM, then wait; returns the exit code. SIGKILL if it does not stop in time."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"gorgon did not stop within {timeout}s\n{self.log()}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            if self.proc and self.proc.stdout:
                self.proc.stdout.close()
            self.tmp.cleanup()


def check_config(path_or_text):
    """Runs gorgon --check-config in a scratch directory; returns (exit code, output)."""
    with tempfile.TemporaryDirectory(prefix="gorgon-check-") as scratch:
        if "\n" in path_or_text:
            path = os.path.join(scratch, "gorgon.yaml")
            with open(path, "w") as f:
                f.write(textwrap.dedent(path_or_text))
        else:
            path = os.path.abspath(path_or_text)
        p = subprocess.run([BIN, "--check-config", path], capture_output=True, text=True,
                           timeout=30, cwd=scratch, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout + p.stderr
