"""http-static (Medusa's default_handler, done right) and fs-os, end to end: the real binary with
the http, http-static and fs-os plugins, a document root made here, and curl as the client.

One server serves the whole class (two routes over the same root: "/nolist" without listings,
"/" with them); every curl call has a deadline, and the server is always stopped.
"""
import email.utils
import gzip
import hashlib
import os
import pwd
import re
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import (Gorgon, check_config, clean_exit_problem,
                            copy_plugins as harness_copy_plugins, unprivileged_account)
from test_http_protocol import HttpClient

PLUGINS = ("http.so", "http-static.so", "fs-os.so")
SECRET = b"TOP-SECRET-OUTSIDE-THE-ROOT"
SPECIAL = "<b>&\"x'.txt"
CURL_TIMEOUT = 20


def copy_plugins(dest):
    """Copies the three plugins into `dest`, so that no other plugin of the build tree can be
    picked up, with the permissions the host insists on."""
    harness_copy_plugins(dest, PLUGINS)


def write(path, data, mtime=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def make_tree(base):
    """The document root (base/root) and, beside it, what must never be reachable (base/outside).
    Returns the root."""
    root = os.path.join(base, "root")
    outside = os.path.join(base, "outside")
    write(os.path.join(outside, "secret.txt"), SECRET)
    past = time.time() - 3600
    write(os.path.join(root, "index.html"), "<!DOCTYPE html><title>root index</title>\n", past)
    write(os.path.join(root, "hello.txt"), "Hello, Gorgon!\n" * 10, past)
    write(os.path.join(root, "small.txt"), "tiny\n")
    write(os.path.join(root, "empty.txt"), b"")
    write(os.path.join(root, "page.html"),
          "<!DOCTYPE html>\n" + "<p>Compress me, I repeat myself.</p>\n" * 200, past)
    write(os.path.join(root, "image.png"), b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    write(os.path.join(root, "digits.txt"), "0123456789" * 10, past)
    # A precompressed sibling whose content differs from a compression of the file, so the test
    # can tell which was sent.
    write(os.path.join(root, "pre.txt"), "plain version\n" * 40, past)
    write(os.path.join(root, "pre.txt.gz"), gzip.compress(b"PRECOMPRESSED VERSION\n" * 40),
          past + 10)
    # A stale one: older than its file, so it must not be used.
    write(os.path.join(root, "stale.txt"), "fresh version\n" * 40, past)
    write(os.path.join(root, "stale.txt.gz"), gzip.compress(b"STALE VERSION\n" * 40), past - 100)
    write(os.path.join(root, "big.bin"), os.urandom(5 * 1024 * 1024))
    write(os.path.join(root, "sub", "a.txt"), "file a\n")
    write(os.path.join(root, "sub", "b.txt"), "file b\n")
    write(os.path.join(root, "sub", SPECIAL), "special\n")
    write(os.path.join(root, "sub", ".hidden"), "hidden\n")
    write(os.path.join(root, "sub", "nested", "deep.txt"), "deep\n")
    write(os.path.join(root, "withindex", "index.html"), "<title>sub index</title>\n")
    write(os.path.join(root, "noread.txt"), "you may not\n")
    os.chmod(os.path.join(root, "noread.txt"), 0)
    # Links: out of the root (relative, absolute, to a directory), and inside it.
    os.symlink("../outside/secret.txt", os.path.join(root, "escape"))
    os.symlink(os.path.join(outside, "secret.txt"), os.path.join(root, "abs_escape"))
    os.symlink("../outside", os.path.join(root, "outdir"))
    os.symlink("../../outside/secret.txt", os.path.join(root, "sub", "escape_link"))
    os.symlink("hello.txt", os.path.join(root, "sibling"))
    os.symlink("../hello.txt", os.path.join(root, "sub", "up_sibling"))
    os.symlink("sub", os.path.join(root, "dirlink"))
    return root


def config(plugin_dir, root, extra_route=""):
    return textwrap.dedent(f"""\
        plugins:
          directory: {plugin_dir}
          runtime_directory: @DIR@/run
          load:
            fs-os: {{}}
            http-static: {{}}
            http: {{}}
        servers:
          - name: web
            protocol: http
            listen: ["127.0.0.1:0"]
            config:
              routes:
                - extension: static
                  config:
                    root: {root}
                    prefix: /nolist
                    listing: false
                - extension: static
                  config:
                    root: {root}
                    listing: true
                    cache_control: "public, max-age=60"
        """) + extra_route


class Response:
    def __init__(self, status, version, headers, body):
        self.status = status
        self.version = version
        self.headers = headers  # lower-case name -> list of values
        self.body = body

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def __repr__(self):
        return f"<{self.status} {self.headers} {self.body[:200]!r}>"


def parse_head(raw):
    """The last header block of curl's -D output (earlier ones are 1xx)."""
    blocks = [b for b in raw.split(b"\r\n\r\n") if b.strip()]
    lines = blocks[-1].decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/(\d\.\d) (\d{3})", lines[0])
    if not m:
        raise AssertionError(f"bad status line {lines[0]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return m.group(1), int(m.group(2)), headers


def multipart_parts(body, boundary):
    """(headers, data) for each part of a multipart/byteranges body."""
    delim = b"--" + boundary.encode()
    chunks = body.split(b"\r\n" + delim)
    if not chunks[-1].startswith(b"--"):
        raise AssertionError(f"no closing delimiter: {body[-60:]!r}")
    parts = []
    for chunk in chunks[1:-1]:
        head, _, data = chunk.partition(b"\r\n\r\n")
        fields = {}
        for line in head.decode("latin-1").split("\r\n"):
            if ":" in line:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
        parts.append((fields, data))
    return parts


class HttpStatic(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-static-")
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        os.mkdir(cls.plugin_dir)
        copy_plugins(cls.plugin_dir)
        cls.root = make_tree(cls.tmp.name)
        cls.g = Gorgon(config(cls.plugin_dir, cls.root), plugin_dir=cls.plugin_dir)
        try:
            cls.g.start(["web"])
            cls.host, cls.port = cls.g.address("web")
        except BaseException:
            cls.g.__exit__(None, None, None)
            cls.tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            problem = clean_exit_problem(cls.g)
        finally:
            cls.g.__exit__(None, None, None)
            cls.tmp.cleanup()
        if problem:
            raise AssertionError(problem)

    # ---- helpers ----

    def url(self, path):
        return f"http://{self.host}:{self.port}{path}"

    def curl(self, path, *args, head=False):
        """Runs curl; returns a Response. --path-as-is: the path goes out exactly as written."""
        with tempfile.TemporaryDirectory(prefix="gorgon-curl-") as d:
            hdr = os.path.join(d, "h")
            out = os.path.join(d, "b")
            cmd = ["curl", "-sS", "--max-time", str(CURL_TIMEOUT), "--path-as-is", "-D", hdr,
                   "-o", out]
            if head:
                cmd.append("--head")
            cmd += list(args) + [self.url(path)]
            p = subprocess.run(cmd, capture_output=True, timeout=CURL_TIMEOUT + 10,
                               stdin=subprocess.DEVNULL)
            if p.returncode != 0:
                raise AssertionError(f"curl failed ({p.returncode}): {p.stderr.decode()}\n"
                                     f"{self.g.log()[-3000:]}")
            with open(hdr, "rb") as f:
                version, status, headers = parse_head(f.read())
            body = b""
            # With --head curl writes the header block to -o as well: there is no body to read.
            if os.path.exists(out) and not head:
                with open(out, "rb") as f:
                    body = f.read()
            return Response(status, version, headers, body)

    def raw(self, request):
        """Sends `request` (bytes) on a fresh connection; returns everything until close."""
        with socket.create_connection((self.host, self.port), timeout=10) as s:
            s.sendall(request)
            data = b""
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            return data

    def file(self, *parts):
        with open(os.path.join(self.root, *parts), "rb") as f:
            return f.read()

    def mtime_date(self, *parts):
        return email.utils.formatdate(int(os.stat(os.path.join(self.root, *parts)).st_mtime),
                                      usegmt=True)

    # ---- files ----

    def test_get_a_file_with_its_validators(self):
        r = self.curl("/hello.txt")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, self.file("hello.txt"))
        self.assertEqual(r.header("content-type"), "text/plain")
        self.assertEqual(r.header("content-length"), str(len(self.file("hello.txt"))))
        self.assertRegex(r.header("etag"), r'^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$')
        self.assertEqual(r.header("last-modified"), self.mtime_date("hello.txt"))
        self.assertEqual(r.header("accept-ranges"), "bytes")
        self.assertEqual(r.header("cache-control"), "public, max-age=60")
        # Same file, same validator; another file, another.
        self.assertEqual(self.curl("/hello.txt").header("etag"), r.header("etag"))
        self.assertNotEqual(self.curl("/digits.txt").header("etag"), r.header("etag"))

    def test_head_sends_the_same_fields_and_no_body(self):
        get = self.curl("/hello.txt")
        head = self.curl("/hello.txt", head=True)
        self.assertEqual(head.status, 200)
        for name in ("content-type", "content-length", "etag", "last-modified", "accept-ranges"):
            self.assertEqual(head.header(name), get.header(name), name)
        # On the wire: the header block and nothing after it, even though it says how long the
        # body would be. (Also for a gzip-coded and a precompressed answer.)
        for path, extra in (("/hello.txt", b""), ("/page.html", b"Accept-Encoding: gzip\r\n"),
                            ("/pre.txt", b"Accept-Encoding: gzip\r\n")):
            out = self.raw(b"HEAD " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n" + extra +
                           b"Connection: close\r\n\r\n")
            head_block, sep, rest = out.partition(b"\r\n\r\n")
            self.assertTrue(head_block.startswith(b"HTTP/1.1 200 "), out)
            self.assertEqual(sep, b"\r\n\r\n", out)
            self.assertEqual(rest, b"", path)

    def test_http_1_0_and_1_1(self):
        for flag in ("--http1.0", "--http1.1"):
            r = self.curl("/digits.txt", flag)
            self.assertEqual(r.status, 200, flag)
            self.assertEqual(r.body, self.file("digits.txt"), flag)
            self.assertEqual(r.header("content-length"), "100", flag)

    def test_content_types(self):
        self.assertEqual(self.curl("/page.html").header("content-type"), "text/html")
        self.assertEqual(self.curl("/image.png").header("content-type"), "image/png")
        self.assertEqual(self.curl("/big.bin").header("content-type"), "application/octet-stream")

    def test_empty_file(self):
        r = self.curl("/empty.txt")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("content-length"), "0")

    def test_a_5_mib_file_arrives_intact(self):
        r = self.curl("/big.bin")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-length"), str(5 * 1024 * 1024))
        self.assertEqual(hashlib.sha256(r.body).hexdigest(),
                         hashlib.sha256(self.file("big.bin")).hexdigest())

    # ---- directories ----

    def test_index_files(self):
        r = self.curl("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, self.file("index.html"))
        self.assertEqual(r.header("content-type"), "text/html")
        self.assertIsNotNone(r.header("etag"))
        r = self.curl("/withindex/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, self.file("withindex", "index.html"))

    def test_listing_escapes_names_and_puts_directories_first(self):
        r = self.curl("/sub/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        page = r.body.decode()
        self.assertIn("<title>Index of /sub/</title>", page)
        self.assertIn('<a href="%3Cb%3E%26%22x%27.txt">&lt;b&gt;&amp;&quot;x&#39;.txt</a>', page)
        self.assertNotIn(SPECIAL, page)
        self.assertIn('<a href="../">../</a>', page)
        self.assertIn('<a href="nested/">nested/</a>', page)
        self.assertIn('<a href="a.txt">a.txt</a>', page)
        self.assertLess(page.index("nested/"), page.index(">a.txt<"))
        self.assertLess(page.index(">a.txt<"), page.index(">b.txt<"))
        self.assertNotIn(".hidden", page)
        # A link out of the root is not advertised; one inside it is, as what it points at.
        self.assertNotIn("escape_link", page)
        self.assertIn('<a href="up_sibling">up_sibling</a>', page)
        self.assertIn(">7<", page)  # a.txt's size
        # The href leads to the file.
        r = self.curl("/sub/%3Cb%3E%26%22x%27.txt")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"special\n")

    def test_listing_disabled_is_403(self):
        self.assertEqual(self.curl("/nolist/sub/").status, 403)
        # The same route still serves files and index files.
        self.assertEqual(self.curl("/nolist/hello.txt").body, self.file("hello.txt"))
        self.assertEqual(self.curl("/nolist/").body, self.file("index.html"))

    def test_directory_without_slash_redirects_with_host_and_query(self):
        r = self.curl("/sub?x=1&y=%20", "-H", "Host: example.test:8080")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("location"), "http://example.test:8080/sub/?x=1&y=%20")
        r = self.curl("/nolist/sub", "-H", "Host: example.test")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("location"), "http://example.test/nolist/sub/")
        r = self.curl("/nolist", "-H", "Host: example.test")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("location"), "http://example.test/nolist/")
        # HTTP/1.0 without Host: a relative reference.
        out = self.raw(b"GET /sub HTTP/1.0\r\n\r\n")
        # Responses always say HTTP/1.1, whatever the request's minor version (RFC 9110 6.2).
        self.assertTrue(out.startswith(b"HTTP/1.1 301 "), out)
        self.assertIn(b"\r\nLocation: /sub/\r\n", out)

    # ---- errors ----

    def test_missing_is_404(self):
        self.assertEqual(self.curl("/missing.txt").status, 404)
        self.assertEqual(self.curl("/sub/missing/").status, 404)
        self.assertEqual(self.curl("/hello.txt/").status, 404)
        self.assertEqual(self.curl("/hello.txt/x").status, 404)

    def test_other_methods_are_405_with_allow(self):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            r = self.curl("/hello.txt", "-X", method, "-d", "x" if method != "DELETE" else "")
            self.assertEqual(r.status, 405, method)
            allow = [m.strip() for m in r.header("allow").split(",")]
            self.assertIn("GET", allow)
            self.assertIn("HEAD", allow)
            self.assertNotIn(method, allow)
        r = self.curl("/hello.txt", "-X", "OPTIONS")
        self.assertEqual(r.status, 204)
        self.assertIn("GET", r.header("allow"))
        self.assertEqual(r.body, b"")

    def test_unreadable_file_is_403(self):
        account = unprivileged_account()
        if account is None:  # not root: the class's server may not read noread.txt either
            self.assertEqual(self.curl("/noread.txt").status, 403)
            self.assertEqual(self.curl("/small.txt").status, 200)
            return
        # Root reads every file: as root (CI does), a server of its own drops to an unprivileged
        # account (user:/group:), which may read everything in its root but noread.txt.
        user, group = account
        with tempfile.TemporaryDirectory(prefix="gorgon-static-unprivileged-") as d:
            os.chmod(d, 0o755)
            plugins = os.path.join(d, "plugins")
            os.mkdir(plugins)
            copy_plugins(plugins)
            root = os.path.join(d, "root")
            write(os.path.join(root, "readable.txt"), "you may\n")
            write(os.path.join(root, "noread.txt"), "you may not\n")
            os.chmod(os.path.join(root, "noread.txt"), 0)
            body = config(plugins, root).replace("servers:\n", f"user: {user}\ngroup: {group}\n"
                                                 "servers:\n", 1)
            with Gorgon(body, plugin_dir=plugins) as g:
                os.chmod(g.dir, 0o755)  # its log and runtime directory, opened before the drop
                g.start(["web"])

                def status(path):
                    with g.connect("web", timeout=10) as s:
                        s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
                        head = s.recv(64)
                    return int(re.match(rb"HTTP/1\.[01] (\d{3}) ", head).group(1))

                # An answer means the loop runs, which it does only after the switch (it listens
                # before it).
                self.assertEqual(status("/readable.txt"), 200)
                with open(f"/proc/{g.proc.pid}/status") as f:
                    uids = [l.split()[1:] for l in f if l.startswith("Uid:")][0]
                self.assertEqual(uids, [str(pwd.getpwnam(user).pw_uid)] * 4)
                self.assertEqual(status("/noread.txt"), 403)

    # ---- confinement ----

    def test_symlinks_out_of_the_root_are_404(self):
        for path in ("/escape", "/abs_escape", "/outdir/secret.txt", "/sub/escape_link",
                     "/outdir/"):
            r = self.curl(path)
            self.assertEqual(r.status, 404, path)
            self.assertNotIn(SECRET, r.body, path)

    def test_symlinks_inside_the_root_work(self):
        self.assertEqual(self.curl("/sibling").body, self.file("hello.txt"))
        self.assertEqual(self.curl("/sub/up_sibling").body, self.file("hello.txt"))
        self.assertEqual(self.curl("/dirlink/a.txt").body, b"file a\n")
        self.assertEqual(self.curl("/dirlink/").status, 200)

    def test_traversal_is_refused(self):
        for path in ("/../outside/secret.txt", "/%2e%2e/outside/secret.txt",
                     "/sub/../../outside/secret.txt", "/%2E%2E%2Foutside%2Fsecret.txt",
                     "/..%2f..%2foutside/secret.txt"):
            # Each climbs above "/" once decoded: the http plugin refuses it (its README).
            r = self.curl(path)
            self.assertEqual(r.status, 400, path)
            self.assertNotIn(SECRET, r.body, path)
        # A NUL byte never reaches the filesystem: refused as malformed.
        r = self.curl("/hello.txt%00.png")
        self.assertEqual(r.status, 400)

    # ---- ranges ----

    def test_single_range(self):
        r = self.curl("/digits.txt", "-r", "10-19")
        self.assertEqual(r.status, 206)
        self.assertEqual(r.body, b"0123456789")
        self.assertEqual(r.header("content-range"), "bytes 10-19/100")
        self.assertEqual(r.header("content-length"), "10")
        r = self.curl("/digits.txt", "-H", "Range: bytes=-5")
        self.assertEqual(r.status, 206)
        self.assertEqual(r.body, b"56789")
        self.assertEqual(r.header("content-range"), "bytes 95-99/100")
        r = self.curl("/digits.txt", "-H", "Range: bytes=98-")
        self.assertEqual(r.body, b"89")
        self.assertEqual(r.header("content-range"), "bytes 98-99/100")

    def test_multiple_ranges_are_multipart(self):
        r = self.curl("/digits.txt", "-H", "Range: bytes=0-2, 50-54")
        self.assertEqual(r.status, 206)
        m = re.match(r"multipart/byteranges; boundary=(\S+)$", r.header("content-type"))
        self.assertIsNotNone(m, r.header("content-type"))
        self.assertEqual(int(r.header("content-length")), len(r.body))
        parts = multipart_parts(r.body, m.group(1))
        self.assertEqual(len(parts), 2)
        self.assertEqual(parts[0][0]["content-range"], "bytes 0-2/100")
        self.assertEqual(parts[0][0]["content-type"], "text/plain")
        self.assertEqual(parts[0][1], b"012")
        self.assertEqual(parts[1][0]["content-range"], "bytes 50-54/100")
        self.assertEqual(parts[1][1], b"01234")

    def test_overlapping_ranges_are_coalesced(self):
        r = self.curl("/digits.txt", "-H", "Range: bytes=0-5,3-9")
        self.assertEqual(r.status, 206)
        self.assertEqual(r.header("content-range"), "bytes 0-9/100")
        self.assertEqual(r.body, b"0123456789")

    def test_unsatisfiable_range_is_416(self):
        r = self.curl("/digits.txt", "-H", "Range: bytes=100-")
        self.assertEqual(r.status, 416)
        self.assertEqual(r.header("content-range"), "bytes */100")

    def test_invalid_or_excessive_range_is_ignored(self):
        for value in ("bytes=5-1", "items=0-1", "bytes=abc", "bytes=" + ",".join(
                f"{i}-{i}" for i in range(0, 40, 2))):
            r = self.curl("/digits.txt", "-H", f"Range: {value}")
            self.assertEqual(r.status, 200, value)
            self.assertEqual(r.body, self.file("digits.txt"), value)

    def test_head_ignores_range(self):
        r = self.curl("/digits.txt", "-r", "0-1", head=True)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-length"), "100")

    # ---- conditionals ----

    def test_if_none_match(self):
        etag = self.curl("/hello.txt").header("etag")
        r = self.curl("/hello.txt", "-H", f"If-None-Match: {etag}")
        self.assertEqual(r.status, 304)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("etag"), etag)
        self.assertEqual(r.header("cache-control"), "public, max-age=60")
        self.assertEqual(self.curl("/hello.txt", "-H", f"If-None-Match: W/{etag}").status, 304)
        self.assertEqual(self.curl("/hello.txt", "-H", 'If-None-Match: "x", ' + etag).status, 304)
        self.assertEqual(self.curl("/hello.txt", "-H", "If-None-Match: *").status, 304)
        self.assertEqual(self.curl("/hello.txt", "-H", "If-None-Match: *", head=True).status, 304)
        r = self.curl("/hello.txt", "-H", 'If-None-Match: "other"')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, self.file("hello.txt"))

    def test_if_modified_since(self):
        last = self.curl("/hello.txt").header("last-modified")
        self.assertEqual(self.curl("/hello.txt", "-H", f"If-Modified-Since: {last}").status, 304)
        older = email.utils.formatdate(
            os.stat(os.path.join(self.root, "hello.txt")).st_mtime - 60, usegmt=True)
        self.assertEqual(self.curl("/hello.txt", "-H", f"If-Modified-Since: {older}").status, 200)
        self.assertEqual(self.curl("/hello.txt", "-H", "If-Modified-Since: garbage").status, 200)
        # If-None-Match takes precedence: If-Modified-Since is then ignored.
        r = self.curl("/hello.txt", "-H", f"If-Modified-Since: {last}", "-H",
                      'If-None-Match: "other"')
        self.assertEqual(r.status, 200)

    def test_if_match_and_if_unmodified_since(self):
        r = self.curl("/hello.txt")
        self.assertEqual(self.curl("/hello.txt", "-H", 'If-Match: "other"').status, 412)
        self.assertEqual(self.curl("/hello.txt", "-H", f"If-Match: {r.header('etag')}").status,
                         200)
        older = email.utils.formatdate(
            os.stat(os.path.join(self.root, "hello.txt")).st_mtime - 60, usegmt=True)
        self.assertEqual(
            self.curl("/hello.txt", "-H", f"If-Unmodified-Since: {older}").status, 412)

    def test_if_range(self):
        r = self.curl("/digits.txt")
        etag, last = r.header("etag"), r.header("last-modified")
        r = self.curl("/digits.txt", "-r", "0-3", "-H", f"If-Range: {etag}")
        self.assertEqual(r.status, 206)
        self.assertEqual(r.body, b"0123")
        r = self.curl("/digits.txt", "-r", "0-3", "-H", 'If-Range: "stale"')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, self.file("digits.txt"))
        r = self.curl("/digits.txt", "-r", "0-3", "-H", f"If-Range: {last}")
        self.assertEqual(r.status, 206)
        r = self.curl("/digits.txt", "-r", "0-3", "-H", "If-Range: Sun, 06 Nov 1994 08:49:37 GMT")
        self.assertEqual(r.status, 200)

    # ---- gzip ----

    def test_gzip_on_the_fly(self):
        plain = self.file("page.html")
        r = self.curl("/page.html", "--compressed")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-encoding"), "gzip")
        self.assertEqual(r.header("vary"), "Accept-Encoding")
        self.assertEqual(r.body, plain)  # curl decoded it
        self.assertTrue(r.header("etag").startswith("W/"), r.header("etag"))
        # The bytes on the wire are a gzip stream of the file, and smaller than it.
        raw = self.curl("/page.html", "-H", "Accept-Encoding: gzip")
        self.assertEqual(raw.header("content-encoding"), "gzip")
        self.assertEqual(gzip.decompress(raw.body), plain)
        self.assertLess(len(raw.body), len(plain))
        # HTTP/1.0 gets it too (delimited by the connection's end).
        r10 = self.curl("/page.html", "--http1.0", "-H", "Accept-Encoding: gzip")
        self.assertEqual(gzip.decompress(r10.body), plain)
        # Without Accept-Encoding: the file as it is, still with Vary.
        r = self.curl("/page.html")
        self.assertIsNone(r.header("content-encoding"))
        self.assertEqual(r.header("vary"), "Accept-Encoding")
        self.assertEqual(r.body, plain)

    def test_no_gzip_when_refused_small_an_image_or_a_range(self):
        r = self.curl("/page.html", "-H", "Accept-Encoding: gzip;q=0, deflate")
        self.assertIsNone(r.header("content-encoding"))
        self.assertEqual(r.body, self.file("page.html"))
        r = self.curl("/small.txt", "-H", "Accept-Encoding: gzip")
        self.assertIsNone(r.header("content-encoding"))
        self.assertEqual(r.body, b"tiny\n")
        r = self.curl("/image.png", "-H", "Accept-Encoding: gzip")
        self.assertIsNone(r.header("content-encoding"))
        self.assertEqual(r.body, self.file("image.png"))
        r = self.curl("/page.html", "-H", "Accept-Encoding: gzip", "-r", "0-14")
        self.assertEqual(r.status, 206)
        self.assertIsNone(r.header("content-encoding"))
        self.assertEqual(r.body, self.file("page.html")[:15])

    def test_precompressed_sibling(self):
        r = self.curl("/pre.txt", "-H", "Accept-Encoding: gzip")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-encoding"), "gzip")
        self.assertEqual(r.header("content-type"), "text/plain")
        self.assertEqual(r.body, self.file("pre.txt.gz"))  # the sibling's exact bytes
        self.assertEqual(r.header("content-length"), str(len(self.file("pre.txt.gz"))))
        self.assertFalse(r.header("etag").startswith("W/"))
        # Its validator is its own: a conditional request for it works.
        r2 = self.curl("/pre.txt", "-H", "Accept-Encoding: gzip", "-H",
                       f"If-None-Match: {r.header('etag')}")
        self.assertEqual(r2.status, 304)
        # Without gzip: the plain file.
        r = self.curl("/pre.txt")
        self.assertIsNone(r.header("content-encoding"))
        self.assertEqual(r.body, self.file("pre.txt"))
        # A sibling older than its file is stale: compressed on the fly instead.
        r = self.curl("/stale.txt", "-H", "Accept-Encoding: gzip")
        self.assertEqual(r.header("content-encoding"), "gzip")
        self.assertEqual(gzip.decompress(r.body), self.file("stale.txt"))

    # ---- request bodies that http-static never reads ----
    # The http plugin checks the framing of a body nobody reads, as nginx does: what has
    # arrived by the time the answer is given is decoded first, and a framing error or a body
    # past limits.body_size (1M here) replaces the answer (400, 413) and closes; what arrives
    # after the answer is decoded as it comes and the first error closes the connection.

    CHUNKED_GET = "GET /small.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    NEXT = "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"  # must never be answered
    BAD_CHUNKS = {
        "size not hex": "zz\r\nabc\r\n0\r\n\r\n",
        "negative size": "-3\r\nabc\r\n0\r\n\r\n",
        "size past 64 bits": "1" + "0" * 16 + "\r\nabc\r\n0\r\n\r\n",
        "data not followed by CRLF": "3\r\nabcX\r\n0\r\n\r\n",
    }
    PAST_LIMIT = "200000\r\n" + "x" * 1000  # a 2 MiB chunk, begun

    def client(self):
        c = HttpClient((self.host, self.port), timeout=10)
        self.addCleanup(c.close)
        return c

    def assert_refused(self, request, status):
        """`request` in one write: answered `status` with a close, and nothing after it."""
        c = self.client()
        c.send(request + self.NEXT)
        r = c.response()
        self.assertEqual((r.status, r.header("Connection")), (status, "close"), r)
        # The close lingers until the client is quiet for a second.
        self.assertNotIn(b"HTTP/1.1", c.read_eof(timeout=8), "a request after it was answered")

    def assert_closed_after_answer(self, body):
        """The head alone is answered 200; `body`, sent after that answer, closes the
        connection and nothing after it is answered."""
        c = self.client()
        c.send(self.CHUNKED_GET)
        r = c.response()
        self.assertEqual((r.status, r.body), (200, self.file("small.txt")), r)
        self.assertIsNone(r.header("Connection"), r)
        c.send(body + self.NEXT)
        self.assertEqual(c.read_eof(timeout=8), b"")

    def test_malformed_chunked_body_already_received_is_400(self):
        for what, body in self.BAD_CHUNKS.items():
            with self.subTest(what):
                self.assert_refused(self.CHUNKED_GET + body, 400)

    def test_malformed_chunked_body_after_the_answer_closes(self):
        for what, body in self.BAD_CHUNKS.items():
            with self.subTest(what):
                self.assert_closed_after_answer(body)

    def test_body_past_the_limit_is_413(self):
        self.assert_refused("GET /small.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152"
                            "\r\n\r\n" + "x" * 1000, 413)
        self.assert_refused(self.CHUNKED_GET + self.PAST_LIMIT, 413)
        self.assert_closed_after_answer(self.PAST_LIMIT)

    def test_well_framed_body_is_skipped_and_the_connection_kept(self):
        c = self.client()
        c.send(self.CHUNKED_GET + "5;x=y\r\nhello\r\n0\r\nTrailer: t\r\n\r\n" + self.NEXT)
        self.assertEqual(c.response().status, 200)
        r = c.response()
        self.assertEqual((r.status, r.body), (200, self.file("hello.txt")), r)
        self.assertTrue(c.still_open(), "closed after a well-framed body")


