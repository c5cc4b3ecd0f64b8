"""The ftp plugin with real Unix users: a system user made here (useradd, chpasswd), logged in
with its password from the shadow database, confined to its home directory, and acting on
files as itself: what it creates is its own, and a file only root may read stays unread. Needs
root (to make the user, and because real_users does); skipped otherwise, with the reason.
"""
import ftplib
import io
import os
import shutil
import subprocess
import time
import unittest

from gorgon_harness import IS_ROOT, add_user, have_user_tools, remove_user
from test_ftp import TIMEOUT, FtpServerCase

USER = f"gorgonftp{os.getpid() % 100000}"
PASSWORD = "Real-User-Pw-123"


def have_tools():
    return have_user_tools() and shutil.which("chpasswd") is not None


@unittest.skipUnless(IS_ROOT, "real users need root: run as root (CI does) to test them")
@unittest.skipUnless(have_tools(), "useradd, userdel and chpasswd are needed")
class RealUsers(FtpServerCase):
    @classmethod
    def settings(cls, base, root):
        remove_user(USER, remove_home=True)
        entry = add_user(USER)
        subprocess.run(["chpasswd"], input=f"{USER}:{PASSWORD}\n".encode(), check=True,
                       capture_output=True, timeout=30)
        cls.home, cls.uid, cls.gid = entry.pw_dir, entry.pw_uid, entry.pw_gid
        # Inside the user's home, but only root may read it.
        with open(os.path.join(cls.home, "root-only.txt"), "w") as f:
            f.write("for root's eyes\n")
        os.chmod(os.path.join(cls.home, "root-only.txt"), 0o600)
        with open(os.path.join(cls.home, "mine.txt"), "w") as f:
            f.write("the user's own\n")
        os.chown(os.path.join(cls.home, "mine.txt"), cls.uid, cls.gid)
        return {"real_users": {}, "login_failure_delay": "10ms"}

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            remove_user(USER, remove_home=True)

    def test_login_and_persona(self):
        f = ftplib.FTP()
        f.connect(*self.addr, timeout=TIMEOUT)
        self.addCleanup(f.close)
        f.login(USER, PASSWORD)
        self.assertEqual(f.pwd(), "/")  # the home directory is the root
        names = f.nlst("-a")
        self.assertIn("mine.txt", names)
        out = io.BytesIO()
        f.retrbinary("RETR mine.txt", out.write)
        self.assertEqual(out.getvalue(), b"the user's own\n")
        # The file only root may read is refused: the open ran as the user.
        with self.assertRaises(ftplib.error_perm) as e:
            f.retrbinary("RETR root-only.txt", out.write)
        self.assertTrue(str(e.exception).startswith("550"), e.exception)
        # What the user makes is the user's.
        f.storbinary("STOR made.txt", io.BytesIO(b"made by the user\n"))
        f.mkd("made-dir")
        for name in ("made.txt", "made-dir"):
            st = os.stat(os.path.join(self.home, name))
            self.assertEqual((st.st_uid, st.st_gid), (self.uid, self.gid), name)
        # The server went back to its own identity: it still reads what only root may.
        with open(os.path.join(self.home, "root-only.txt")) as fh:
            self.assertEqual(fh.read(), "for root's eyes\n")
        self.assertEqual(os.getuid(), 0)
        # Nothing outside the home.
        with self.assertRaises(ftplib.error_perm):
            f.cwd("/etc")
        with self.assertRaises(ftplib.error_perm):
            f.size("../../etc/shadow")
        f.quit()

    def test_wrong_password_and_root_refused(self):
        for user, password in ((USER, "wrong"), ("root", "anything"), ("nosuchuser", "x")):
            f = ftplib.FTP()
            f.connect(*self.addr, timeout=TIMEOUT)
            try:
                with self.assertRaises(ftplib.error_perm, msg=user) as e:
                    f.login(user, password)
                self.assertTrue(str(e.exception).startswith("530"), e.exception)
            finally:
                f.close()


if __name__ == "__main__":
    unittest.main()
