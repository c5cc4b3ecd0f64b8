"""The http-auth extension (HTTP Basic, RFC 7617, over a crypt(3) password file) against the real
binary, with curl and raw sockets on loopback.

One gorgon serves two http servers from a private plugin directory (http, http-auth and the
fixture extension `hello`, which answers "hello" and stands for whatever the auth route
guards): `web`, plaintext, and `tls`, over TLS with a certificate from tls_pki.py. Routes:

    /private  auth (allow_plaintext) then hello: guarded
    /strict   auth (plaintext refused) then hello
    /hello    hello alone: unguarded

The hashes are made at test time with mkpasswd (Debian's whois package), as the README tells an
operator to. Tests that provoke failures each come from their own loopback address
(127.0.0.N), because the failure table is per address and the lockout would spill over.
"""
import base64
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import threading
import time
import unittest

from gorgon_harness import FIXTURE_DIR, PLUGIN_DIR, Gorgon, check_config
from reload_load import reload_under_wrk
from test_http_protocol import HttpClient, check_clean_exit, curl, wait_for_lines
from tls_pki import Pki

MKPASSWD = os.environ.get("MKPASSWD", "mkpasswd")

# name -> (mkpasswd arguments, password)
USERS = {
    "alice": (["-m", "yescrypt"], "alice-secret"),
    "bob": (["-m", "sha512crypt"], "bob-secret"),
    "carol": (["-m", "bcrypt", "-R", "8"], "carol:has a colon"),
    "slow": (["-m", "bcrypt", "-R", "12"], "slow-secret"),
}
MAX_FAILURES = 3
FAILURE_DELAY_MS = 300

_addresses = itertools.count(10)


def fresh_address():
    """A loopback source address no other test has used."""
    return f"127.0.0.{next(_addresses)}"


def mkpasswd(args, password):
    p = subprocess.run([MKPASSWD, *args, "--stdin"], input=password.encode(),
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"mkpasswd failed: {p.stderr!r}")
    return p.stdout.decode().strip()


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def write_atomically(path, text, mode=0o600):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.rename(tmp, path)


def make_plugin_dir(path):
    os.makedirs(path, exist_ok=True)
    for name in ("http.so", "http-auth.so"):
        shutil.copy(os.path.join(PLUGIN_DIR, name), path)
    shutil.copy(os.path.join(FIXTURE_DIR, "fixture-http-hello.so"), path)


def config(passwd, pki_cert, pki_key, plugins_extra="", guarded_only=False):
    def auth(prefix, plaintext):
        return (f'{{extension: auth, config: {{prefix: {prefix}, file: "{passwd}", '
                f'realm: "Staff \\"only\\"", allow_plaintext: {str(plaintext).lower()}}}}}')

    def hello(prefix):
        return f"{{extension: hello, config: {{prefix: {prefix}, text: hello}}}}"

    routes = ", ".join([auth("/private", True), hello("/private"), auth("/strict", False),
                        hello("/strict"), hello("/hello")])
    tls = f"""\
  - name: tls
    protocol: http
    listen: ["127.0.0.1:0"]
    tls: {{cert: {pki_cert}, key: {pki_key}}}
    config:
      routes: [{routes}]
"""
    if guarded_only:
        # Only routes that traffic reaches: the http plugin moves a route to a reloaded
        # extension's new generation when a request reaches it.
        routes = ", ".join([auth("/private", True), hello("/private")])
        tls = ""
    return f"""\
work_pool: {{threads: 2}}
plugins:
  directory: @PLUGIN_DIR@
  runtime_directory: @DIR@/run
{plugins_extra}  load:
    fixture-http-hello: {{}}
    http-auth: {{max_failures: {MAX_FAILURES}, failure_window: 1m, lockout: 1m,
                failure_delay: {FAILURE_DELAY_MS}ms}}
servers:
  - name: web
    protocol: http
    listen: ["127.0.0.1:0"]
    config:
      access_log: {{file: "@DIR@/access.log"}}
      routes: [{routes}]
{tls}"""


