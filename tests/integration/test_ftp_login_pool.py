"""FTP password checks run on the host's work pool, not on the loop: 20 concurrent yescrypt
logins while curl downloads a file from an HTTP server in the same gorgon. The hashes use
yescrypt cost 8 (mkpasswd -R 8): about 0.4 s of CPU each on this class of machine, so a check
made on the loop would hold it for at least that long. The loop-lag watchdog (warn_ms: 100)
times every callback into a plugin; the test asserts that none of the callbacks made while the
logins ran held the loop for 100 ms (no watchdog line in that window; gorgonctl status agrees
when the window set a new maximum), that every login succeeded through the pool, and that the
download completed. The bound sits well above what a busy machine's scheduler can add to a short
callback (a 2-core machine at load 16 was seen to add 27 ms to one) and well below one hash.

Also: a client that sends commands during its check gets them answered in order afterwards, and
a client that leaves mid-check does not disturb the server."""
import ftplib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from gorgon_harness import BIN, PLUGIN_DIR, Gorgon

CTL = os.path.join(os.path.dirname(BIN), "gorgonctl")
USERS = 20
WARN_MS = 100  # the watchdog's bound: far below one cost-8 hash, far above scheduling noise
PASSWORD = "pool-secret"


def yescrypt(password):
    return subprocess.run(["mkpasswd", "-m", "yescrypt", "-R", "8", password], capture_output=True,
                          text=True, check=True, timeout=60).stdout.strip()


class FtpLoginPool(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-ftp-pool-")
        self.addCleanup(tmp.cleanup)
        base = tmp.name
        plugins = os.path.join(base, "plugins")
        os.makedirs(plugins)
        for name in ("ftp.so", "fs-os.so", "http.so", "http-static.so", "monitor.so"):
            shutil.copyfile(os.path.join(PLUGIN_DIR, name), os.path.join(plugins, name))
        root = os.path.join(base, "root")
        os.makedirs(os.path.join(root, "users"), mode=0o777)
        with open(os.path.join(root, "big.bin"), "wb") as f:
            f.write(os.urandom(1024 * 1024) * 24)
        digest = yescrypt(PASSWORD)
        passwd = os.path.join(base, "ftp.passwd")
        with open(passwd, "w") as f:
            for i in range(USERS):
                f.write(f"user{i}:{digest}:{root}/users:ro\n")
        ftp = {"virtual_users": {"file": passwd}, "anonymous": {"enabled": False},
               "login_failure_delay": "0s", "lockout": {"failures": 1000}}
        servers = [
            {"name": "ftp", "protocol": "ftp", "listen": ["127.0.0.1:0"], "config": ftp},
            {"name": "web", "protocol": "http", "listen": ["127.0.0.1:0"],
             "config": {"routes": [{"extension": "static", "config": {"root": root}}]}},
            {"name": "monitor", "protocol": "monitor", "listen": ["unix:@DIR@/monitor.sock"]},
        ]
        g = Gorgon("plugins:\n"
                   f"  directory: {plugins}\n"
                   "  runtime_directory: @DIR@/run\n"
                   "  load:\n    fs-os: {}\n    http-static: {}\n    http: {}\n    ftp: {}\n"
                   "work_pool:\n  threads: 2\n"
                   f"watchdog:\n  warn_ms: {WARN_MS}\n"
                   f"servers: {json.dumps(servers)}\n")
        self.addCleanup(g.__exit__, None, None, None)
        g.start(expect_servers=("ftp", "web", "monitor"))
        self.g = g

    def status(self):
        p = subprocess.run([CTL, "--socket", os.path.join(self.g.dir, "monitor.sock"), "--json",
                            "status"], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return json.loads(p.stdout)

    def login(self, i, results):
        try:
            f = ftplib.FTP()
            f.connect(*self.g.address("ftp"), timeout=60)
            f.login(f"user{i}", PASSWORD)
            results[i] = f.pwd()
            f.quit()
        except Exception as e:  # reported by the main thread
            results[i] = e

    def test_twenty_yescrypt_logins_do_not_hold_the_loop(self):
        # Loading the plugins may itself have held the loop (init, server_open): the window
        # that counts starts here.
        before = self.status()["loop_lag"]
        start = len(self.g.log())
        host, port = self.g.address("web")
        # About 2 s at this rate: the download overlaps the logins.
        curl = subprocess.Popen(["curl", "-sS", "-o", "/dev/null", "--limit-rate", "12M",
                                 "-w", "%{http_code} %{size_download}",
                                 f"http://{host}:{port}/big.bin"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            results = [None] * USERS
            threads = [threading.Thread(target=self.login, args=(i, results))
                       for i in range(USERS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            out, err = curl.communicate(timeout=120)
        finally:
            if curl.poll() is None:
                curl.kill()
                curl.wait()
        self.assertEqual(results, ["/"] * USERS, self.g.log()[start:])
        self.assertEqual(out, f"200 {24 * 1024 * 1024}", err)
        window = self.g.log()[start:]
        self.assertEqual(len(re.findall(r"virtual user user\d+ logged in", window)), USERS)
        self.assertNotRegex(window, r"watchdog: plugin \S+ held the loop")
        doc = self.status()
        self.assertGreaterEqual(doc["work_pool"]["total"], USERS)
        self.assertEqual(doc["work_pool"]["pending"], 0)
        lag = doc["loop_lag"]
        if lag["max_us"] != before["max_us"]:  # a new longest callback came from the window
            self.assertLess(lag["max_us"], WARN_MS * 1000, window)

    def test_commands_during_a_check_wait_and_a_leaving_client_is_harmless(self):
        addr = self.g.address("ftp")
        gone = socket.create_connection(addr, timeout=30)
        gone.recv(1024)
        gone.sendall(f"USER user0\r\nPASS {PASSWORD}\r\n".encode())
        gone.close()  # leaves while its check runs
        s = socket.create_connection(addr, timeout=60)
        self.addCleanup(s.close)
        f = s.makefile("rb")
        self.assertTrue(f.readline().startswith(b"220"))
        # Everything in one write: PWD and NOOP arrive during the check and wait for it.
        s.sendall(f"USER user1\r\nPASS {PASSWORD}\r\nPWD\r\nNOOP\r\n".encode())
        self.assertTrue(f.readline().startswith(b"331"))
        self.assertTrue(f.readline().startswith(b"230"))
        self.assertTrue(f.readline().startswith(b'257 "/"'))
        self.assertTrue(f.readline().startswith(b"200"))
        # user0's check completes too (both are counted), whether or not its session is gone.
        deadline = time.monotonic() + 60
        while self.status()["work_pool"]["total"] < 2:
            self.assertLess(time.monotonic(), deadline, self.g.log())
            time.sleep(0.05)
        self.assertEqual(self.status()["work_pool"]["pending"], 0)
        s.sendall(b"QUIT\r\n")
        self.assertTrue(f.readline().startswith(b"221"))


if __name__ == "__main__":
    unittest.main()
