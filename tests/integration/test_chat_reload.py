"""Hot reload of the chat plugin keeps every user: same connection, nick, room, and half-typed
line, with nothing said about it to anyone.

Each test copies the built chat.so into its own plugin directory, so that it can replace the
file (new content, same plugin) and send SIGHUP, as an operator would.
"""
import os
import shutil
import signal
import tempfile
import unittest

from gorgon_harness import PLUGIN_DIR, Gorgon
from test_chat import ChatClient, assert_clean_exit, chat_config, read_greeting

PLUGINS = ["plugins:", "  directory: @PLUGIN_DIR@", "  runtime_directory: @DIR@/run",
           "  drain_timeout: 10s"]


class ChatReloadTestCase(unittest.TestCase):
    CONFIG = "max_line: 1024"

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-chat-plugins-")
        self.addCleanup(tmp.cleanup)
        self.plugin_dir = tmp.name
        self.plugin = os.path.join(self.plugin_dir, "chat.so")
        shutil.copy2(os.path.join(PLUGIN_DIR, "chat.so"), self.plugin)
        self.generation = 1
        self.gorgon = Gorgon(chat_config(self.CONFIG, plugins=PLUGINS), plugin_dir=self.plugin_dir)
        self.addCleanup(self.gorgon.__exit__, None, None, None)
        self.gorgon.start(expect_servers=("chat",))
        self.addCleanup(assert_clean_exit, self, self.gorgon)

    def connect(self, name="?"):
        c = ChatClient.connect(self.gorgon.address("chat"), name)
        self.addCleanup(c.close)
        return c

    def login(self, nick):
        c = self.connect(nick)
        c.expect_prompt()
        c.say(nick)
        c.others = read_greeting(c, nick)
        return c

    def replace_plugin(self):
        """Puts a file with new content (the same code plus trailing bytes, which the loader
        ignores) in place of chat.so, atomically, as a package manager would."""
        new = self.plugin + ".new"
        shutil.copy2(self.plugin, new)
        with open(new, "ab") as f:
            f.write(b"\0gorgon-chat-reload-test %d\0" % self.generation)
        os.rename(new, self.plugin)

    def reload(self):
        """Replaces the plugin, sends SIGHUP, and waits for the new generation and for the old
        one to be unloaded."""
        start = len(self.gorgon.log())
        self.replace_plugin()
        self.gorgon.signal(signal.SIGHUP)
        self.generation += 1
        self.gorgon.wait_log(rf"plugin chat reloaded: generation {self.generation}\b",
                             start=start)
        return start

    def wait_unloaded(self, start):
        self.gorgon.wait_log(rf"plugin chat generation {self.generation - 1} unloaded",
                             start=start, timeout=15)


