"""The ftp plugin with the clients people use: curl (download, upload, resumed upload and
download with -C -, active mode) and lftp (a tree mirrored down and up, passive and active).
Every client call has a deadline.
"""
import filecmp
import os
import shutil
import subprocess
import tempfile
import unittest

from test_ftp import FtpServerCase, standard_settings

CLIENT_TIMEOUT = 60


def run(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=CLIENT_TIMEOUT,
                          stdin=subprocess.DEVNULL, **kw)


def same_tree(a, b):
    """True when directories a and b hold the same names and file contents."""
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


@unittest.skipUnless(shutil.which("curl"), "curl is not installed (packaging/install-deps.sh)")
class Curl(FtpServerCase):
    @classmethod
    def settings(cls, base, root):
        return standard_settings(base, root)

    def url(self, path, user=None):
        cred = f"{user}@" if user else ""
        return f"ftp://{cred}{self.addr[0]}:{self.addr[1]}/{path}"

    def scratch(self):
        d = tempfile.mkdtemp(prefix="gorgon-curl-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def test_download_listing_and_active_mode(self):
        d = self.scratch()
        out = os.path.join(d, "big.bin")
        p = run(["curl", "-sS", "-o", out, self.url("big.bin")])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(filecmp.cmp(out, os.path.join(self.root, "big.bin"), shallow=False))
        p = run(["curl", "-sS", self.url("sub/")])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([line.split()[-1] for line in p.stdout.decode().splitlines()],
                         ["a.txt", "b.txt"])
        # Active mode: curl sends EPRT (then PORT) with its own address.
        p = run(["curl", "-sS", "-P", "127.0.0.1", self.url("hello.txt")])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, b"Hello, FTP!\n")
        p = run(["curl", "-sS", "--disable-epsv", self.url("hello.txt")])  # PASV
        self.assertEqual(p.stdout, b"Hello, FTP!\n")
        p = run(["curl", "-sS", self.url("nope.txt")])
        self.assertNotEqual(p.returncode, 0)

    def test_resumed_download(self):
        d = self.scratch()
        out = os.path.join(d, "big.bin")
        with open(os.path.join(self.root, "big.bin"), "rb") as src:
            whole = src.read()
        with open(out, "wb") as f:
            f.write(whole[:1_000_000])
        p = run(["curl", "-sS", "-C", "-", "-o", out, self.url("big.bin")])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), whole)

    def test_upload_and_resumed_upload(self):
        d = self.scratch()
        src = os.path.join(d, "payload.bin")
        payload = os.urandom(2_500_000)
        with open(src, "wb") as f:
            f.write(payload)
        rw = os.path.join(self.base, "rw")
        p = run(["curl", "-sS", "-T", src, self.url("up/payload.bin", "writer:rw-secret"),
                 "--ftp-create-dirs"])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(rw, "up", "payload.bin"), "rb") as f:
            self.assertEqual(f.read(), payload)
        # An upload that stopped half way (here: the first half uploaded whole), resumed:
        # curl asks SIZE and sends the rest with APPE.
        half = os.path.join(d, "half.bin")
        with open(half, "wb") as f:
            f.write(payload[:1_000_000])
        p = run(["curl", "-sS", "-T", half, self.url("resumed.bin", "writer:rw-secret")])
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run(["curl", "-sS", "-C", "-", "-T", src, self.url("resumed.bin", "writer:rw-secret")])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(rw, "resumed.bin"), "rb") as f:
            self.assertEqual(f.read(), payload)
        # Anonymous uploads go to the upload directory only.
        p = run(["curl", "-sS", "-T", half, self.url("incoming/anon.bin")])
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run(["curl", "-sS", "-T", half, self.url("anon.bin")])
        self.assertNotEqual(p.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.root, "anon.bin")))


@unittest.skipUnless(shutil.which("lftp"), "lftp is not installed (packaging/install-deps.sh)")
class Lftp(FtpServerCase):
    @classmethod
    def settings(cls, base, root):
        tree = os.path.join(root, "tree")
        for i in range(30):
            sub = os.path.join(tree, f"dir{i % 4}", f"nested{i % 3}")
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, f"file{i}.bin"), "wb") as f:
                f.write(os.urandom(1000 * i + 1))
        with open(os.path.join(tree, "empty.txt"), "wb"):
            pass
        return standard_settings(base, root)

    def lftp(self, commands, user="anonymous", password="lftp@example"):
        script = ("set net:max-retries 1; set net:timeout 15; set net:reconnect-interval-base 1; "
                  "set cmd:fail-exit yes; set xfer:clobber yes; " + commands + "; quit")
        p = run(["lftp", "-u", f"{user},{password}", "-p", str(self.addr[1]), "-e", script,
                 self.addr[0]])
        self.assertEqual(p.returncode, 0, (p.stdout.decode(), p.stderr.decode(), self.g.log()[-3000:]))
        return p

    def scratch(self):
        d = tempfile.mkdtemp(prefix="gorgon-lftp-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def test_mirror_down_passive_and_active(self):
        for passive in ("on", "off"):
            with self.subTest(passive=passive):
                d = self.scratch()
                self.lftp(f"set ftp:passive-mode {passive}; mirror tree {d}/tree")
                self.assertTrue(same_tree(os.path.join(self.root, "tree"), os.path.join(d, "tree")))

    def test_mirror_up_passive_and_active(self):
        src = os.path.join(self.root, "tree")
        for passive in ("on", "off"):
            with self.subTest(passive=passive):
                target = f"up-{passive}"
                self.lftp(f"set ftp:passive-mode {passive}; mirror -R {src} {target}",
                          user="writer", password="rw-secret")
                self.assertTrue(same_tree(src, os.path.join(self.base, "rw", target)))


if __name__ == "__main__":
    unittest.main()