class AuthCase(unittest.TestCase):
    PLUGINS_EXTRA = ""
    ALLOWED_ERRORS = ()
    GUARDED_ONLY = False

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-http-auth-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.hashes = {name: mkpasswd(args, pw) for name, (args, pw) in USERS.items()}
        cls.passwd = os.path.join(cls.tmp.name, "passwd")
        write_atomically(cls.passwd, cls.passwd_text())
        cls.pki = Pki(cls.tmp.name)
        cls.cert = cls.pki.issue("a.test")
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        make_plugin_dir(cls.plugin_dir)
        cls.gorgon = Gorgon(config(cls.passwd, cls.cert.cert, cls.cert.key, cls.PLUGINS_EXTRA,
                                   cls.GUARDED_ONLY), plugin_dir=cls.plugin_dir)
        cls.addClassCleanup(cls.gorgon.__exit__, None, None, None)
        cls.gorgon.start(expect_servers=("web",) if cls.GUARDED_ONLY else ("web", "tls"))
        cls.addClassCleanup(check_clean_exit, cls.gorgon, cls.ALLOWED_ERRORS)
        cls.address = cls.gorgon.address("web")
        cls.url = "http://%s:%d" % cls.address
        if not cls.GUARDED_ONLY:
            cls.tls_port = cls.gorgon.address("tls")[1]

    @classmethod
    def passwd_text(cls, extra=""):
        lines = ["# test users", ""] + [f"{n}:{h}" for n, h in cls.hashes.items()]
        return "\n".join(lines) + "\n" + extra

    def wait_reread(self, pattern, start):
        """Waits for the log to say `pattern` about the password file. The file is looked at
        on a request that checks credentials, at most once a second: keep sending one."""
        deadline = time.monotonic() + 15
        while not re.search(pattern, self.gorgon.log()[start:]):
            self.assertLess(time.monotonic(), deadline, f"no {pattern!r} in the log")
            self.get("/private/poke", "alice", "alice-secret")
            time.sleep(0.1)

    def get(self, path, user=None, password=None, source=None, extra=()):
        """curl; returns (status, headers text, body)."""
        args = ["-i", self.url + path, *extra]
        if user is not None:
            args += ["-u", f"{user}:{password}"]
        if source is not None:
            args += ["--interface", source]
        rc, out, err = curl(*args, timeout=60)
        self.assertEqual(rc, 0, err)
        head, _, body = out.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        return status, head.decode("latin-1"), body


