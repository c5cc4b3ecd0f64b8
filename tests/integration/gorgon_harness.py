"""Starts the real gorgon binary on loopback for integration tests, and stops it.

Tests write a YAML config whose listeners use port 0; the harness waits for the log lines
"server NAME listening on ADDRESS" and exposes the real addresses. Paths come from the
environment CTest sets: GORGON_BIN, GORGON_PLUGIN_DIR, GORGON_FIXTURE_DIR.
"""
import grp
import json
import os
import pwd
import re
import shutil
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


# A sanitizer's report: ASan/LSan/TSan/MSan print "==PID==ERROR: <Tool>: <what>", UBSan prints
# "<file>:<line>:<col>: runtime error: <what>" (no PID).
SANITIZER_RE = re.compile(r"^(?:==(\d+)==)?ERROR: (\w*Sanitizer): .*$|^.*runtime error: .*$", re.M)


def sanitizer_reports(output):
    """[(pid or None, first line)] of every sanitizer report in `output`."""
    return [(int(m.group(1)) if m.group(1) else None, m.group(0))
            for m in SANITIZER_RE.finditer(output)]


def assert_no_sanitizer_report(output, what="gorgon"):
    reports = sanitizer_reports(output)
    if reports:
        raise AssertionError(f"{what}: sanitizer report:\n{output[-8000:]}")


def run_gorgon(args, cwd, timeout=30, user=None, group=None):
    """Runs gorgon with `args` to completion (a start that must fail, --check-config...);
    returns the CompletedProcess (text). Whatever its exit code, a sanitizer report in its output
    fails the caller. `user`/`group`: run it as that account (the caller must be root)."""
    kw = {}
    if user is not None:
        kw = {"user": user, "group": group or user, "extra_groups": []}
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                       stdin=subprocess.DEVNULL, **kw)
    assert_no_sanitizer_report(p.stdout + p.stderr, f"gorgon {' '.join(args)}")
    return p


def copy_plugins(dest, names, source=None):
    """Copies plugin files `names` ("http.so"...) from the build tree (or `source`) into `dest`,
    made if need be, so that no other plugin can be picked up, with the permissions the host
    insists on (0644). A missing plugin fails the caller, naming the one to build."""
    source = source or PLUGIN_DIR
    os.makedirs(dest, exist_ok=True)
    for name in names:
        src = os.path.join(source, name)
        if not os.path.exists(src):
            raise AssertionError(f"{src} is missing: build the {name[:-3]} plugin")
        shutil.copyfile(src, os.path.join(dest, name))
        os.chmod(os.path.join(dest, name), 0o644)


def gorgon_config(plugin_dir, load, servers):
    """A config's YAML: a private plugin directory, a runtime directory in the test's own
    (@DIR@), the plugins in `load` (names, each with no settings) and `servers` (dicts, written
    as JSON, which YAML reads; see http_server and ftp_server)."""
    plugins = "".join(f"    {name}: {{}}\n" for name in load)
    return ("plugins:\n"
            f"  directory: {plugin_dir}\n"
            "  runtime_directory: @DIR@/run\n"
            "  load:\n" + plugins +
            f"servers: {json.dumps(list(servers))}\n")


def http_server(routes, name="web", listen=("127.0.0.1:0",), **config):
    """An http server entry for gorgon_config: `routes` ([{"extension": ..., "config": {...}}])
    and any further http settings."""
    return {"name": name, "protocol": "http", "listen": list(listen),
            "config": {"routes": list(routes), **config}}


def ftp_server(config, name="ftp", listen=("127.0.0.1:0",), **entry):
    """An ftp server entry for gorgon_config: `config` (the ftp settings) and any further keys
    of the server entry (tls...)."""
    return {"name": name, "protocol": "ftp", "listen": list(listen), **entry, "config": config}


def unprivileged_account():
    """(user, group) to run something as when the tests run as root (CI does), so that file
    permissions apply; None when the tests already run unprivileged."""
    if os.geteuid() != 0:
        return None
    group = grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
    return "nobody", group


IS_ROOT = os.geteuid() == 0


def have_user_tools():
    """Whether real Unix users can be made here: root, with useradd and userdel."""
    return IS_ROOT and all(shutil.which(t) for t in ("useradd", "userdel"))


