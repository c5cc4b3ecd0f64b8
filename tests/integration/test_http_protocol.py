"""The http plugin (HTTP/1.1 and 1.0, RFC 9110/9112) against the real binary, on loopback.

The http plugin lives in GORGON_PLUGIN_DIR and the test extensions in GORGON_FIXTURE_DIR, but
the host reads one plugin directory: every server here runs on a private directory holding
copies of http.so, fixture-http-hello.so and fixture-http-body.so (see those fixtures' headers
for what they answer). Requests are made with curl where a real client says it best, and with
raw sockets for everything a polite client would never send. Every read has a deadline.

HttpClient, Response, HttpServerCase and http_config() are shared with the other
test_http_*.py files.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from gorgon_harness import FIXTURE_DIR, PLUGIN_DIR, Gorgon, check_config, check_clean_exit

FIXTURES = ("fixture-http-hello", "fixture-http-body")
DEFAULT_ROUTES = [
    {"extension": "hello", "config": {"prefix": "/hello", "text": "hello"}},
    {"extension": "body", "config": {"prefix": "/body"}},
]
IMF_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                      r"Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$")


def make_plugin_dir(path, fixtures=FIXTURES):
    """Copies http.so and the fixtures into `path` (one directory, as the host wants)."""
    os.makedirs(path, exist_ok=True)
    shutil.copy(os.path.join(PLUGIN_DIR, "http.so"), path)
    for name in fixtures:
        shutil.copy(os.path.join(FIXTURE_DIR, name + ".so"), path)


def http_config(server=None, routes=None, name="web", load=(), plugins_extra=()):
    """A full config body: a plugins section (directory @PLUGIN_DIR@, plugins to load) and one
    http server on 127.0.0.1:0 whose `config:` is `server` plus `routes`. JSON is valid YAML, so
    the server's settings are written as JSON."""
    cfg = dict(server or {})
    cfg["routes"] = DEFAULT_ROUTES if routes is None else routes
    lines = ["plugins:", "  directory: @PLUGIN_DIR@", "  runtime_directory: @DIR@/run"]
    lines += ["  " + line for line in plugins_extra]
    if load:
        lines.append("  load:")
        lines += [f"    {p}: {{}}" for p in load]
    lines += ["servers:", f"  - name: {name}", "    protocol: http",
              '    listen: ["127.0.0.1:0"]', "    config: " + json.dumps(cfg)]
    return "\n".join(lines) + "\n"


