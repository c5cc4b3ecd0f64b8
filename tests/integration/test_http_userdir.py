"""http-userdir (Medusa's unix_user_handler, Apache's mod_userdir) end to end: real Unix users
made here with useradd, /~user/ served from their public_html by http-static's code, and curl
as the client. Needs root (to make users; CI runs as root); skipped otherwise, with the reason.

The users, with homes in a temporary directory, are removed in the class cleanup whatever
happens; their names carry the test's PID, so parallel or leftover runs do not collide.
"""
import os
import shutil
import subprocess
import tempfile
import textwrap
import time
import unittest

from gorgon_harness import PLUGIN_DIR, Gorgon, add_user, have_user_tools, remove_user
from test_http_static import CURL_TIMEOUT, clean_exit_problem, parse_head, write

PLUGINS = ("http.so", "http-static.so", "http-userdir.so", "fs-os.so")
SECRET = b"TOP-SECRET-OUTSIDE-PUBLIC-HTML"
TAG = os.getpid() % 100000
ANN = f"gud{TAG}ann"        # a regular user with a public_html
BOB = f"gud{TAG}bob"        # a regular user without one
SYS = f"gud{TAG}sys"        # a system account (uid below 1000) with one
LNK = f"gud{TAG}lnk"        # public_html a link to a directory root owns
OFF = f"gud{TAG}off"        # excluded by the configuration
NEW = f"gud{TAG}new"        # gets a public_html while the server runs
USERS = (ANN, BOB, SYS, LNK, OFF, NEW)
TTL = 1.0                   # cache_ttl in the configuration, seconds


def config(plugin_dir):
    return textwrap.dedent(f"""\
        plugins:
          directory: {plugin_dir}
          runtime_directory: @DIR@/run
          load:
            fs-os: {{}}
            http-static: {{}}
            http-userdir: {{}}
            http: {{}}
        servers:
          - name: web
            protocol: http
            listen: ["127.0.0.1:0"]
            config:
              routes:
                - extension: userdir
                  config:
                    exclude: [{OFF}]
                    cache_ttl: {int(TTL * 1000)}ms
                    static:
                      listing: true
        """)


def public_html(entry, files):
    """Makes the user's home (0711: others may pass, not list) and public_html with `files`,
    everything owned by the user, as a user would have it."""
    home = entry.pw_dir
    os.makedirs(home, exist_ok=True)
    os.chmod(home, 0o711)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.makedirs(os.path.join(home, "public_html"), exist_ok=True)
    for rel, data in files.items():
        write(os.path.join(home, "public_html", rel), data)
    for dirpath, dirnames, filenames in os.walk(home):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid)