def add_user(name, home=None, system=False, shell="/bin/sh"):
    """Creates the real Unix user `name` (root only) and returns its pwd entry. With `home` the
    home directory is that path, which the caller makes (no skeleton is copied); without it
    useradd makes /home/NAME. A leftover of an earlier run of the same name is removed first.
    Undo it with remove_user, in a cleanup that runs even when the test fails."""
    remove_user(name)
    cmd = ["useradd", "-s", shell]
    if home is not None:
        cmd += ["-M", "-d", home]
    else:
        cmd += ["-m"]
    if system:
        cmd.append("-r")
    subprocess.run(cmd + [name], check=True, capture_output=True, timeout=30)
    return pwd.getpwnam(name)


def remove_user(name, remove_home=False):
    """Removes the user `name` if it exists (with its home directory if asked)."""
    cmd = ["userdel"] + (["-r"] if remove_home else []) + [name]
    subprocess.run(cmd, capture_output=True, timeout=30)


class Gorgon:
    """One gorgon process. Use as a context manager so it is always stopped.

    Stopping it checks how it ended: unless the test said otherwise, gorgon must exit 0 (on
    SIGTERM or by itself) and print no sanitizer report, so that a leak or a use-after-free at
    unload or exit fails the test that caused it. A test that makes gorgon exit otherwise says
    so first: expect_exit(code) for a refusal with that code, allow_child_report(regex) for a
    report from a forked child it crashes on purpose, or no_exit_check(reason) for a server it
    kills."""

    def __init__(self, config_body, plugin_dir=None, workdir=None, timeout=10.0):
        self.tmp = tempfile.TemporaryDirectory(prefix="gorgon-test-")
        self.dir = workdir or self.tmp.name
        self.plugin_dir = plugin_dir or PLUGIN_DIR
        self.log_path = os.path.join(self.dir, "error.log")
        self.config_path = os.path.join(self.dir, "gorgon.yaml")
        # stdout and stderr go to a file, not a pipe: nobody reads a pipe while the test runs,
        # and a long sanitizer report would fill it and hang the exit it is reporting on.
        self.output_path = os.path.join(self.tmp.name, "output.txt")
        self.timeout = timeout
        self.proc = None
        self.expected_exit = 0
        self.allowed_reports = []
        self.unchecked = None  # why this server's exit is not checked
        self.checked = False
        self.log_start = 0  # where this run's log begins (a workdir may hold an earlier run's)
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
        self.log_start = len(self.log())
        with open(self.output_path, "ab") as out:
            self.proc = subprocess.Popen([BIN, "-c", self.config_path], cwd=self.dir,
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        self.checked = False
        for name in expect_servers:
            self.addresses(name)
        return self

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def output(self):
        """What gorgon wrote to stdout and stderr (sanitizer reports land here)."""
        try:
            with open(self.output_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_log(self, pattern, timeout=None, start=0):
        """Waits until `pattern` (a regex) appears in the log after offset `start` (and in this
        run's part of it)."""
        start = max(start, self.log_start)
        deadline = time.monotonic() + (timeout or self.timeout)
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            m = rx.search(self.log(), start)
            if m:
                return m
            if self.proc and self.proc.poll() is not None:
                raise AssertionError(f"gorgon exited with {self.proc.returncode} while waiting "
                                     f"for {pattern!r}\nlog:\n{self.log()}\n"
                                     f"output:\n{self.output()}")
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {pattern!r}\nlog:\n{self.log()}")

    def addresses(self, server):
        self.wait_log(rf"server {re.escape(server)} listening on ")
        return [m.group(2) for m in LISTEN_RE.finditer(self.log(), self.log_start)
                if m.group(1) == server]

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

    # ---- how it ended ----

    def expect_exit(self, code):
        """This server is meant to exit by itself with `code` (e.g. 1: a refused start)."""
        self.expected_exit = code

    def allow_child_report(self, pattern):
        """A sanitizer report whose first line matches `pattern` is expected from a process
        gorgon forked (a plugin probe the test crashes on purpose). The same report from gorgon
        itself still fails."""
        self.allowed_reports.append(re.compile(pattern))

    def no_exit_check(self, reason):
        """The test kills or crashes this server on purpose: do not check how it ended."""
        self.unchecked = reason

    def exit_problem(self):
        """Why the exit (which has happened) was not the expected one, or None."""
        if self.unchecked is not None:
            return None
        rc = self.proc.returncode
        output = self.output()
        bad = [line for pid, line in sanitizer_reports(output)
               if pid is None or pid == self.proc.pid
               or not any(rx.search(line) for rx in self.allowed_reports)]
        if rc != self.expected_exit:
            why = f"gorgon exited with {rc}, not {self.expected_exit}"
        elif bad:
            why = f"gorgon printed a sanitizer report ({bad[0]})"
        else:
            return None
        return f"{why}\nlog:\n{self.log()[-5000:]}\noutput:\n{output[-8000:]}"

    def check_exit(self):
        """Fails (AssertionError) if gorgon, which has exited, did not end as expected."""
        if self.checked:
            return
        self.checked = True
        problem = self.exit_problem()
        if problem:
            raise AssertionError(problem)

    def _wait_or_kill(self, timeout, what):
        """Waits `timeout` s for gorgon to end; if it does not, SIGKILLs it (so no test leaves a
        server behind) and fails, saying it did not `what` in time."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.checked = True
            raise AssertionError(f"gorgon did not {what} within {timeout}s\n{self.log()}")

    def wait_exit(self, code, timeout=20.0):
        """Waits for gorgon to exit by itself, which it must do with `code` and no sanitizer
        report; returns the code."""
        self.expect_exit(code)
        self._wait_or_kill(timeout, "exit")
        self.check_exit()
        return self.proc.returncode

    def stop(self, timeout=15.0):
        """SIGTERM (unless it has exited already), wait, check how it ended (see the class);
        returns the exit code. SIGKILL and fail if it does not stop in time."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self._wait_or_kill(timeout, "stop")
        self.check_exit()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            self.tmp.cleanup()


def clean_exit_problem(gorgon, allowed_errors=()):
    """Stops gorgon (SIGTERM); returns why its exit was not clean, or None: a non-zero status,
    a sanitizer report, an exception caught at a plugin boundary, or an [error] line in the log
    but those matching one of `allowed_errors` (regexes: the failures a test provoked on
    purpose)."""
    rc = gorgon.stop()
    output = gorgon.output()
    log = gorgon.log()
    if rc != 0:
        return f"gorgon exited with {rc}\nlog:\n{log[-5000:]}\noutput:\n{output[-5000:]}"
    if re.search(r"(?i)sanitizer|runtime error", output):
        return f"sanitizer report:\n{output[-5000:]}"
    for line in log.splitlines():
        if re.search(r"[Ee]xception", line) or (
                "[error]" in line and not any(re.search(a, line) for a in allowed_errors)):
            return f"unexpected log line: {line}\nlog:\n{log[-5000:]}"
    return None


def check_clean_exit(gorgon, allowed_errors=()):
    """clean_exit_problem(), raised as an AssertionError."""
    problem = clean_exit_problem(gorgon, allowed_errors)
    if problem:
        raise AssertionError(problem)


def start_or_discard(gorgon, scratch, servers):
    """For a setUpClass: starts `gorgon` and returns {server: (host, port)} for `servers`. If
    that fails, no tearDownClass will run: stops it, removes the class's `scratch` directory
    and re-raises."""
    try:
        gorgon.start(expect_servers=servers)
        return {name: gorgon.address(name) for name in servers}
    except BaseException:
        gorgon.__exit__(None, None, None)
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def stop_and_discard(gorgon, scratch):
    """For a tearDownClass: stops `gorgon`, removes `scratch`, then fails if its exit was not
    clean (see clean_exit_problem)."""
    try:
        problem = clean_exit_problem(gorgon)
    finally:
        gorgon.__exit__(None, None, None)
        shutil.rmtree(scratch, ignore_errors=True)
    if problem:
        raise AssertionError(problem)


def check_config(path_or_text, user=None, group=None):
    """Runs gorgon --check-config in a scratch directory; returns (exit code, output). A
    sanitizer report fails the caller. `user`/`group`: as in run_gorgon."""
    with tempfile.TemporaryDirectory(prefix="gorgon-check-") as scratch:
        if user is not None:
            os.chmod(scratch, 0o755)
        if "\n" in path_or_text:
            path = os.path.join(scratch, "gorgon.yaml")
            with open(path, "w") as f:
                f.write(textwrap.dedent(path_or_text))
            os.chmod(path, 0o644)
        else:
            path = os.path.abspath(path_or_text)
        p = run_gorgon(["--check-config", path], cwd=scratch, user=user, group=group)
        return p.returncode, p.stdout + p.stderr
