"""http-put (Medusa's put_handler, done right) with http-static after it over the same root, end
to end: the real binary, curl and raw sockets as clients.

An upload is written whole or not at all: a cut upload leaves nothing under the name and no
temporary file in the directory; writes never leave the root, whatever the path or the links.
"""
import concurrent.futures
import hashlib
import os
import re
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import Gorgon, check_config, copy_plugins as harness_copy_plugins
from test_http_static import clean_exit_problem

PLUGINS = ("http.so", "http-put.so", "http-static.so", "fs-os.so")
SECRET = b"TOP-SECRET-OUTSIDE-THE-ROOT"
MAX_SIZE = 256 * 1024
CURL_TIMEOUT = 30
TEMP_RE = re.compile(r"\.put-[0-9a-f]{24}$")


def copy_plugins(dest):
    harness_copy_plugins(dest, PLUGINS)


def server_config(plugin_dir, root, auto_root):
    return textwrap.dedent(f"""\
        plugins:
          directory: {plugin_dir}
          runtime_directory: @DIR@/run
          load:
            fs-os: {{}}
            http-put: {{}}
            http-static: {{}}
            http: {{}}
        servers:
          - name: web
            protocol: http
            listen: ["127.0.0.1:0"]
            socket: {{read_buffer: 4M}}
            config:
              limits: {{body_size: 64M}}
              routes:
                - extension: put
                  config:
                    root: {auto_root}
                    prefix: /auto/
                    create_directories: true
                    max_size: 16M
                - extension: put
                  config:
                    root: {root}
                    max_size: {MAX_SIZE}
                    mode: "0640"
                - extension: static
                  config:
                    root: {root}
        """)


def temp_files(directory):
    return [n for n in os.listdir(directory) if TEMP_RE.search(n)]