class TestBasicAuth(AuthCase):
    def test_right_credentials_for_each_method(self):
        for user, (_, password) in USERS.items():
            if user == "slow":
                continue
            with self.subTest(user=user):
                status, _, body = self.get("/private/x", user, password)
                self.assertEqual((status, body), (200, b"hello"))

    def test_wrong_credentials_for_each_method(self):
        for user in ("alice", "bob", "carol"):
            with self.subTest(user=user):
                status, head, _ = self.get("/private/x", user, "wrong", source=fresh_address())
                self.assertEqual(status, 401)
                self.assertIn('WWW-Authenticate: Basic realm="Staff \\"only\\"", '
                              'charset="UTF-8"', head)

    def test_no_credentials_is_challenged(self):
        status, head, _ = self.get("/private/x")
        self.assertEqual(status, 401)
        self.assertIn('WWW-Authenticate: Basic realm="Staff \\"only\\"", charset="UTF-8"', head)
        # Another scheme is not ours to judge: challenged the same way.
        status, head, _ = self.get("/private/x", extra=["-H", "Authorization: Bearer abc"])
        self.assertEqual(status, 401)
        self.assertIn("WWW-Authenticate: Basic", head)

    def test_unknown_user_is_refused_and_logged(self):
        source = fresh_address()
        start = len(self.gorgon.log())
        status, _, _ = self.get("/private/x", "mallory", "alice-secret", source=source)
        self.assertEqual(status, 401)
        self.gorgon.wait_log(rf"authentication failed from {re.escape(source)} for user "
                             r'"mallory" \(no such user\) on route /private', start=start)
        self.assertNotIn("alice-secret", self.gorgon.log())

    def test_malformed_credentials_are_400(self):
        for value in ("Basic !!!notbase64", "Basic " + base64.b64encode(b"nocolon").decode(),
                      "Basic"):
            with self.subTest(value=value):
                status, _, _ = self.get("/private/x", extra=["-H", f"Authorization: {value}"])
                self.assertEqual(status, 400)

    def test_unguarded_route_needs_nothing(self):
        status, _, body = self.get("/hello")
        self.assertEqual((status, body), (200, b"hello"))

    def test_the_access_log_shows_the_user(self):
        self.get("/private/logged-in", "bob", "bob-secret")
        line = wait_for_lines(os.path.join(self.gorgon.dir, "access.log"), "/private/logged-in",
                              1)[0]
        self.assertRegex(line, r'^127\.0\.0\.1 - bob \[[^]]+\] "GET /private/logged-in HTTP/1\.1" '
                               r"200 ")

    def test_plaintext_is_refused_unless_allowed(self):
        status, _, _ = self.get("/strict/x", "alice", "alice-secret")
        self.assertEqual(status, 403)

    def test_tls_is_served(self):
        rc, out, err = curl("-i", "--cacert", self.pki.ca_cert, "--resolve",
                            f"a.test:{self.tls_port}:127.0.0.1", "-u", "alice:alice-secret",
                            f"https://a.test:{self.tls_port}/strict/x", timeout=60)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith(b"HTTP/1.1 200"), out[:200])
        self.assertTrue(out.endswith(b"\r\n\r\nhello"), out[-200:])
        rc, out, err = curl("-i", "--cacert", self.pki.ca_cert, "--resolve",
                            f"a.test:{self.tls_port}:127.0.0.1", "-u", "alice:wrong",
                            f"https://a.test:{self.tls_port}/strict/x", "--interface",
                            fresh_address(), timeout=60)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith(b"HTTP/1.1 401"), out[:200])

    def test_wrong_password_is_answered_late(self):
        t0 = time.monotonic()
        status, _, _ = self.get("/private/x", "alice", "wrong", source=fresh_address())
        self.assertEqual(status, 401)
        self.assertGreaterEqual(time.monotonic() - t0, FAILURE_DELAY_MS / 1000)

    def test_failures_lock_the_address_out(self):
        source = fresh_address()
        start = len(self.gorgon.log())
        for _ in range(MAX_FAILURES):
            status, _, _ = self.get("/private/x", "alice", "guess", source=source)
            self.assertEqual(status, 401)
        self.gorgon.wait_log("the address is locked out", start=start)
        # Now even the right password is not checked from there...
        status, head, _ = self.get("/private/x", "alice", "alice-secret", source=source)
        self.assertEqual(status, 429)
        m = re.search(r"(?im)^Retry-After: (\d+)\r?$", head)
        self.assertIsNotNone(m, head)
        self.assertTrue(1 <= int(m.group(1)) <= 60, head)
        # ...while another address is served.
        status, _, _ = self.get("/private/x", "alice", "alice-secret", source=fresh_address())
        self.assertEqual(status, 200)

    def test_password_file_change_is_picked_up(self):
        dave = mkpasswd(["-m", "yescrypt"], "dave-secret")
        source = fresh_address()  # dave's refusals before the change count as failures
        status, _, _ = self.get("/private/x", "dave", "dave-secret", source=source)
        self.assertEqual(status, 401)
        start = len(self.gorgon.log())
        write_atomically(self.passwd, self.passwd_text(f"dave:{dave}\n"), mode=0o644)
        self.wait_reread(r"password file .* read: 5 users", start)
        self.assertRegex(self.gorgon.log()[start:], r"\[warn\].*the password file .* is "
                                                    r"world-readable")
        status, _, body = self.get("/private/x", "dave", "dave-secret")
        self.assertEqual((status, body), (200, b"hello"))
        # A broken file keeps the users read before, and says why.
        start = len(self.gorgon.log())
        write_atomically(self.passwd, self.passwd_text("eve:$1$abc$def\n"))
        self.wait_reread(r"line 7: the hash of eve is not yescrypt.*keeping the users read "
                         r"before", start)
        status, _, _ = self.get("/private/x", "dave", "dave-secret")
        self.assertEqual(status, 200)
        # Removing a user takes effect (the cache is dropped with the old file).
        start = len(self.gorgon.log())
        write_atomically(self.passwd, self.passwd_text())
        self.wait_reread(r"password file .* read: 4 users", start)
        status, _, _ = self.get("/private/x", "dave", "dave-secret", source=source)
        self.assertEqual(status, 401)