class Response:
    def __init__(self, version, status, reason, headers, body, head):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] in order
        self.body = body
        self.head = head  # the raw head, for messages

    def header(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None

    def all(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def __repr__(self):
        return f"<Response {self.status} {self.head!r} body={self.body[:200]!r}>"


class HttpClient:
    """A raw HTTP/1.x client over one socket: sends bytes as given and reads responses with
    deadlines, framing them by the rules of RFC 9112 6.3."""

    def __init__(self, address, timeout=5.0):
        self.sock = socket.create_connection(address, timeout=timeout)
        self.timeout = timeout
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def get(self, path, headers=(), version="1.1", method="GET"):
        lines = [f"{method} {path} HTTP/{version}", "Host: test"] + list(headers)
        self.send("\r\n".join(lines) + "\r\n\r\n")

    def _fill(self, deadline, what):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {what}; buffered {self.buf[:300]!r}")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return True
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return False
        self.buf += chunk
        return True

    def _take(self, n, deadline, what):
        while len(self.buf) < n:
            if not self._fill(deadline, what):
                raise AssertionError(f"connection closed inside {what}; got {self.buf!r}")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _line(self, deadline, what):
        while b"\r\n" not in self.buf:
            if not self._fill(deadline, what):
                raise AssertionError(f"connection closed inside {what}; got {self.buf!r}")
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def response(self, head_request=False, timeout=None, interim=False):
        """Reads one response. 1xx responses are returned only with interim=True."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\r\n\r\n" not in self.buf:
            if not self._fill(deadline, "a response head"):
                raise AssertionError(f"connection closed before a response head; "
                                     f"got {self.buf!r}")
        raw, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        m = re.match(r"^HTTP/(\d\.\d) (\d{3}) ?(.*)$", lines[0])
        if not m:
            raise AssertionError(f"bad status line {lines[0]!r}")
        headers = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or name != name.strip():
                raise AssertionError(f"bad header line {line!r} in {raw!r}")
            headers.append((name, value.strip()))
        status = int(m.group(2))
        resp = Response(m.group(1), status, m.group(3), headers, b"", raw)
        if 100 <= status < 200:
            return resp if interim else self.response(head_request, timeout)
        if head_request or status in (204, 304):
            return resp
        te = resp.header("Transfer-Encoding")
        cl = resp.header("Content-Length")
        if te is not None:
            if te.lower() != "chunked":
                raise AssertionError(f"unexpected Transfer-Encoding {te!r}")
            body = b""
            while True:
                size = int(self._line(deadline, "a chunk size").split(b";")[0], 16)
                if size == 0:
                    while self._line(deadline, "the trailer") != b"":
                        pass
                    break
                body += self._take(size, deadline, "a chunk")
                if self._take(2, deadline, "a chunk end") != b"\r\n":
                    raise AssertionError("chunk not followed by CRLF")
            resp.body = body
        elif cl is not None:
            resp.body = self._take(int(cl), deadline, "the body")
        else:
            resp.body = self.read_eof(timeout=(deadline - time.monotonic()))
        return resp

    def read_eof(self, timeout=5.0):
        """Reads until the server closes; returns what came. Fails if it stays open."""
        deadline = time.monotonic() + timeout
        while True:
            if not self._fill(deadline, "the connection to close"):
                out, self.buf = self.buf, b""
                return out

    def is_closed(self, timeout=3.0):
        """True if the server closes the connection within `timeout` (sending nothing)."""
        try:
            rest = self.read_eof(timeout)
        except AssertionError:
            return False
        if rest:
            raise AssertionError(f"unexpected bytes before close: {rest!r}")
        return True

    def still_open(self, wait=0.3):
        """True if nothing (no bytes, no close) arrives within `wait` seconds."""
        self.sock.settimeout(wait)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return True
        self.buf += chunk
        return False


def request_once(address, raw, head_request=False, timeout=5.0):
    """Sends `raw` on a fresh connection and reads one response."""
    c = HttpClient(address, timeout)
    try:
        c.send(raw)
        return c.response(head_request)
    finally:
        c.close()


def curl(*args, timeout=20):
    p = subprocess.run(["curl", "-sS", "--max-time", "10", *args], capture_output=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


class HttpServerCase(unittest.TestCase):
    """One gorgon per test class (the tests in a class do not disturb each other), started on a
    private plugin directory; subclasses set SERVER (the http server's settings), ROUTES, LOAD."""
    SERVER = {}
    ROUTES = None
    LOAD = ()
    PLUGINS_EXTRA = ()
    ALLOWED_ERRORS = ()  # [error] log lines the tests provoke on purpose (regexes)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-http-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        make_plugin_dir(cls.plugin_dir)
        cls.gorgon = Gorgon(http_config(cls.SERVER, cls.ROUTES, load=cls.LOAD,
                                        plugins_extra=cls.PLUGINS_EXTRA),
                            plugin_dir=cls.plugin_dir)
        cls.addClassCleanup(cls.gorgon.__exit__, None, None, None)
        cls.gorgon.start(expect_servers=("web",))
        cls.addClassCleanup(check_clean_exit, cls.gorgon, cls.ALLOWED_ERRORS)
        cls.address = cls.gorgon.address("web")
        cls.url = f"http://{cls.address[0]}:{cls.address[1]}"

    def client(self, timeout=5.0):
        c = HttpClient(self.address, timeout)
        self.addCleanup(c.close)
        return c

    def raw(self, data, head_request=False):
        return request_once(self.address, data, head_request)

    def assert_refused(self, data, status):
        """`data` is answered `status` with Connection: close, and the connection closes."""
        c = self.client()
        c.send(data)
        r = c.response()
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.header("Connection"), "close", r)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8", r)
        self.assertIn(str(status).encode(), r.body)
        self.assertTrue(c.is_closed(timeout=4), "the connection stayed open")
        return r

    def assert_serving(self):
        """The server still answers a plain request."""
        r = self.raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual((r.status, r.body), (200, b"hello"))

    def log_since(self, start):
        return self.gorgon.log()[start:]


class TestBasics(HttpServerCase):
    SERVER = {"access_log": {"file": "@DIR@/access.log"}}

    def test_curl_http11_and_http10(self):
        rc, out, err = curl("-i", self.url + "/hello")
        self.assertEqual(rc, 0, err)
        head, _, body = out.partition(b"\r\n\r\n")
        head += b"\r\n"
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"), head)
        self.assertEqual(body, b"hello")
        self.assertIn(b"\r\nContent-Length: 5\r\n", head)
        self.assertIn(b"\r\nServer: Gorgon\r\n", head)
        self.assertNotIn(b"Connection:", head)  # persistent is the default in 1.1
        rc, out, err = curl("-i", "--http1.0", self.url + "/hello")
        self.assertEqual(rc, 0, err)
        head, _, body = out.partition(b"\r\n\r\n")
        head += b"\r\n"
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"), head)  # our version, always
        self.assertIn(b"\r\nConnection: close\r\n", head)
        self.assertEqual(body, b"hello")

    def test_date_header_is_imf_fixdate(self):
        r = self.raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertRegex(r.header("Date"), IMF_DATE)
        stamp = time.mktime(time.strptime(r.header("Date"), "%a, %d %b %Y %H:%M:%S GMT"))
        self.assertLess(abs(stamp - time.mktime(time.gmtime())), 5)

    def test_curl_reuses_the_connection(self):
        rc, out, err = curl("-v", self.url + "/hello", self.url + "/hello?x=2", self.url + "/hello")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, b"hellohellohello")
        self.assertEqual(err.count("Re-using existing connection"), 2, err)

    def test_keep_alive_on_one_socket(self):
        c = self.client()
        for i in range(5):
            c.get(f"/hello?n={i}")
            r = c.response()
            self.assertEqual((r.status, r.body), (200, b"hello"))
        self.assertTrue(c.still_open())

    def test_http10_keep_alive_is_echoed(self):
        c = self.client()
        c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Connection"), "keep-alive")
        c.send("GET /hello HTTP/1.0\r\n\r\n")  # no keep-alive: this one closes
        r = c.response()
        self.assertEqual((r.status, r.header("Connection")), (200, "close"))
        self.assertTrue(c.is_closed())

    def test_connection_close_closes(self):
        c = self.client()
        c.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        r = c.response()
        self.assertEqual((r.status, r.header("Connection")), (200, "close"))
        self.assertTrue(c.is_closed())

    def test_head_has_headers_and_no_body(self):
        rc, out, err = curl("-I", self.url + "/hello")
        self.assertEqual(rc, 0, err)
        self.assertIn(b"Content-Length: 5\r\n", out)
        self.assertTrue(out.endswith(b"\r\n\r\n"), out)
        # On a kept-alive connection a HEAD answer must leave nothing behind.
        c = self.client()
        c.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.response(head_request=True)
        self.assertEqual((r.status, r.header("Content-Length"), r.body), (200, "5", b""))
        r = c.response()
        self.assertEqual((r.status, r.body), (200, b"hello"))
        # HEAD of a body of unknown length: the framing GET would have, and still no body.
        c.send("HEAD /hello?chunked=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x"
               "\r\n\r\n")
        r = c.response(head_request=True)
        self.assertEqual(r.header("Transfer-Encoding"), "chunked")
        self.assertEqual(c.response().body, b"hello")

    def test_unknown_length_is_chunked_for_11_and_close_delimited_for_10(self):
        c = self.client()
        c.get("/hello?chunked=1")
        r = c.response()
        self.assertEqual((r.header("Transfer-Encoding"), r.header("Content-Length")),
                         ("chunked", None))
        self.assertEqual(r.body, b"hello")
        self.assertTrue(c.still_open())
        c = self.client()
        c.send("GET /hello?chunked=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.response()  # no length: read to the close
        self.assertEqual((r.status, r.header("Connection"), r.body), (200, "close", b"hello"))

    def test_204_and_304_have_no_body_and_no_length(self):
        c = self.client()
        for status in (204, 304):
            c.get(f"/hello?status={status}")
            r = c.response()
            self.assertEqual(r.status, status)
            self.assertIsNone(r.header("Content-Length"), r)
            self.assertIsNone(r.header("Transfer-Encoding"), r)
        c.get("/hello")  # nothing was left on the wire between them
        self.assertEqual(c.response().body, b"hello")

    def test_reason_phrases(self):
        for status, reason in ((201, "Created"), (404, "Not Found"), (418, ""),
                               (503, "Service Unavailable")):
            r = self.raw(f"GET /hello?status={status} HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual((r.status, r.reason), (status, reason))

    def test_404_when_no_route_matches(self):
        r = self.raw("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        self.assertEqual(int(r.header("Content-Length")), len(r.body))
        self.assertIn(b"404 Not Found", r.body)

    def test_respond_error_with_extra_fields(self):
        r = self.raw("GET /hello?error=403 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual((r.status, r.header("X-Extra")), (403, "yes"))
        self.assertIn(b"403 Forbidden", r.body)

    def test_pipelined_requests_are_answered_in_order(self):
        c = self.client()
        c.send("GET /hello?info=1&n=1 HTTP/1.1\r\nHost: a\r\n\r\n"
               "GET /hello?info=1&n=2 HTTP/1.1\r\nHost: b\r\n\r\n"
               "GET /hello?info=1&n=3 HTTP/1.1\r\nHost: c\r\n\r\n")
        for n, host in ((1, "a"), (2, "b"), (3, "c")):
            r = c.response()
            self.assertEqual(r.status, 200)
            self.assertIn(f"query=info=1&n={n}\nhost={host}\n".encode(), r.body)

    def test_pipelining_with_a_slow_first_answer_keeps_the_order(self):
        c = self.client()
        c.send("GET /hello?delay_ms=300&info=1 HTTP/1.1\r\nHost: a\r\n\r\n"
               "POST /body HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nxyz"
               "GET /hello?info=1 HTTP/1.1\r\nHost: c\r\n\r\n")
        r1, r2, r3 = c.response(), c.response(), c.response()
        self.assertIn(b"host=a\n", r1.body)
        self.assertEqual(r2.body, b"xyz")
        self.assertIn(b"host=c\n", r3.body)

    def test_async_response(self):
        t0 = time.monotonic()
        r = self.raw("GET /hello?delay_ms=300 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual((r.status, r.body), (200, b"hello"))
        self.assertGreater(time.monotonic() - t0, 0.25)

    def test_client_leaving_during_async_request_aborts_it(self):
        start = len(self.gorgon.log())
        c = HttpClient(self.address)
        c.get("/hello?delay_ms=1500")
        time.sleep(0.2)
        c.close()
        self.gorgon.wait_log(r"fixture-http-hello: abort prefix=/hello", start=start)
        time.sleep(1.6)  # past the time the extension would have answered: nothing may happen
        self.assertIsNone(self.gorgon.proc.poll())
        self.assert_serving()

    def test_absolute_form_takes_the_host_from_the_target(self):
        r = self.raw("GET http://Example.COM:8080/hello/a/../b?info=1 HTTP/1.1\r\n"
                     "Host: other\r\n\r\n")
        self.assertEqual(r.status, 200)
        self.assertIn(b"path=/hello/b\n", r.body)
        self.assertIn(b"host=Example.COM:8080\n", r.body)
        r = self.raw("GET http://example.com HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.status, 404)  # path "/" matches no route

    def test_path_is_decoded_and_normalised(self):
        cases = {
            "/hello/a%20b": "/hello/a b",
            "/hello//a///b/": "/hello/a/b/",
            "/hello/./a/../b": "/hello/b",
            "/x/../hello/%41": "/hello/A",
            "/hello/a/.": "/hello/a/",
            "/hello/%2e%2E/hello/z": "/hello/z",
        }
        for target, path in cases.items():
            r = self.raw(f"GET {target}?info=1 HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(r.status, 200, target)
            self.assertIn(f"path={path}\n".encode(), r.body, target)

    def test_leading_empty_lines_and_bare_lf_are_accepted(self):
        r = self.raw("\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual((r.status, r.body), (200, b"hello"))
        r = self.raw("GET /hello HTTP/1.1\nHost: x\nX-A: b\n\n")
        self.assertEqual((r.status, r.body), (200, b"hello"))

    def test_http10_without_host_and_http12_as_11(self):
        r = self.raw("GET /hello?info=1 HTTP/1.0\r\n\r\n")
        self.assertEqual(r.status, 200)
        self.assertIn(b"version=10\n", r.body)
        r = self.raw("GET /hello?info=1 HTTP/1.2\r\nHost: x\r\n\r\n")
        self.assertEqual(r.status, 200)
        self.assertIn(b"version=11\n", r.body)

    def test_options_asterisk(self):
        r = self.raw("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual((r.status, r.header("Content-Length")), (200, "0"))

    def test_access_log_combined(self):
        marker = f"combined-{time.monotonic_ns()}"
        c = self.client()
        c.send(f"GET /hello?m={marker} HTTP/1.1\r\nHost: x\r\nReferer: http://r.example/\"q\r\n"
               "User-Agent: tester/1.0\r\n\r\n")
        c.response()
        c.send(f"GET /nothing?m={marker} HTTP/1.1\r\nHost: x\r\n\r\n")
        c.response()
        log = os.path.join(self.gorgon.dir, "access.log")
        lines = wait_for_lines(log, marker, 2)
        line_re = re.compile(r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] '
                             r'"(.*)" (\d{3}) (\S+) "(.*)" "(.*)"$')
        m = line_re.match(lines[0])
        self.assertTrue(m, lines[0])
        self.assertEqual(m.groups(), (f"GET /hello?m={marker} HTTP/1.1", "200", "5",
                                      "http://r.example/\\x22q", "tester/1.0"))
        m = line_re.match(lines[1])
        self.assertTrue(m, lines[1])
        self.assertEqual(m.group(2), "404")
        self.assertEqual(m.group(4, 5), ("-", "-"))

    def test_access_log_follows_rotation(self):
        log = os.path.join(self.gorgon.dir, "access.log")
        before = f"rot-before-{time.monotonic_ns()}"
        self.raw(f"GET /hello?m={before} HTTP/1.1\r\nHost: x\r\n\r\n")
        wait_for_lines(log, before, 1)
        os.rename(log, log + ".1")  # what logrotate does, without telling anyone
        # The plugin looks at the path when it flushes, at most once a second; the flush that
        # writes this line comes more than a second after the one that wrote `before`, so it
        # finds the rename, opens the path anew and writes the line there.
        after = f"rot-after-{time.monotonic_ns()}"
        self.raw(f"GET /hello?m={after} HTTP/1.1\r\nHost: x\r\n\r\n")
        wait_for_lines(log, after, 1)
        with open(log + ".1") as f:
            rotated = f.read()
        self.assertIn(before, rotated)
        self.assertNotIn(after, rotated)

    def test_access_log_escapes_what_clients_send(self):
        marker = f"esc-{time.monotonic_ns()}"
        r = self.raw(f"GET /hello?m={marker} HTTP/1.1\r\nHost: x\r\n"
                     "User-Agent: a\"b\xffc\\\r\n\r\n")
        self.assertEqual(r.status, 200)
        line = wait_for_lines(os.path.join(self.gorgon.dir, "access.log"), marker, 1)[0]
        self.assertTrue(line.endswith('"a\\x22b\\xFFc\\x5C"'), line)


def wait_for_lines(path, marker, count, timeout=5.0):
    """Lines of `path` that contain `marker`, once there are `count` (the log is flushed at
    least once a second)."""
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                lines = [line.rstrip("\n") for line in f if marker in line]
        except FileNotFoundError:
            lines = []
        if len(lines) >= count:
            return lines
        time.sleep(0.1)
    raise AssertionError(f"{count} lines with {marker} not in {path} after {timeout}s: {lines}")


class TestJsonAccessLog(HttpServerCase):
    SERVER = {"access_log": {"file": "@DIR@/access.json", "format": "json"}}

    def test_one_json_object_per_line(self):
        marker = f"json-{time.monotonic_ns()}"
        self.raw(f"GET /hello?m={marker} HTTP/1.1\r\nHost: h.example\r\n"
                 "User-Agent: \"quoted\" \xc3\xa9t\xe9\r\n\r\n")
        self.raw(f"POST /body?m={marker} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd")
        lines = wait_for_lines(os.path.join(self.gorgon.dir, "access.json"), marker, 2)
        first = json.loads(lines[0])
        self.assertEqual(first["method"], "GET")
        self.assertEqual(first["uri"], f"/hello?m={marker}")
        self.assertEqual(first["protocol"], "HTTP/1.1")
        self.assertEqual(first["status"], 200)
        self.assertEqual(first["bytes"], 5)
        self.assertEqual(first["host"], "h.example")
        self.assertEqual(first["remote_addr"], "127.0.0.1")
        # Valid UTF-8 kept, the invalid byte escaped, the quotes escaped: still one JSON line.
        self.assertEqual(first["user_agent"], '"quoted" \u00e9t\u00e9')
        self.assertRegex(first["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        second = json.loads(lines[1])
        self.assertEqual((second["method"], second["status"], second["bytes"]), ("POST", 200, 4))


class TestMalformed(HttpServerCase):
    """Requests that must be refused, each with the status RFC 9110/9112 ask for, the
    connection closed after, and the server still serving."""

    def tearDown(self):
        self.assert_serving()

    def test_request_line_shapes(self):
        for line in ("GET  /hello HTTP/1.1", "GET /hello  HTTP/1.1", "GET /hello HTTP/1.1 ",
                     "GET /hello", "GET /hello http/1.1", "GET /hello HTTP/1.10",
                     "GET /hello HTTP/11", "G(T /hello HTTP/1.1", " GET /hello HTTP/1.1",
                     "GET /he\x01llo HTTP/1.1", "GET hello HTTP/1.1", "GET /a#frag HTTP/1.1",
                     "GET\t/hello HTTP/1.1", "GET /hel\rlo HTTP/1.1"):
            with self.subTest(line=line):
                self.assert_refused(f"{line}\r\nHost: x\r\n\r\n", 400)

    def test_http_versions(self):
        self.assert_refused("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", 505)
        self.assert_refused("GET /hello HTTP/0.9\r\nHost: x\r\n\r\n", 505)
        self.assert_refused("GET /hello HTTP/3.0\r\nHost: x\r\n\r\n", 505)

    def test_host_rules(self):
        self.assert_refused("GET /hello HTTP/1.1\r\n\r\n", 400)  # missing in 1.1
        self.assert_refused("GET /hello HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400)
        for host in ("a b", "a/b", "user@a", "[::1", "a:80x", "a:123456"):
            with self.subTest(host=host):
                self.assert_refused(f"GET /hello HTTP/1.1\r\nHost: {host}\r\n\r\n", 400)
        self.assert_refused("GET http://u@a/hello HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        self.assert_refused("GET ftp://a/hello HTTP/1.1\r\nHost: a\r\n\r\n", 400)

    def test_field_syntax(self):
        for field in ("Bad Name: x", "X-A : b", "X-A\t: b", ": novalue", "X-\x80: y",
                      "X-A: a\x00b", "X-A: a\rb", "X-A: a\x01b", "X-A: a\x7fb", "NoColon"):
            with self.subTest(field=field):
                self.assert_refused(f"GET /hello HTTP/1.1\r\nHost: x\r\n{field}\r\n\r\n", 400)

    def test_obs_fold_and_whitespace_after_the_request_line(self):
        self.assert_refused("GET /hello HTTP/1.1\r\nHost: x\r\nX-A: b\r\n  c\r\n\r\n", 400)
        self.assert_refused("GET /hello HTTP/1.1\r\n Host: x\r\n\r\n", 400)
        self.assert_refused("GET /hello HTTP/1.1\r\nHost: x\r\nX-A: b\r\n\tc\r\n\r\n", 400)

    def test_nul_in_path(self):
        self.assert_refused("GET /hello/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        self.assert_refused("GET /hello/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400)

    def test_bad_escapes(self):
        for path in ("/hello/%", "/hello/%4", "/hello/%zz", "/hello/%4g"):
            with self.subTest(path=path):
                self.assert_refused(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n", 400)

    def test_traversal(self):
        for path in ("/../hello", "/%2e%2e/hello", "/%2E%2E/etc/passwd", "/hello/../../x",
                     "/hello/%2e%2e/%2e%2e/x", "/..", "/hello%2f..%2f..%2fx", "/./../x"):
            with self.subTest(path=path):
                self.assert_refused(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n", 400)

    def test_asterisk_and_connect(self):
        self.assert_refused("GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        self.assert_refused("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
                            501)
        self.assert_refused("GET example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400)

    def test_expectation_other_than_100_continue(self):
        self.assert_refused("GET /hello HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417)


class TestSmuggling(HttpServerCase):
    """Framing that two parsers could read two ways is refused and the connection closed: what
    follows on it must never be taken as a request."""

    SMUGGLED = "GET /hello?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n"

    def refused_and_nothing_more(self, head, body, status):
        c = self.client()
        c.send(head + body + self.SMUGGLED)
        r = c.response()
        self.assertEqual((r.status, r.header("Connection")), (status, "close"), r)
        rest = c.read_eof(timeout=4)
        self.assertNotIn(b"HTTP/1.1", rest, "a smuggled request was answered")

    def test_content_length_and_transfer_encoding(self):
        self.refused_and_nothing_more("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                      "Transfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n", 400)
        self.refused_and_nothing_more("POST /body HTTP/1.1\r\nHost: x\r\n"
                                      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
                                      "0\r\n\r\n", 400)

    def test_duplicate_and_invalid_content_length(self):
        for values in (("5", "5"), ("5", "6")):
            fields = "".join(f"Content-Length: {v}\r\n" for v in values)
            self.refused_and_nothing_more(f"POST /body HTTP/1.1\r\nHost: x\r\n{fields}\r\n",
                                          "hello", 400)
        for value in ("5, 5", "-1", "+5", "0x5", "5 5", "abc", "", "1" * 19):
            with self.subTest(value=value):
                self.refused_and_nothing_more(
                    f"POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: {value}\r\n\r\n",
                    "hello", 400)

    def test_transfer_codings_other_than_chunked(self):
        # RFC 9112 6.3: chunked not the final coding (or absent): the length cannot be known,
        # 400 and close. Chunked applied twice is malformed (6.1): 400 too.
        for te in ("gzip", "chunked, gzip", "identity", "chunked, chunked", "xchunked"):
            with self.subTest(te=te):
                self.refused_and_nothing_more(
                    f"POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: {te}\r\n\r\n",
                    "0\r\n\r\n", 400)
        self.refused_and_nothing_more("POST /body HTTP/1.1\r\nHost: x\r\n"
                                      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
                                      "\r\n\r\n", "0\r\n\r\n", 400)
        # Chunked last, so the body is framed, under a coding this server does not implement.
        self.refused_and_nothing_more("POST /body HTTP/1.1\r\nHost: x\r\n"
                                      "Transfer-Encoding: gzip, chunked\r\n\r\n",
                                      "0\r\n\r\n", 501)

    def test_transfer_encoding_in_http10(self):
        self.refused_and_nothing_more("POST /body HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                                      "0\r\n\r\n", 400)

    def test_malformed_chunked_body(self):
        for body in ("zz\r\nabc\r\n0\r\n\r\n", "3\r\nabcX\r\n0\r\n\r\n", "3 x\r\nabc\r\n",
                     "-3\r\nabc\r\n", "3\rabc", "\r\n", "1" * 17 + "\r\n",
                     "3;ext=\x00\r\nabc\r\n"):
            with self.subTest(body=body):
                self.refused_and_nothing_more("POST /body HTTP/1.1\r\nHost: x\r\n"
                                              "Transfer-Encoding: chunked\r\n\r\n", body, 400)


class TestLimits(HttpServerCase):
    SERVER = {"limits": {"request_line": "1k", "header_size": "2k", "header_count": 20,
                         "body_size": "10k"}}

    def tearDown(self):
        self.assert_serving()

    def test_request_line_too_long(self):
        self.assert_refused("GET /hello/" + "a" * 1100 + " HTTP/1.1\r\nHost: x\r\n\r\n", 414)
        # Refused before its end arrives: a client cannot make the server wait for the rest.
        c = self.client()
        c.send("GET /" + "a" * 1200)
        r = c.response()
        self.assertEqual(r.status, 414)
        # Exactly at the limit is fine.
        line = "GET /hello?" + "a" * (1024 - len("GET /hello? HTTP/1.1")) + " HTTP/1.1"
        self.assertEqual(len(line), 1024)
        self.assertEqual(self.raw(line + "\r\nHost: x\r\n\r\n").status, 200)

    def test_header_block_too_large(self):
        self.assert_refused("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "b" * 2100 + "\r\n\r\n",
                            431)
        c = self.client()
        c.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "b" * 2200)  # never ends
        self.assertEqual(c.response().status, 431)

    def test_too_many_fields(self):
        fields = "".join(f"X-{i}: v\r\n" for i in range(20))
        self.assert_refused(f"GET /hello HTTP/1.1\r\nHost: x\r\n{fields}\r\n", 431)
        fields = "".join(f"X-{i}: v\r\n" for i in range(19))
        self.assertEqual(self.raw(f"GET /hello HTTP/1.1\r\nHost: x\r\n{fields}\r\n").status, 200)

    def test_body_too_large(self):
        r = self.assert_refused("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10241\r\n\r\n",
                                413)
        self.assertIn(b"413 Content Too Large", r.body)
        r = self.raw("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10240\r\n\r\n" +
                     "z" * 10240)
        self.assertEqual((r.status, len(r.body)), (200, 10240))

    def test_chunked_body_too_large(self):
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(3):
            c.send("1000\r\n" + "c" * 4096 + "\r\n")
        r = c.response()
        self.assertEqual((r.status, r.header("Connection")), (413, "close"))

    def test_input_is_not_buffered_without_bound(self):
        # A client that sends a mountain behind a slow request: reading pauses, so the server
        # holds at most its limits (the kernel's socket buffers hold the rest, and then the
        # client cannot send more), and the first answer still arrives.
        c = self.client()
        c.send("GET /hello?delay_ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n"
               "POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
        chunk = b"m" * 65536
        c.sock.setblocking(False)
        sent = 0
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                sent += c.sock.send(chunk)
            except BlockingIOError:
                time.sleep(0.005)
        c.sock.setblocking(True)
        # Loopback moves gigabytes a second: had the server kept reading, this would be huge.
        self.assertLess(sent, 100 * 1024 * 1024, "the server read everything it was sent")
        r = c.response()
        self.assertEqual(r.status, 200)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class TestBackPressure(HttpServerCase):
    SERVER = {"max_keepalive_requests": 100000}
    ROUTES = [{"extension": "hello", "config": {"prefix": "/big", "text": "x" * 65536}}]

    def test_pipelined_requests_wait_for_unread_answers(self):
        # 1500 pipelined requests for 64 KiB each, and the client reads nothing for a while:
        # the server must not build the 96 MiB of answers in memory.
        pid = self.gorgon.proc.pid
        before = rss_kib(pid)
        c = self.client(timeout=20)
        c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n" * 1500)
        time.sleep(1.0)
        grown = rss_kib(pid) - before
        self.assertLess(grown, 40 * 1024, f"the server grew by {grown} KiB")
        # Reading resumes the requests: every answer arrives, in order, whole.
        for _ in range(1500):
            r = c.response()
            self.assertEqual((r.status, len(r.body)), (200, 65536))


class TestBodies(HttpServerCase):
    def test_content_length_body(self):
        r = self.raw("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
        self.assertEqual((r.status, r.body, r.header("X-Body-Length")), (200, b"hello world", "11"))

    def test_body_arriving_in_pieces(self):
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\n")
        for i in range(3):
            time.sleep(0.1)
            c.send(str(i) * 10)
        r = c.response()
        self.assertEqual(r.body, b"0" * 10 + b"1" * 10 + b"2" * 10)
        c.send("POST /body?wait=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n")
        time.sleep(0.1)
        c.send("abcd")
        self.assertEqual(c.response().body, b"abcd")

    def test_chunked_body(self):
        body = ("5;name=value\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n"
                "0\r\nX-Trailer: ignored\r\n\r\n")
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        r = c.response()
        self.assertEqual((r.status, r.body, r.header("X-Body-Length")),
                         (200, b"hello, world", "12"))
        c.get("/hello")  # the trailer was consumed exactly
        self.assertEqual(c.response().body, b"hello")

    def test_chunked_body_dribbled(self):
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in ("a\r", "\nabcde", "fghij\r\n", "0", "\r\n", "\r", "\n"):
            time.sleep(0.05)
            c.send(piece)
        self.assertEqual(c.response().body, b"abcdefghij")

    def test_curl_chunked_upload(self):
        data = b"".join(bytes([i % 251]) for i in range(200000))
        p = subprocess.run(["curl", "-sS", "--max-time", "10", "-H", "Transfer-Encoding: chunked",
                            "--data-binary", "@-", self.url + "/body"], input=data,
                           capture_output=True, timeout=20)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, data)

    def test_large_body_streams(self):
        data = os.urandom(900_000)
        c = self.client(timeout=10)
        c.send(f"POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: {len(data)}\r\n\r\n".encode()
               + data)
        r = c.response()
        self.assertEqual(r.body, data)

    def test_expect_100_continue(self):
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
               "\r\n")
        interim = c.response(interim=True)
        self.assertEqual((interim.status, interim.reason), (100, "Continue"))
        c.send("12345")
        r = c.response()
        self.assertEqual((r.status, r.body), (200, b"12345"))
        self.assertTrue(c.still_open())

    def test_expect_100_continue_not_sent_when_the_body_is_not_read(self):
        c = self.client()
        c.send("POST /body?noread=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\n")
        r = c.response(interim=True)
        self.assertEqual((r.status, r.body), (200, b"not read"))
        self.assertEqual(r.header("Connection"), "close")
        self.assertTrue(c.is_closed(timeout=4))

    def test_expect_100_continue_body_already_sent_is_skipped(self):
        c = self.client()
        c.send("POST /body?noread=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\nabcde")
        time.sleep(0.2)  # let the body arrive with the head
        r = c.response(interim=True)
        self.assertEqual(r.status, 200)
        c.get("/hello")
        self.assertEqual(c.response().body, b"hello")

    def test_curl_expect_100_continue(self):
        data = os.urandom(5000)
        p = subprocess.run(["curl", "-sS", "-v", "--max-time", "10", "-H",
                            "Expect: 100-continue", "--data-binary", "@-", self.url + "/body"],
                           input=data, capture_output=True, timeout=20)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, data)
        self.assertIn(b"HTTP/1.1 100 Continue", p.stderr)

    def test_unread_small_body_is_discarded(self):
        c = self.client()
        c.send("POST /body?noread=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        r = c.response()
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Connection"))
        c.send("x" * 1000 + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(c.response().body, b"hello")
        # The same with a chunked body.
        c.send("POST /body?noread=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        self.assertEqual(c.response().status, 200)
        c.send("3\r\nabc\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(c.response().body, b"hello")

    def test_unread_large_body_closes_the_connection(self):
        c = self.client()
        c.send("POST /body?noread=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n")
        r = c.response()
        self.assertEqual((r.status, r.header("Connection")), (200, "close"))
        c.send("y" * 100000)
        self.assertTrue(c.is_closed(timeout=5))

    def test_get_with_a_body(self):
        c = self.client()
        c.send("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd"
               "GET /hello?n=2 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(c.response().body, b"hello")
        self.assertEqual(c.response().body, b"hello")


class TestRouting(HttpServerCase):
    # Two extensions over one prefix: the first route that matches wins; a DECLINED passes on.
    ROUTES = [
        {"extension": "hello", "config": {"prefix": "/both", "text": "first"}},
        {"extension": "body", "config": {"prefix": "/both"}},
        {"extension": "hello", "config": {"prefix": "/hello", "text": "second hello"}},
        {"extension": "hello", "config": {"prefix": "/h", "text": "third"}},
    ]
    ALLOWED_ERRORS = (r"extension hello failed on", r"extension hello gave an invalid response")

    def test_first_match_wins(self):
        r = self.raw("POST /both HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        self.assertEqual((r.body, r.header("X-Route")), (b"first", "/both"))
        r = self.raw("GET /hello/x HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.body, b"second hello")
        r = self.raw("GET /hx HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.body, b"third")

    def test_declined_goes_to_the_next_route(self):
        r = self.raw("POST /both?decline=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        self.assertEqual((r.status, r.body), (200, b"abc"))  # the body echo took it
        r = self.raw("GET /hx?info=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.header("X-Route"), "/h")

    def test_404_when_none_matches(self):
        self.assertEqual(self.raw("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n").status, 404)
        # Every route declined: 404 too.
        r = self.raw("GET /hx?decline=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.status, 404)

    def test_extension_failures_are_500_and_the_server_keeps_serving(self):
        start = len(self.gorgon.log())
        for query, log in (("fail=1", r"extension hello failed on .*status -12"),
                           ("noreply=1", r"extension hello failed on .*without answering"),
                           ("badfield=1", r"extension hello gave an invalid response")):
            with self.subTest(query=query):
                c = self.client()
                c.get(f"/hello?{query}")
                r = c.response()
                self.assertEqual(r.status, 500, r)
                self.assertNotIn("Injected", r.head.decode())
                self.gorgon.wait_log(log, start=start)
                c.get("/hello")  # the connection itself is fine
                self.assertEqual(c.response().body, b"second hello")


class TestServerSettings(HttpServerCase):
    SERVER = {"server_header": "", "max_keepalive_requests": 3}

    def test_no_server_header_when_empty(self):
        r = self.raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIsNone(r.header("Server"), r)

    def test_max_keepalive_requests(self):
        c = self.client()
        for i in range(3):
            c.get("/hello")
            r = c.response()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("Connection"), "close" if i == 2 else None)
        self.assertTrue(c.is_closed())

    def test_pipelined_past_the_limit(self):
        c = self.client()
        c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" * 5)
        statuses = [c.response().status for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 200])
        self.assertEqual(c.read_eof(timeout=4), b"")


class TestMaxConnections(HttpServerCase):
    SERVER = {"max_connections": 2}

    def test_503_beyond_the_limit(self):
        held = []
        for _ in range(2):
            c = self.client()
            c.get("/hello")
            self.assertEqual(c.response().status, 200)
            held.append(c)
        extra = self.client()
        extra.get("/hello")
        r = extra.response()
        self.assertEqual((r.status, r.header("Connection")), (503, "close"))
        self.assertTrue(extra.is_closed(timeout=4))
        # A place frees up: the client leaves, and once the server has closed its side the
        # place is free (the host releases it in the same loop pass as the close), so a new
        # connection is served.
        gone = held.pop()
        gone.sock.shutdown(socket.SHUT_WR)
        self.assertTrue(gone.is_closed(timeout=4))
        r = self.raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.status, 200)


class TestTimeouts(HttpServerCase):
    SERVER = {"timeouts": {"header": "1s", "keepalive": "1s", "body": "1s"}}

    def test_header_dribbled_is_cut_at_the_header_timeout(self):
        c = self.client()
        request = b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 100
        t0 = time.monotonic()
        answered = None
        for i in range(len(request)):
            c.sock.settimeout(0.3)
            try:
                chunk = c.sock.recv(65536)
            except socket.timeout:
                chunk = None
            if chunk is not None:
                c.buf += chunk
                answered = time.monotonic() - t0
                break
            try:
                c.sock.sendall(request[i:i + 1])
            except OSError:
                break
        self.assertIsNotNone(answered, "never answered")
        r = c.response()
        self.assertEqual((r.status, r.header("Connection")), (408, "close"))
        self.assertGreater(answered, 0.8)
        self.assertLess(answered, 1.9)
        self.assertTrue(c.is_closed())

    def test_idle_keep_alive_closes_silently(self):
        c = self.client()
        c.get("/hello")
        self.assertEqual(c.response().status, 200)
        t0 = time.monotonic()
        self.assertEqual(c.read_eof(timeout=4), b"")
        self.assertGreater(time.monotonic() - t0, 0.7)

    def test_idle_fresh_connection_closes_silently(self):
        c = self.client()
        t0 = time.monotonic()
        self.assertEqual(c.read_eof(timeout=4), b"")
        self.assertGreater(time.monotonic() - t0, 0.7)

    def test_keep_alive_timer_restarts_after_a_slow_answer(self):
        c = self.client()
        c.get("/hello?delay_ms=1500")  # longer than the keep-alive timeout
        self.assertEqual(c.response().status, 200)
        self.assertTrue(c.still_open(0.5))
        c.get("/hello")
        self.assertEqual(c.response().status, 200)

    def test_body_timeout(self):
        c = self.client()
        c.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        t0 = time.monotonic()
        r = c.response(timeout=4)
        self.assertEqual((r.status, r.header("Connection")), (408, "close"))
        self.assertGreater(time.monotonic() - t0, 0.7)


class TestConfigErrors(unittest.TestCase):
    def check(self, server=None, routes=None, expect=(), load=()):
        with tempfile.TemporaryDirectory(prefix="gorgon-http-check-") as tmp:
            make_plugin_dir(tmp)
            body = http_config(server, routes, load=load).replace("@PLUGIN_DIR@", tmp)
            body = body.replace("@DIR@", tmp)
            code, out = check_config(body)
            self.assertNotEqual(code, 0, out)
            for text in expect:
                self.assertRegex(out, text)
            return out

    def test_unknown_keys_are_refused(self):
        self.check({"keepalive_timeout": "5s"}, expect=[r"keepalive_timeout"])
        self.check({"limits": {"header_lines": 5}}, expect=[r"header_lines"])
        self.check({"timeouts": {"idle": "5s"}}, expect=[r"idle"])
        self.check({"access_log": {"file": "/tmp/x", "fmt": "json"}}, expect=[r"fmt"])

    def test_bad_values(self):
        self.check({"limits": {"request_line": "10"}}, expect=[r"request_line.*between"])
        self.check({"timeouts": {"header": "0"}}, expect=[r"header.*greater than zero"])
        self.check({"access_log": {"file": "/tmp/x", "format": "xml"}},
                   expect=[r"combined or json"])
        self.check({"max_connections": 0}, expect=[r"max_connections"])
        self.check({"server_header": "a\tb"}, expect=[r"printable"])
        self.check(routes=[{"config": {}}], expect=[r"missing key: extension"])
        self.check(routes=[{"extension": "hello", "config": "x"}], expect=[r"expected a map"])

    def test_missing_extension(self):
        self.check(routes=[{"extension": "nope"}],
                   expect=[r"gorgon\.yaml:\d+:\d+.*no plugin provides http-extension:nope"])

    def test_route_refused_by_the_extension_is_located(self):
        self.check(routes=[{"extension": "hello", "config": {"fail_open": True}}],
                   expect=[r"gorgon\.yaml:\d+:\d+: .*fail_open.*route refused as asked"])
        self.check(routes=[{"extension": "hello", "config": {"colour": "red"}}],
                   expect=[r"gorgon\.yaml:\d+:\d+: .*colour.*unknown key"])


if __name__ == "__main__":
    unittest.main()