@unittest.skipUnless(have_user_tools(), "real users need root, useradd and userdel (CI has them)")
class HttpUserdir(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-userdir-")
        cls.addClassCleanup(cls.tmp.cleanup)
        for user in USERS:
            cls.addClassCleanup(remove_user, user)
        base = cls.tmp.name
        os.chmod(base, 0o755)
        cls.plugin_dir = os.path.join(base, "plugins")
        os.mkdir(cls.plugin_dir)
        for name in PLUGINS:
            src = os.path.join(PLUGIN_DIR, name)
            if not os.path.exists(src):
                raise AssertionError(f"{src} is missing: build the plugins first")
            shutil.copyfile(src, os.path.join(cls.plugin_dir, name))
            os.chmod(os.path.join(cls.plugin_dir, name), 0o644)
        outside = os.path.join(base, "outside")
        write(os.path.join(outside, "secret.txt"), SECRET)

        ann = add_user(ANN, home=os.path.join(base, "home", ANN))
        cls.ann_hello = b"Hello from ann's public_html!\n" * 20
        public_html(ann, {
            "index.html": "<title>ann's page</title>\n",
            "hello.txt": cls.ann_hello,
            "sub/a.txt": "a\n",
        })
        pub = os.path.join(ann.pw_dir, "public_html")
        os.symlink(os.path.join(outside, "secret.txt"), os.path.join(pub, "escape"))
        os.symlink("../../../outside/secret.txt", os.path.join(pub, "relescape"))
        os.symlink("/etc/passwd", os.path.join(pub, "passwd"))
        os.symlink("hello.txt", os.path.join(pub, "inside"))

        bob = add_user(BOB, home=os.path.join(base, "home", BOB))
        public_html(bob, {})
        os.rmdir(os.path.join(bob.pw_dir, "public_html"))

        sys_user = add_user(SYS, home=os.path.join(base, "home", SYS), system=True)
        assert sys_user.pw_uid < 1000, sys_user
        public_html(sys_user, {"index.html": "system account\n"})

        lnk = add_user(LNK, home=os.path.join(base, "home", LNK))
        public_html(lnk, {})
        os.rmdir(os.path.join(lnk.pw_dir, "public_html"))
        os.symlink(outside, os.path.join(lnk.pw_dir, "public_html"))

        off = add_user(OFF, home=os.path.join(base, "home", OFF))
        public_html(off, {"index.html": "excluded\n"})

        cls.new = add_user(NEW, home=os.path.join(base, "home", NEW))
        public_html(cls.new, {})
        os.rmdir(os.path.join(cls.new.pw_dir, "public_html"))

        cls.g = Gorgon(config(cls.plugin_dir), plugin_dir=cls.plugin_dir)
        cls.addClassCleanup(cls.g.__exit__, None, None, None)
        cls.g.start(["web"])
        cls.host, cls.port = cls.g.address("web")

    @classmethod
    def tearDownClass(cls):
        problem = clean_exit_problem(cls.g)
        if problem:
            raise AssertionError(problem)

    def curl(self, path, *args):
        """(status, headers, body); --path-as-is: the path goes out exactly as written."""
        with tempfile.TemporaryDirectory(prefix="gorgon-curl-") as d:
            hdr, out = os.path.join(d, "h"), os.path.join(d, "b")
            cmd = ["curl", "-sS", "--max-time", str(CURL_TIMEOUT), "--path-as-is", "-D", hdr,
                   "-o", out, *args, f"http://{self.host}:{self.port}{path}"]
            p = subprocess.run(cmd, capture_output=True, timeout=CURL_TIMEOUT + 10,
                               stdin=subprocess.DEVNULL)
            if p.returncode != 0:
                raise AssertionError(f"curl failed ({p.returncode}): {p.stderr.decode()}\n"
                                     f"{self.g.log()[-3000:]}")
            with open(hdr, "rb") as f:
                _, status, headers = parse_head(f.read())
            body = b""
            if os.path.exists(out):
                with open(out, "rb") as f:
                    body = f.read()
            return status, {k: v[0] for k, v in headers.items()}, body

    def test_file_with_static_features(self):
        status, headers, body = self.curl(f"/~{ANN}/hello.txt")
        self.assertEqual((status, body), (200, self.ann_hello))
        self.assertTrue(headers["content-type"].startswith("text/plain"), headers)
        etag = headers["etag"]
        # Conditionals and ranges are http-static's: the same code answers.
        status, _, body = self.curl(f"/~{ANN}/hello.txt", "-H", f"If-None-Match: {etag}")
        self.assertEqual((status, body), (304, b""))
        status, headers, body = self.curl(f"/~{ANN}/hello.txt", "-H", "Range: bytes=0-4")
        self.assertEqual((status, body), (206, b"Hello"))
        self.assertEqual(headers["content-range"], f"bytes 0-4/{len(self.ann_hello)}")
        # The index file, a link that stays inside, a listing (static: {listing: true}).
        status, _, body = self.curl(f"/~{ANN}/")
        self.assertEqual((status, body), (200, b"<title>ann's page</title>\n"))
        status, _, body = self.curl(f"/~{ANN}/inside")
        self.assertEqual((status, body), (200, self.ann_hello))
        status, _, body = self.curl(f"/~{ANN}/sub/")
        self.assertEqual(status, 200)
        self.assertIn(b"a.txt", body)

    def test_redirects_keep_the_query(self):
        for path, location in ((f"/~{ANN}", f"/~{ANN}/"),
                               (f"/~{ANN}?x=1&y=2", f"/~{ANN}/?x=1&y=2"),
                               # The same for a name that does not exist: nothing is revealed.
                               ("/~nosuchuser", "/~nosuchuser/")):
            status, headers, _ = self.curl(path)
            self.assertEqual(status, 301, path)
            self.assertTrue(headers["location"].endswith(location), (path, headers))
        # A directory without its slash inside public_html: http-static's redirect, URL kept.
        status, headers, _ = self.curl(f"/~{ANN}/sub?q=1")
        self.assertEqual(status, 301)
        self.assertTrue(headers["location"].endswith(f"/~{ANN}/sub/?q=1"), headers)

    def test_refusals_are_one_answer(self):
        """An unknown user, root, a system account, one without public_html, one whose
        public_html is not theirs, an excluded one: all the same 404."""
        answers = {}
        for user in ("nosuchuser" + str(TAG), "root", SYS, BOB, LNK, OFF, "-bad", "a*b"):
            status, headers, body = self.curl(f"/~{user}/")
            answers[user] = (status, headers.get("content-type"), headers.get("content-length"),
                             body)
            self.assertEqual(status, 404, (user, body))
        self.assertEqual(len(set(answers.values())), 1, answers)
        # Asked again, now from the cache: the same.
        status, _, body = self.curl(f"/~{SYS}/index.html")
        self.assertEqual(status, 404)
        self.assertNotIn(b"system account", body)

    def test_links_and_traversal_stay_inside(self):
        for path in (f"/~{ANN}/escape", f"/~{ANN}/relescape", f"/~{ANN}/passwd",
                     f"/~{ANN}/..%2f..%2f..%2foutside/secret.txt",
                     f"/~{ANN}/..%2f..%2fetc/passwd", f"/~{ANN}/%2e%2e/%2e%2e/etc/passwd",
                     f"/~{ANN}/../../etc/passwd", f"/~{LNK}/secret.txt"):
            status, _, body = self.curl(path)
            self.assertNotEqual(status, 200, path)
            self.assertNotIn(SECRET, body, path)
            self.assertNotIn(b"root:", body, path)

    def test_cached_refusal_expires(self):
        """A name's 404 is cached for cache_ttl, not forever (Medusa kept its filesystems
        forever): a public_html made afterwards is served once the entry has expired."""
        self.assertEqual(self.curl(f"/~{NEW}/")[0], 404)
        public_html(self.new, {"index.html": "new page\n"})
        made = time.monotonic()
        # The entry expires TTL after the 404; 20 TTLs of margin for a loaded machine. Until
        # then the answer is the cached 404, never anything else.
        while True:
            status, _, body = self.curl(f"/~{NEW}/")
            if status == 200:
                self.assertEqual(body, b"new page\n")
                break
            self.assertEqual(status, 404)
            self.assertLess(time.monotonic() - made, 20 * TTL, "the cached 404 never expired")
            time.sleep(TTL / 10)

    def test_head_and_methods(self):
        status, headers, body = self.curl(f"/~{ANN}/hello.txt", "--head")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-length"], str(len(self.ann_hello)))
        status, headers, _ = self.curl(f"/~{ANN}/hello.txt", "-X", "DELETE")
        self.assertEqual(status, 405)
        self.assertIn("GET", headers["allow"])


if __name__ == "__main__":
    unittest.main()
