"""fs-union end to end: two directories overlaid ("top:low") served by http-static and by ftp,
each naming `filesystem: union`, from one gorgon with the http, http-static, ftp, fs-os and
fs-union plugins. Reads come from the top-most layer that has a name, listings are merged,
writes go to the top layer, a lower-only file cannot be deleted, and nothing leaves a layer.

The pure parts (the layer list, path normalisation, listing merges) are in
tests/unit/fs_union_test.cpp. Every socket has a timeout, and the server is always stopped.
"""
import ftplib
import io
import json
import os
import tempfile
import textwrap
import unittest

from gorgon_harness import (Gorgon, check_config, copy_plugins as harness_copy_plugins,
                            ftp_server, gorgon_config, http_server, start_or_discard,
                            stop_and_discard)
from http_client import http_get
from test_ftp import crypt_hash, ftp_login

PLUGINS = ("http.so", "http-static.so", "ftp.so", "fs-os.so", "fs-union.so")
SECRET = b"TOP-SECRET-OUTSIDE-THE-LAYERS"
TIMEOUT = 10


def copy_plugins(dest, names=PLUGINS):
    harness_copy_plugins(dest, names)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def make_layers(base):
    """base/top and base/low (the layers) and base/outside (never reachable). Returns the
    union's root string. The top layer is world-writable: as root, virtual users act as nobody."""
    top = os.path.join(base, "top")
    low = os.path.join(base, "low")
    write(os.path.join(base, "outside", "secret.txt"), SECRET)
    write(os.path.join(top, "same.txt"), "from the top layer\n")
    write(os.path.join(low, "same.txt"), "from the low layer\n")
    write(os.path.join(top, "top-only.txt"), "top only\n")
    write(os.path.join(low, "low-only.txt"), "low only\n")
    write(os.path.join(low, "delete-me.txt"), "lower layer, not deletable\n")
    write(os.path.join(top, "dir", "a.txt"), "a in top\n")
    write(os.path.join(low, "dir", "b.txt"), "b in low\n")
    write(os.path.join(low, "deep", "x", "y.txt"), "deep in low\n")
    # A file in the top layer hides the directory of that name below.
    write(os.path.join(top, "shadow"), "a file over a directory\n")
    write(os.path.join(low, "shadow", "inner.txt"), "hidden\n")
    # Symbolic links pointing out of their layer, in each layer.
    os.symlink("../outside/secret.txt", os.path.join(top, "escape"))
    os.symlink(os.path.join(base, "outside"), os.path.join(low, "outdir"))
    for d, _, _ in os.walk(top):
        os.chmod(d, 0o777)
    return f"{top}:{low}"


def config(plugin_dir, union_root, passwd):
    ftp = {
        "filesystem": "union",
        "anonymous": {"root": union_root},
        "virtual_users": {"file": passwd, "root": union_root, "write": True},
        "login_failure_delay": "50ms",
    }
    web = http_server([{"extension": "static",
                        "config": {"filesystem": "union", "root": union_root, "listing": True}}])
    return gorgon_config(plugin_dir, ("fs-os", "http-static", "http", "ftp"),
                         [web, ftp_server(ftp)])