class TestHashingOffTheLoop(AuthCase):
    def slow_request(self):
        c = HttpClient(self.address, timeout=120)
        self.addCleanup(c.close)
        c.get("/private/x", headers=[f"Authorization: {basic('slow', 'slow-secret')}"])
        return c

    def test_a_slow_hash_does_not_stall_other_requests(self):
        # How long one bcrypt-12 check takes here, now.
        t0 = time.monotonic()
        r = self.slow_request().response()
        one_hash = time.monotonic() - t0
        self.assertEqual(r.status, 200)
        # The success is cached; a new file drops the cache, so each request below costs a hash.
        start = len(self.gorgon.log())
        write_atomically(self.passwd, self.passwd_text())
        self.wait_reread(r"password file .* read: 4 users", start)
        # Enough concurrent checks to keep both pool threads busy for over a second.
        n = max(6, min(16, int(2 * 1.2 / max(one_hash, 0.05)) + 1))
        done = []
        lock = threading.Lock()

        def run(client):
            resp = client.response()
            with lock:
                done.append((time.monotonic(), resp.status))

        clients = [self.slow_request() for _ in range(n)]
        threads = [threading.Thread(target=run, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        t1 = time.monotonic()
        plain = HttpClient(self.address, timeout=60)
        self.addCleanup(plain.close)
        plain.get("/hello")
        r = plain.response()
        plain_done = time.monotonic()
        with lock:
            finished_before = len(done)
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(r.status, 200)
        self.assertEqual([s for _, s in done], [200] * n)
        last = max(when for when, _ in done)
        print(f"one bcrypt-12 check {one_hash * 1000:.0f} ms; {n} concurrent ones took "
              f"{(last - t1) * 1000:.0f} ms; the plain GET took {(plain_done - t1) * 1000:.0f} ms")
        self.assertEqual(finished_before, 0,
                         "a password check finished before the plain GET was answered")
        self.assertLess(plain_done - t1, (last - t1) / 2)
        # And the host's loop-lag watchdog never saw a call into http or http-auth hold the
        # loop for anything like a hash (a check on the loop would hold it for one_hash).
        held = [float(ms) for ms in re.findall(
            r"watchdog: plugin http(?:-auth)? held the loop for ([\d.]+) ms", self.gorgon.log())]
        self.assertLess(max(held, default=0), one_hash * 1000 * 0.8, held)


class TestReloadUnderLoad(AuthCase):
    PLUGINS_EXTRA = "  drain_timeout: 20s\n"
    GUARDED_ONLY = True

    def test_reload_http_auth_under_wrk(self):
        url = self.url + "/private/x"
        auth = ["-H", "Authorization: " + basic("alice", "alice-secret")]
        # Requests are flowing (and authenticated) before the reload.
        flowing = lambda: wait_for_lines(os.path.join(self.gorgon.dir, "access.log"),
                                         " - alice [", 50, timeout=20)
        reload_under_wrk(self, self.gorgon, self.plugin_dir, "http-auth", url, (2, 3),
                         wrk_args=auth, before=flowing, reload_timeout=20, unload_timeout=30)


class TestConfigErrors(unittest.TestCase):
    """Bad route settings and bad password files refuse the configuration, located."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-http-auth-config-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        make_plugin_dir(cls.plugin_dir)
        cls.good = mkpasswd(["-m", "yescrypt"], "pw")

    def passwd(self, text, mode=0o600):
        path = os.path.join(self.tmp.name, "passwd-%d" % next(_addresses))
        write_atomically(path, text, mode)
        return path

    def check(self, route_config, plugin_config="{}"):
        text = textwrap.dedent(f"""\
            plugins:
              directory: {self.plugin_dir}
              load:
                http-auth: {plugin_config}
                fixture-http-hello: {{}}
            servers:
              - name: web
                protocol: http
                listen: ["127.0.0.1:0"]
                config:
                  routes:
                    - extension: auth
                      config:
            """) + textwrap.indent(textwrap.dedent(route_config), " " * 12)
        return check_config(text)

    def test_a_valid_route(self):
        code, out = self.check(f"file: {self.passwd('alice:' + self.good)}\nprefix: /p/\n"
                               "realm: x\nallow_plaintext: true\n",
                               "{max_failures: 3, lockout: 5m, cache_ttl: 10s}")
        self.assertEqual(code, 0, out)

    def test_errors_are_located_and_name_the_problem(self):
        good = self.passwd("alice:" + self.good)
        cases = [
            (f"file: {good}\nrealm_typo: x\n", 'unknown key "realm_typo"'),
            ("prefix: /p\n", "file"),
            (f"file: {good}\nprefix: nope\n", "prefix"),
            (f"file: {good}\nrealm: \"\"\n", "realm"),
            (f"file: {good}\nallow_plaintext: maybe\n", "allow_plaintext"),
            (f"file: {self.tmp.name}/missing\n", "missing"),
            (f"file: {self.passwd('eve:$1$abc$defdefdefdefdefdefdefd')}\n",
             "line 1: the hash of eve is not yescrypt"),
            (f"file: {self.passwd('carl:' + self.good + chr(10) + 'carl:' + self.good)}\n",
             "line 2: user carl is listed twice"),
        ]
        for body, needle in cases:
            with self.subTest(body=body):
                code, out = self.check(body)
                self.assertNotEqual(code, 0, out)
                self.assertIn(needle, out)
                self.assertRegex(out, r"gorgon\.yaml:\d+:\d+")
        code, out = self.check(f"file: {good}\n", "{lockout_typo: 1s}")
        self.assertNotEqual(code, 0, out)
        self.assertIn("lockout_typo", out)


if __name__ == "__main__":
    unittest.main()