class HttpStaticConfig(unittest.TestCase):
    """Route settings are validated when the configuration is, with located messages."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-static-config-")
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        os.mkdir(cls.plugin_dir)
        copy_plugins(cls.plugin_dir)
        cls.root = os.path.join(cls.tmp.name, "root")
        os.mkdir(cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, route_config):
        text = textwrap.dedent(f"""\
            plugins:
              directory: {self.plugin_dir}
              load:
                fs-os: {{}}
                http-static: {{}}
                http: {{}}
            servers:
              - name: web
                protocol: http
                listen: ["127.0.0.1:0"]
                config:
                  routes:
                    - extension: static
                      config:
            """) + textwrap.indent(textwrap.dedent(route_config), " " * 12)
        return check_config(text)

    def test_a_valid_route(self):
        code, out = self.check(f"""\
            root: {self.root}
            prefix: /files/
            index: [index.html, index.htm]
            listing: true
            gzip: false
            gzip_types: [text/*, application/json]
            precompressed: false
            default_type: text/plain
            max_listing_entries: 100
            cache_control: no-cache
            """)
        self.assertEqual(code, 0, out)

    def test_errors_are_located_and_name_the_problem(self):
        cases = [
            (f"root: {self.root}\nlisting_typo: true\n", "listing_typo"),
            ("listing: true\n", "root"),
            (f"root: {self.root}/missing\n", "missing"),
            (f"root: {self.root}\nprefix: nope\n", "prefix"),
            (f"root: {self.root}\nindex: [../x]\n", "index"),
            (f"root: {self.root}\nlisting: maybe\n", "listing"),
            (f"root: {self.root}\nmax_listing_entries: 0\n", "max_listing_entries"),
            (f"root: {self.root}\ndefault_type: nonsense\n", "default_type"),
            (f"root: {self.root}\nmime_types: {self.root}/no.types\n", "no.types"),
            (f"root: {self.root}\ngzip_types: [text]\n", "gzip_types"),
            (f"root: {self.root}\ngzip_level: 11\n", "gzip_level"),
        ]
        for body, needle in cases:
            code, out = self.check(body)
            self.assertNotEqual(code, 0, body)
            self.assertIn(needle, out, body)
            self.assertRegex(out, r"gorgon\.yaml:\d+:\d+", body)


if __name__ == "__main__":
    unittest.main()
