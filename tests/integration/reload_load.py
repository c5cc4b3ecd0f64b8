"""Hot reload of a plugin, alone or under wrk load, for integration tests.

replace_plugin() puts new content (the same code plus trailing bytes, which the loader ignores)
in place of a plugin file, atomically, as a package manager would; the next SIGHUP then loads a
new generation. reload_under_wrk() runs wrk (bounded in time and connections, on loopback)
while a plugin is reloaded N times, and asserts that no request was lost: wrk's summary must
show requests and neither socket errors nor non-2xx answers.
"""
import os
import re
import shutil
import signal
import subprocess

WRK = os.environ.get("WRK", "wrk")
# wrk runs long enough never to end by itself: it is stopped with SIGINT once the reloads are
# done, and then prints its summary. --timeout bounds each request; 8 connections on 1 thread.
WRK_ARGS = ("-t1", "-c8", "-d120s", "--timeout", "10s")
WRK_SUMMARY_TIMEOUT = 30


def replace_plugin(plugin_dir, name, mark):
    """Rewrites `plugin_dir`/`name`.so with marker `mark` (an int) appended, renamed over the
    old file with the permissions the host insists on. Each call changes the file's hash."""
    path = os.path.join(plugin_dir, name + ".so")
    new = path + ".new"
    shutil.copyfile(path, new)
    with open(new, "ab") as f:
        f.write(b"\0gorgon-reload-test %s %d\0" % (name.encode(), mark))
    os.chmod(new, 0o644)
    os.rename(new, path)


def reload_plugin(gorgon, name, replace):
    """Calls `replace()` (which puts the new file in place), sends SIGHUP; returns the log
    offset from before, for wait_log."""
    start = len(gorgon.log())
    replace()
    gorgon.signal(signal.SIGHUP)
    return start


def reload_under_wrk(test, gorgon, plugin_dir, plugin, url, generations, wrk_args=(), before=None,
                     reload_timeout=30, unload_timeout=30):
    """Runs wrk against `url` (extra `wrk_args` before it: headers, -s script) while plugin
    `plugin`, which lives in `plugin_dir`, is replaced and reloaded once per number in
    `generations` (2, 3...): each reload must log the new generation within `reload_timeout` s
    and the unloading of the one before within `unload_timeout` s, and wrk must still run.
    `before()`, if given, runs once wrk has started (to wait until requests flow). Then wrk is
    stopped and its summary asserted on `test`: requests made, no socket error, no non-2xx.
    Returns wrk's output."""
    wrk = subprocess.Popen([WRK, *WRK_ARGS, *wrk_args, url],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if before is not None:
            before()
        for generation in generations:
            start = reload_plugin(gorgon, plugin,
                                  lambda: replace_plugin(plugin_dir, plugin, generation))
            gorgon.wait_log(rf"plugin {plugin} reloaded: generation {generation}\b",
                            start=start, timeout=reload_timeout)
            # The old generation is released once its routes have moved on and its last
            # request has been answered.
            gorgon.wait_log(rf"plugin {plugin} generation {generation - 1} unloaded",
                            start=start, timeout=unload_timeout)
            test.assertIsNone(wrk.poll(), "wrk ended early")
    finally:
        if wrk.poll() is None:
            wrk.send_signal(signal.SIGINT)
        out, _ = wrk.communicate(timeout=WRK_SUMMARY_TIMEOUT)
    m = re.search(r"(\d+) requests in", out)
    test.assertIsNotNone(m, out)
    test.assertGreater(int(m.group(1)), 0, out)
    test.assertNotIn("Socket errors", out)
    test.assertNotIn("Non-2xx", out)
    return out