class TestChatReload(ChatReloadTestCase):
    def test_reload_keeps_every_user(self):
        clients = [self.login(f"u{i:02}") for i in range(20)]
        lobby, den = clients[:15], clients[15:]
        for c in den:
            c.say("/join den")
            c.expect("[You are now in den]")
        prompting = self.connect("prompting")
        prompting.expect_prompt()
        # Everyone has seen all the joins and leaves; from here on, nothing unasked-for may
        # arrive (who() checks that the reply is the very next line).
        for c in clients:
            c.sync()
            c.expect("  u19" if c in den else "  u14")
        lobby_nicks = [f"u{i:02}" for i in range(15)]
        den_nicks = [f"u{i:02}" for i in range(15, 20)]
        self.assertEqual(lobby[0].who(), lobby_nicks)
        self.assertEqual(den[0].who(), den_nicks)

        # Half a line sent before the reload, the rest after: it must arrive whole.
        lobby[3].send("half a ")
        # An over-long line under way: refused before, still being discarded after.
        lobby[4].send("x" * 2000)
        lobby[4].expect_next("[line too long: at most 1024 bytes]")

        start = self.reload()
        self.assertIn("handing 21 chat users to the new generation", self.gorgon.log()[start:])
        self.assertIn("adopted 21 of 21 chat users", self.gorgon.log()[start:])

        # Same rooms, same order, and not a word about the reload. (u03 and u04 are in the
        # middle of a line, so they are asked once it is finished.)
        for c in lobby[:3] + lobby[5:]:
            self.assertEqual(c.who(), lobby_nicks, c.name)
        for c in den:
            self.assertEqual(c.who(), den_nicks, c.name)

        lobby[0].say("after the reload")
        for c in lobby[1:]:
            c.expect_next("u00: after the reload")
        den[0].say("in the den")
        for c in den[1:]:
            c.expect_next("u15: in the den")

        lobby[3].say("line")
        for c in lobby:
            if c is not lobby[3]:
                c.expect_next("u03: half a line")
        lobby[4].send("yyy\nfine\n")
        for c in lobby:
            if c is not lobby[4]:
                c.expect_next("u04: fine")
        self.assertEqual(lobby[3].who(), lobby_nicks)
        self.assertEqual(lobby[4].who(), lobby_nicks)

        # The one still at the prompt picks a nick in the new generation.
        prompting.say("late")
        self.assertEqual(read_greeting(prompting, "late"), lobby_nicks)
        for c in lobby:
            c.expect_next("late: [joined]")
        newbie = self.login("newbie")
        self.assertEqual(newbie.others, lobby_nicks + ["late"])
        for c in lobby + [prompting]:
            c.expect_next("newbie: [joined]")

        self.wait_unloaded(start)

        # Everything works on the new generation: /nick, /join, /quit, abrupt disconnects.
        lobby[1].say("/nick renamed")
        lobby[1].expect_next("[You are now known as renamed]")
        lobby[2].expect_next("u01 is now known as renamed")
        lobby[5].say("/join den")
        lobby[5].expect("[You are now in den]")
        lobby[5].expect_next("[There are 5 other callers]")
        self.assertEqual([lobby[5].line() for _ in den], ["  " + n for n in den_nicks])
        for c in den:
            c.expect_next("u05: [joined]")
        lobby[6].say("/quit")
        lobby[6].expect("Goodbye!")
        lobby[6].expect_eof()
        lobby[7].abort()
        lobby[0].expect_next("u01 is now known as renamed")
        lobby[0].expect_next("u05: [left]")
        lobby[0].expect_next("u06: [left]")
        lobby[0].expect_next("u07: [left]")
        self.assertEqual(lobby[0].who(), ["u00", "renamed", "u02", "u03", "u04"] +
                         [f"u{i:02}" for i in range(8, 15)] + ["late", "newbie"])

        # And a second reload, on top of the first.
        start = self.reload()
        self.wait_unloaded(start)
        self.assertEqual(den[4].who(), den_nicks + ["u05"])
        den[4].say("twice")
        for c in den[:4] + [lobby[5]]:
            c.expect_next("u19: twice")

    def test_reload_with_nobody_connected(self):
        start = self.reload()
        self.assertIn("handing 0 chat users", self.gorgon.log()[start:])
        self.wait_unloaded(start)
        alice = self.login("alice")
        bob = self.login("bob")
        self.assertEqual(bob.others, ["alice"])
        alice.expect_next("bob: [joined]")
        bob.say("hello, generation 2")
        alice.expect_next("bob: hello, generation 2")

    def test_users_leaving_during_reload_are_announced_once(self):
        alice = self.login("alice")
        bob = self.login("bob")
        alice.expect_next("bob: [joined]")
        bob.say("/quit")
        bob.expect_next("Goodbye!")
        # bob's connection may still be flushing on the old generation: it is not handed off,
        # and alice hears of him leaving exactly once.
        start = self.reload()
        bob.expect_eof()
        alice.expect_next("bob: [left]")
        self.wait_unloaded(start)
        self.assertEqual(alice.who(), ["alice"])


if __name__ == "__main__":
    unittest.main()