class HttpPut(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-http-put-")
        base = cls.tmp.name
        cls.plugin_dir = os.path.join(base, "plugins")
        os.mkdir(cls.plugin_dir)
        copy_plugins(cls.plugin_dir)
        cls.root = os.path.join(base, "root")
        cls.auto_root = os.path.join(base, "auto")
        cls.outside = os.path.join(base, "outside")
        for d in (cls.root, cls.auto_root, cls.outside, os.path.join(cls.root, "sub")):
            os.mkdir(d)
        with open(os.path.join(cls.outside, "secret.txt"), "wb") as f:
            f.write(SECRET)
        os.symlink("../outside", os.path.join(cls.root, "outdir"))
        os.symlink("../outside/secret.txt", os.path.join(cls.root, "escape"))
        cls.g = Gorgon(server_config(cls.plugin_dir, cls.root, cls.auto_root),
                       plugin_dir=cls.plugin_dir)
        try:
            cls.g.start(["web"])
        except BaseException:
            cls.g.__exit__(None, None, None)
            cls.tmp.cleanup()
            raise
        cls.host, cls.port = cls.g.address("web")
        cls.base_url = f"http://{cls.host}:{cls.port}"

    @classmethod
    def tearDownClass(cls):
        problem = clean_exit_problem(cls.g)
        cls.tmp.cleanup()
        if problem:
            raise AssertionError(problem)

    def curl(self, path, *args):
        """(status, headers as a lower-case dict, body) of one curl request."""
        p = subprocess.run(["curl", "-sS", "--max-time", "20", "-D", "-", *args,
                            self.base_url + path], capture_output=True, timeout=CURL_TIMEOUT,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        # Interim responses (100 Continue) come first; the last head is the answer.
        while True:
            head, _, out = out.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            if status >= 200:
                break
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers, out

    def put(self, path, data, *args):
        src = tempfile.mktemp(prefix="upload-", dir=self.tmp.name)
        with open(src, "wb") as f:
            f.write(data)
        try:
            return self.curl(path, "-X", "PUT", "--data-binary", "@" + src, *args)
        finally:
            os.unlink(src)

    def read(self, name, root=None):
        with open(os.path.join(root or self.root, name), "rb") as f:
            return f.read()

    def assertNoTemp(self, directory=None):
        self.assertEqual(temp_files(directory or self.root), [])

    def raw(self, data, timeout=10):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        self.addCleanup(s.close)
        s.sendall(data)
        return s

    def read_head(self, s):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data

    # ---- creating and replacing -------------------------------------------------------------

    def test_new_file_is_201_then_replace_is_204_and_static_serves_it(self):
        status, h, body = self.put("/new.txt", b"first version\n")
        self.assertEqual(status, 201)
        self.assertEqual(h["location"], "/new.txt")
        self.assertEqual(body, b"")
        self.assertEqual(self.read("new.txt"), b"first version\n")
        self.assertEqual(os.stat(os.path.join(self.root, "new.txt")).st_mode & 0o777, 0o640)
        status, h2, _ = self.put("/new.txt", b"second version\n")
        self.assertEqual(status, 204)
        self.assertNotIn("location", h2)
        self.assertEqual(self.read("new.txt"), b"second version\n")
        # GET and HEAD are the static route's, over the same tree, with the same ETag.
        status, h3, body = self.curl("/new.txt")
        self.assertEqual((status, body), (200, b"second version\n"))
        self.assertEqual(h3["etag"], h2["etag"])
        self.assertNoTemp()

    def test_empty_body_makes_an_empty_file(self):
        status, _, _ = self.put("/empty.txt", b"")
        self.assertEqual(status, 201)
        self.assertEqual(self.read("empty.txt"), b"")

    def test_large_bodies_arrive_whole(self):
        data = os.urandom(12 * 1024 * 1024)
        status, _, _ = self.put("/auto/big.bin", data)
        self.assertEqual(status, 201)
        self.assertEqual(hashlib.sha256(self.read("big.bin", self.auto_root)).digest(),
                         hashlib.sha256(data).digest())
        status, _, _ = self.put("/auto/big.bin", data[:5_000_000], "-H",
                                "Transfer-Encoding: chunked")
        self.assertEqual(status, 204)
        self.assertEqual(self.read("big.bin", self.auto_root), data[:5_000_000])
        self.assertNoTemp(self.auto_root)

    def test_a_body_already_here_is_read_to_the_end(self):
        # With large reads, the whole body is in the server's buffer at the first notification,
        # and no new bytes come to prompt another: the http plugin must prompt the next piece.
        data = os.urandom(3 * 1024 * 1024)
        s = socket.create_connection((self.host, self.port), timeout=10)
        self.addCleanup(s.close)
        s.sendall(b"PUT /auto/here.bin HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                  % len(data) + data)
        self.assertTrue(self.read_head(s).startswith(b"HTTP/1.1 201 "))
        self.assertEqual(self.read("here.bin", self.auto_root), data)

    def test_expect_100_continue(self):
        s = self.raw(b"PUT /expect.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                     b"Expect: 100-continue\r\n\r\n")
        head = self.read_head(s)
        self.assertTrue(head.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), head)
        rest = head.partition(b"\r\n\r\n")[2]
        s.sendall(b"12345")
        rest += self.read_head(s)
        self.assertTrue(rest.startswith(b"HTTP/1.1 201 "), rest)
        self.assertEqual(self.read("expect.txt"), b"12345")

    # ---- conditions -------------------------------------------------------------------------

    def test_if_none_match_star_only_creates(self):
        self.assertEqual(self.put("/once.txt", b"a", "-H", "If-None-Match: *")[0], 201)
        self.assertEqual(self.put("/once.txt", b"b", "-H", "If-None-Match: *")[0], 412)
        self.assertEqual(self.read("once.txt"), b"a")
        self.assertNoTemp()

    def test_if_match(self):
        self.assertEqual(self.put("/m.txt", b"v1", "-H", "If-Match: *")[0], 412)
        self.assertFalse(os.path.exists(os.path.join(self.root, "m.txt")))
        self.assertEqual(self.put("/m.txt", b"v1")[0], 201)
        etag = self.curl("/m.txt")[1]["etag"]
        status, h, _ = self.put("/m.txt", b"v2", "-H", "If-Match: " + etag)
        self.assertEqual(status, 204)
        # The tag that was current a moment ago is stale now.
        self.assertEqual(self.put("/m.txt", b"v3", "-H", "If-Match: " + etag)[0], 412)
        self.assertEqual(self.read("m.txt"), b"v2")
        self.assertEqual(self.put("/m.txt", b"v3", "-H", "If-Match: " + h["etag"])[0], 204)
        self.assertEqual(self.curl("/m.txt", "-X", "DELETE", "-H", "If-Match: " + etag)[0], 412)
        self.assertEqual(self.read("m.txt"), b"v3")
        self.assertNoTemp()

    # ---- refusals ---------------------------------------------------------------------------

    def test_413_over_max_size(self):
        big = b"x" * (MAX_SIZE + 1)
        self.assertEqual(self.put("/toobig.bin", big)[0], 413)
        self.assertEqual(self.put("/toobig.bin", big, "-H", "Transfer-Encoding: chunked")[0], 413)
        self.assertEqual(self.put("/fits.bin", big[:MAX_SIZE])[0], 201)
        self.assertFalse(os.path.exists(os.path.join(self.root, "toobig.bin")))
        self.assertNoTemp()

    def test_411_without_a_length(self):
        s = self.raw(b"PUT /nolength.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(self.read_head(s).startswith(b"HTTP/1.1 411 "))
        self.assertFalse(os.path.exists(os.path.join(self.root, "nolength.txt")))

    def test_content_range_is_refused(self):
        status = self.put("/range.txt", b"abc", "-H", "Content-Range: bytes 0-2/10")[0]
        self.assertEqual(status, 400)
        self.assertFalse(os.path.exists(os.path.join(self.root, "range.txt")))

    def test_directories(self):
        status, h, _ = self.put("/sub/", b"x")
        self.assertEqual(status, 405)
        self.assertEqual(h["allow"], "GET, HEAD")
        self.assertEqual(self.put("/sub", b"x")[0], 405)
        self.assertEqual(self.curl("/sub", "-X", "DELETE")[0], 405)
        self.assertTrue(os.path.isdir(os.path.join(self.root, "sub")))

    def test_missing_parent_is_409_unless_create_directories(self):
        self.assertEqual(self.put("/no/such/dir/f.txt", b"x")[0], 409)
        self.assertFalse(os.path.exists(os.path.join(self.root, "no")))
        self.assertEqual(self.put("/auto/a/b/c.txt", b"deep")[0], 201)
        self.assertEqual(self.read("a/b/c.txt", self.auto_root), b"deep")

    def test_delete(self):
        self.assertEqual(self.put("/gone.txt", b"x")[0], 201)
        self.assertEqual(self.curl("/gone.txt", "-X", "DELETE")[0], 204)
        self.assertFalse(os.path.exists(os.path.join(self.root, "gone.txt")))
        self.assertEqual(self.curl("/gone.txt", "-X", "DELETE")[0], 404)

    def test_other_methods_go_to_the_next_route(self):
        self.assertEqual(self.put("/post.txt", b"x")[0], 201)
        status = self.curl("/post.txt", "-X", "POST", "--data-binary", "x")[0]
        self.assertEqual(status, 405)  # http-static's answer, not a write
        self.assertEqual(self.read("post.txt"), b"x")

    # ---- confinement ------------------------------------------------------------------------

    def test_writes_never_leave_the_root(self):
        for path in ("/../outside/new.txt", "/%2e%2e/outside/new.txt", "/sub/%2e%2e/%2e%2e/new.txt",
                     "/outdir/new.txt"):
            status = self.put(path, b"ESCAPED", "--path-as-is")[0]
            self.assertIn(status, (201, 400, 403), path)
        # A link leading out is replaced itself, never written through.
        self.assertIn(self.put("/escape", b"replaced the link")[0], (201, 204))
        self.assertFalse(os.path.islink(os.path.join(self.root, "escape")))
        self.assertEqual(self.curl("/outdir/secret.txt", "-X", "DELETE")[0], 403)
        self.assertEqual(sorted(os.listdir(self.outside)), ["secret.txt"])
        with open(os.path.join(self.outside, "secret.txt"), "rb") as f:
            self.assertEqual(f.read(), SECRET)
        # Whatever a normalised ".." led to, it is inside the root.
        for name in os.listdir(self.root):
            self.assertNotEqual(self.read(name) if os.path.isfile(os.path.join(self.root, name))
                                else b"", SECRET)

    # ---- cut and concurrent uploads ---------------------------------------------------------

    def cut(self, s):
        """Closes `s` once its upload has begun (its temporary file exists), then waits until
        the server has seen the close and removed the file (bounded)."""
        deadline = time.monotonic() + 10
        while not temp_files(self.root) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(temp_files(self.root), "the upload never started")
        s.close()
        deadline = time.monotonic() + 10
        while temp_files(self.root) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertNoTemp()

    def test_a_cut_upload_leaves_nothing(self):
        name = "cut.bin"
        s = self.raw(b"PUT /" + name.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Length: 200000\r\n\r\n" + b"y" * 100000)
        self.cut(s)
        self.assertFalse(os.path.exists(os.path.join(self.root, name)))
        # And a replacement cut short leaves the old file as it was.
        self.assertEqual(self.put("/" + name, b"old")[0], 201)
        s = self.raw(b"PUT /" + name.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n1000\r\n" + b"z" * 4096 + b"\r\n")
        self.cut(s)
        self.assertEqual(self.read(name), b"old")

    def test_concurrent_puts_to_one_name_leave_one_complete_file(self):
        bodies = [bytes([65 + i]) * (100_000 + i) for i in range(8)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda b: self.put("/race.bin", b)[0], bodies))
        self.assertTrue(all(s in (201, 204) for s in statuses), statuses)
        self.assertEqual(statuses.count(201), 1, statuses)
        self.assertIn(self.read("race.bin"), bodies)
        self.assertNoTemp()


class HttpPutConfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-http-put-config-")
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
                http-put: {{}}
                http: {{}}
            servers:
              - name: web
                protocol: http
                listen: ["127.0.0.1:0"]
                config:
                  routes:
                    - extension: put
                      config:
            """) + textwrap.indent(textwrap.dedent(route_config), " " * 12)
        return check_config(text)

    def test_a_valid_route(self):
        code, out = self.check(f"""\
            root: {self.root}
            prefix: /upload/
            filesystem: os
            max_size: 1G
            mode: "0600"
            directory_mode: "0700"
            fsync: false
            create_directories: true
            """)
        self.assertEqual(code, 0, out)

    def test_errors_are_located(self):
        for body, needle in [
            ("prefix: /x\n", "root"),
            (f"root: {self.root}\nmod: '0644'\n", "mod"),
            (f"root: {self.root}/missing\n", "missing"),
            (f"root: {self.root}\nmode: '0999'\n", "mode"),
            (f"root: {self.root}\nmax_size: 0\n", "max_size"),
            (f"root: {self.root}\nfilesystem: nosuch\n", "nosuch"),
        ]:
            code, out = self.check(body)
            self.assertNotEqual(code, 0, body)
            self.assertIn(needle, out, body)


if __name__ == "__main__":
    unittest.main()