class FsUnion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="gorgon-fs-union-")
        cls.plugin_dir = os.path.join(cls.base, "plugins")
        os.makedirs(cls.plugin_dir)
        copy_plugins(cls.plugin_dir)
        cls.union = make_layers(cls.base)
        passwd = os.path.join(cls.base, "ftp.passwd")
        with open(passwd, "w") as f:
            f.write(f"writer:{crypt_hash('w-secret')}::rw\n")
        cls.g = Gorgon(config(cls.plugin_dir, cls.union, passwd))
        start_or_discard(cls.g, cls.base, ("web", "ftp"))

    @classmethod
    def tearDownClass(cls):
        stop_and_discard(cls.g, cls.base)

    # ---- helpers ----

    def get(self, path):
        return http_get(self.g.address("web"), path, timeout=TIMEOUT)

    def ftp(self, user="anonymous", password="test@example"):
        return ftp_login(self, self.g.address("ftp"), user, password)

    @staticmethod
    def retr(f, path):
        buf = io.BytesIO()
        f.retrbinary(f"RETR {path}", buf.write)
        return buf.getvalue()

    # ---- HTTP ----

    def test_http_reads_the_top_most_layer_that_has_the_name(self):
        self.assertEqual(self.get("/low-only.txt"), (200, b"low only\n"))
        self.assertEqual(self.get("/top-only.txt"), (200, b"top only\n"))
        self.assertEqual(self.get("/same.txt"), (200, b"from the top layer\n"))
        self.assertEqual(self.get("/dir/b.txt"), (200, b"b in low\n"))
        self.assertEqual(self.get("/deep/x/y.txt"), (200, b"deep in low\n"))
        self.assertEqual(self.get("/shadow"), (200, b"a file over a directory\n"))
        # The directory below the file is hidden, whatever it holds.
        self.assertEqual(self.get("/shadow/inner.txt")[0], 404)
        self.assertEqual(self.get("/missing.txt")[0], 404)

    def test_http_listing_is_merged(self):
        status, body = self.get("/")
        self.assertEqual(status, 200)
        text = body.decode()
        for name in ("same.txt", "top-only.txt", "low-only.txt", "dir/", "deep/"):
            self.assertEqual(text.count(f'href="{name}"'), 1, (name, text))
        self.assertNotIn('href="shadow/"', text)  # the file hides the directory
        status, body = self.get("/dir/")
        self.assertEqual(status, 200)
        self.assertIn('href="a.txt"', body.decode())
        self.assertIn('href="b.txt"', body.decode())

    def test_http_never_leaves_a_layer(self):
        for path in ("/escape", "/outdir/secret.txt", "/outdir/"):
            status, body = self.get(path)
            self.assertEqual(status, 404, path)
            self.assertNotIn(SECRET, body, path)
        for path in ("/../outside/secret.txt", "/%2e%2e/outside/secret.txt",
                     "/dir/%2E%2E/%2e%2e/outside/secret.txt"):
            status, body = self.get(path)
            self.assertEqual(status, 400, path)  # the http plugin refuses a climb above "/"
            self.assertNotIn(SECRET, body, path)

    # ---- FTP ----

    def test_ftp_retr_from_either_layer(self):
        f = self.ftp()
        self.assertEqual(self.retr(f, "low-only.txt"), b"low only\n")
        self.assertEqual(self.retr(f, "same.txt"), b"from the top layer\n")
        self.assertEqual(self.retr(f, "/dir/b.txt"), b"b in low\n")
        with self.assertRaises(ftplib.error_perm):
            self.retr(f, "shadow/inner.txt")

    def test_ftp_listings_are_merged(self):
        f = self.ftp()
        names = f.nlst()
        for name in ("same.txt", "top-only.txt", "low-only.txt", "dir", "deep", "shadow"):
            self.assertEqual(names.count(name), 1, (name, names))
        self.assertEqual(sorted(f.nlst("dir")), ["a.txt", "b.txt"])
        lines = []
        f.retrlines("LIST", lines.append)
        shadow = [line for line in lines if line.endswith(" shadow")]
        self.assertEqual(len(shadow), 1, lines)
        self.assertTrue(shadow[0].startswith("-"), shadow)  # the top layer's file
        self.assertEqual(sum(line.endswith(" same.txt") for line in lines), 1, lines)

    def test_ftp_never_leaves_a_layer(self):
        f = self.ftp()
        for path in ("escape", "outdir/secret.txt", "../outside/secret.txt",
                     "/../../outside/secret.txt", "%2e%2e/outside/secret.txt"):
            with self.assertRaises(ftplib.error_perm, msg=path):
                self.retr(f, path)
        listing = []
        try:
            f.retrlines("LIST outdir", listing.append)
        except ftplib.error_perm:
            pass
        self.assertFalse(any("secret" in line for line in listing), listing)

    def test_ftp_stor_goes_to_the_top_layer(self):
        f = self.ftp("writer", "w-secret")
        top = os.path.join(self.base, "top")
        low = os.path.join(self.base, "low")
        f.storbinary("STOR new.txt", io.BytesIO(b"uploaded\n"))
        with open(os.path.join(top, "new.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"uploaded\n")
        self.assertFalse(os.path.exists(os.path.join(low, "new.txt")))
        # Into a directory only the lower layer has: made in the top layer as well.
        f.storbinary("STOR deep/x/up.txt", io.BytesIO(b"deep upload\n"))
        with open(os.path.join(top, "deep", "x", "up.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"deep upload\n")
        self.assertEqual(self.retr(f, "deep/x/y.txt"), b"deep in low\n")
        # Replacing a lower file: the top layer gets the new one, the lower one is untouched.
        write(os.path.join(low, "replace.txt"), "old\n")
        f.storbinary("STOR replace.txt", io.BytesIO(b"new\n"))
        self.assertEqual(self.retr(f, "replace.txt"), b"new\n")
        with open(os.path.join(low, "replace.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"old\n")
        self.assertEqual(self.get("/new.txt"), (200, b"uploaded\n"))
        # A file only the top layer has can be deleted.
        f.delete("new.txt")
        self.assertFalse(os.path.exists(os.path.join(top, "new.txt")))

    def test_ftp_dele_of_a_lower_only_file_is_refused(self):
        f = self.ftp("writer", "w-secret")
        with self.assertRaises(ftplib.error_perm) as ctx:
            f.delete("delete-me.txt")
        self.assertTrue(str(ctx.exception).startswith("550"), ctx.exception)
        self.assertTrue(os.path.exists(os.path.join(self.base, "low", "delete-me.txt")))
        self.assertEqual(self.retr(f, "delete-me.txt"), b"lower layer, not deletable\n")
        # In the top layer and below it too: removing it would only show the lower one again.
        with self.assertRaises(ftplib.error_perm):
            f.delete("same.txt")
        self.assertTrue(os.path.exists(os.path.join(self.base, "top", "same.txt")))
        # Nor can a lower entry be moved.
        with self.assertRaises(ftplib.error_perm):
            f.rename("low-only.txt", "moved.txt")
        self.assertTrue(os.path.exists(os.path.join(self.base, "low", "low-only.txt")))

    def test_ftp_directories_are_made_and_removed_in_the_top_layer(self):
        f = self.ftp("writer", "w-secret")
        f.mkd("dir/made")
        self.assertTrue(os.path.isdir(os.path.join(self.base, "top", "dir", "made")))
        self.assertFalse(os.path.exists(os.path.join(self.base, "low", "dir", "made")))
        with self.assertRaises(ftplib.error_perm):
            f.mkd("deep")  # a lower layer has it
        f.rmd("dir/made")
        self.assertFalse(os.path.exists(os.path.join(self.base, "top", "dir", "made")))
        with self.assertRaises(ftplib.error_perm):
            f.rmd("deep/x")  # only in the lower layer
        self.assertTrue(os.path.isdir(os.path.join(self.base, "low", "deep", "x")))

    def test_anonymous_cannot_write(self):
        f = self.ftp()
        with self.assertRaises(ftplib.error_perm):
            f.storbinary("STOR anon.txt", io.BytesIO(b"x"))
        self.assertFalse(os.path.exists(os.path.join(self.base, "top", "anon.txt")))


class FsUnionConfig(unittest.TestCase):
    """A provider that is not there, or a bad layer list, fails the configuration with a
    located message."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-fs-union-config-")
        cls.plugin_dir = os.path.join(cls.tmp.name, "plugins")
        os.mkdir(cls.plugin_dir)
        copy_plugins(cls.plugin_dir)
        cls.a = os.path.join(cls.tmp.name, "a")
        cls.b = os.path.join(cls.tmp.name, "b")
        os.mkdir(cls.a)
        os.mkdir(cls.b)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def http(self, route):
        return check_config(textwrap.dedent(f"""\
            plugins:
              directory: {self.plugin_dir}
              load:
                http: {{}}
            servers:
              - name: web
                protocol: http
                listen: ["127.0.0.1:0"]
                config:
                  routes:
                    - extension: static
                      config: {json.dumps(route)}
            """))

    def ftp(self, settings):
        return check_config(textwrap.dedent(f"""\
            plugins:
              directory: {self.plugin_dir}
              load:
                ftp: {{}}
            servers:
              - name: ftp
                protocol: ftp
                listen: ["127.0.0.1:0"]
                config: {json.dumps(settings)}
            """))

    def test_valid(self):
        code, out = self.http({"filesystem": "union", "root": f"{self.a}:{self.b}"})
        self.assertEqual(code, 0, out)
        code, out = self.ftp({"filesystem": "union", "anonymous": {"root": f"{self.a}:{self.b}"}})
        self.assertEqual(code, 0, out)

    def test_no_such_provider(self):
        code, out = self.http({"filesystem": "nosuch", "root": self.a})
        self.assertNotEqual(code, 0, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*filesystem:nosuch")
        code, out = self.ftp({"filesystem": "nosuch", "anonymous": {"root": self.a}})
        self.assertNotEqual(code, 0, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*filesystem:nosuch")

    def test_bad_kind(self):
        code, out = self.http({"filesystem": "Bad/Kind", "root": self.a})
        self.assertNotEqual(code, 0, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*provider's kind")

    def test_empty_or_missing_layer(self):
        code, out = self.http({"filesystem": "union", "root": f"{self.a}::{self.b}"})
        self.assertNotEqual(code, 0, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*layer 2 .* is empty")
        missing = os.path.join(self.tmp.name, "missing")
        code, out = self.http({"filesystem": "union", "root": f"{self.a}:{missing}"})
        self.assertNotEqual(code, 0, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*layer 2 \(.*missing\)")

    def test_ftp_upload_dir_needs_os(self):
        code, out = self.ftp({"filesystem": "union",
                              "anonymous": {"root": f"{self.a}:{self.b}", "upload_dir": "in"}})
        self.assertNotEqual(code, 0, out)
        self.assertRegex(out, r"gorgon\.yaml:\d+:\d+: .*upload_dir needs `filesystem: os`")


if __name__ == "__main__":
    unittest.main()
