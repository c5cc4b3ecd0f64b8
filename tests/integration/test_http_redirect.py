"""http-redirect (nginx-style rewrite and redirect rules with PCRE2) against the real binary: the
http plugin, http-redirect and the fixture extension `hello` (whose `info=1` query answers with the
path and query it saw), driven with curl.

One server serves the class: the first route holds the redirect and rewrite rules, the second is
`hello` under /hello, which serves what a rewrite hands on. Configuration errors are checked with
`gorgon --check-config`.
"""
import json
import os
import re
import shutil
import tempfile
import time
import unittest

from gorgon_harness import PLUGIN_DIR, Gorgon, check_config
from http_client import curl_response
from reload_load import reload_under_wrk
from test_http_protocol import check_clean_exit, http_config, make_plugin_dir, wait_for_lines

RULES = [
    {"match": "^/r301/(.*)$", "redirect": "/new/$1", "status": 301},
    {"match": "^/r302/(.*)$", "redirect": "/new/$1"},  # 302 is the default
    {"match": "^/r303/(.*)$", "redirect": "/new/$1", "status": 303},
    {"match": "^/r307/(.*)$", "redirect": "/new/$1", "status": 307},
    {"match": "^/r308/(.*)$", "redirect": "/new/$1", "status": 308},
    {"match": "^/named/(?<user>[^/]+)/(.*)$", "redirect": "/users/${user}/$2/$1", "status": 301},
    {"match": "^/abs/(.*)$", "redirect": "https://example.test/x/$1"},
    {"match": "^/qdrop/(.*)$", "redirect": "/new/$1?"},
    {"match": "^/qmerge/(.*)$", "redirect": "/new?p=$1"},
    {"match": "^/money$", "redirect": "/cost$$"},
    {"match": "^/posted$", "redirect": "/thanks", "status": 303, "methods": ["POST"]},
    {"match": "^/app/(.*)$", "rewrite": "/hello/app/$1"},
    {"match": "^/hello/qonly$", "rewrite": "/hello/qonly?info=1&from=rewrite?"},
    {"match": "^/climb$", "rewrite": "/a/%2e%2e/%2e%2e/x"},
    {"match": r"^/dot(.)(.)x$", "rewrite": "/$1$2/secret"},
    {"match": "^/frag$", "rewrite": "/hello/x#frag"},
    {"match": "^/(a+)+$", "redirect": "/never"},  # catastrophic backtracking on "/aaa...ab"
]
ROUTES = [
    {"extension": "redirect", "config": {"rules": RULES}},
    {"extension": "hello", "config": {"prefix": "/hello", "text": "hello"}},
]
ALLOWED_ERRORS = (r"redirect: rule 1[345] .*refused", r"redirect: rule 16 .*match limit")


def curl(*args):
    """curl -si: (status, {lower-case name: value}, body)."""
    return curl_response(["-i", *args])


def copy_redirect(plugin_dir):
    src = os.path.join(PLUGIN_DIR, "http-redirect.so")
    if not os.path.exists(src):
        raise AssertionError(f"{src} is missing: build the http-redirect plugin")
    shutil.copy(src, plugin_dir)


class TestHttpRedirect(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gorgon-redirect-")
        cls.addClassCleanup(cls.tmp.cleanup)
        plugin_dir = os.path.join(cls.tmp.name, "plugins")
        make_plugin_dir(plugin_dir, fixtures=("fixture-http-hello",))
        copy_redirect(plugin_dir)
        server = {"access_log": {"file": "@DIR@/access.log"}}
        cls.gorgon = Gorgon(http_config(server, ROUTES), plugin_dir=plugin_dir)
        cls.addClassCleanup(cls.gorgon.__exit__, None, None, None)
        cls.gorgon.start(expect_servers=("web",))
        cls.addClassCleanup(check_clean_exit, cls.gorgon, ALLOWED_ERRORS)
        host, port = cls.gorgon.address("web")
        cls.url = f"http://{host}:{port}"

    def get(self, path, *args):
        return curl(*args, "--path-as-is", self.url + path)

    def assert_redirect(self, path, status, location, *args):
        s, h, body = self.get(path, *args)
        self.assertEqual((s, h.get("location")), (status, location), (path, h, body))
        return h, body

    def test_each_status_code(self):
        for status in (301, 302, 303, 307, 308):
            h, body = self.assert_redirect(f"/r{status}/a/b.html", status, "/new/a/b.html")
            self.assertIn(str(status).encode(), body)  # the http plugin's short page
            self.assertEqual(h.get("content-type"), "text/html; charset=utf-8")
        # HEAD: the same status and Location, no body.
        s, h, body = self.get("/r301/x", "-I")
        self.assertEqual((s, h.get("location"), body), (301, "/new/x", b""))

    def test_captures_numbered_and_named(self):
        self.assert_redirect("/named/bob/docs/a.txt", 301, "/users/bob/docs/a.txt/bob")
        self.assert_redirect("/abs/p/q", 302, "https://example.test/x/p/q")
        self.assert_redirect("/money", 302, "/cost$")

    def test_query_appended_merged_or_dropped(self):
        self.assert_redirect("/r301/a?x=1&y=2", 301, "/new/a?x=1&y=2")
        self.assert_redirect("/qmerge/a?x=1", 302, "/new?p=a&x=1")
        self.assert_redirect("/qmerge/a", 302, "/new?p=a")
        self.assert_redirect("/qdrop/a?x=1", 302, "/new/a")

    def test_location_is_encoded(self):
        # Captures come from the decoded path: a space, CR LF, '?' and '%' are encoded again,
        # so nothing decoded can split the header or change the URL's meaning.
        self.assert_redirect("/r301/a%20b", 301, "/new/a%20b")
        self.assert_redirect("/r301/x%0d%0aSet-Cookie:%20a=1", 301,
                             "/new/x%0D%0ASet-Cookie:%20a=1")
        self.assert_redirect("/r301/what%3F/100%25", 301, "/new/what%3F/100%25")
        self.assert_redirect("/r301/caf%C3%A9", 301, "/new/caf%C3%A9")
        s, h, _ = self.get("/r301/x%0d%0aSet-Cookie:%20a=1")
        self.assertNotIn("set-cookie", h)

    def test_methods(self):
        self.assert_redirect("/posted", 303, "/thanks", "-X", "POST", "-d", "a=1")
        s, _, _ = self.get("/posted")  # GET: the rule does not apply, nothing else serves it
        self.assertEqual(s, 404)

    def test_rewrite_served_by_the_next_route(self):
        s, h, body = self.get("/app/some/page?info=1")
        self.assertEqual(s, 200, body)
        self.assertNotIn("location", h)
        self.assertIn(b"path=/hello/app/some/page\n", body)
        self.assertIn(b"query=info=1\n", body)
        # The access log keeps the target the client sent.
        lines = wait_for_lines(os.path.join(self.gorgon.dir, "access.log"),
                               "/app/some/page?info=1", 1)
        self.assertIn('"GET /app/some/page?info=1 HTTP/1.1" 200', lines[0])
        self.assertNotIn("/hello/app", lines[0])

    def test_rewrite_encodes_captures(self):
        # "%3F" decodes to '?', which must stay part of the path after the rewrite.
        s, _, body = self.get("/app/a%3Fb%2520c?info=1")
        self.assertEqual(s, 200, body)
        self.assertIn(b"path=/hello/app/a?b%20c\n", body)
        self.assertIn(b"query=info=1\n", body)

    def test_rewrite_of_the_query_only(self):
        s, _, body = self.get("/hello/qonly?ignored=1")
        self.assertEqual(s, 200, body)
        self.assertIn(b"path=/hello/qonly\n", body)
        self.assertIn(b"query=info=1&from=rewrite\n", body)

    def test_rewrite_above_the_root_is_refused(self):
        start = len(self.gorgon.log())
        s, _, _ = self.get("/climb")
        self.assertEqual(s, 500)
        # Captures cannot build a climb either ("/dot..x": $1$2 is "..").
        s, _, _ = self.get("/dot..x")
        self.assertEqual(s, 500)
        log = self.gorgon.log()[start:]
        self.assertRegex(log, r"rule 13 \(\^/climb\$\) made the target \"/a/%2e%2e/%2e%2e/x\", "
                              r"which the http plugin refused")
        self.assertRegex(log, r"rule 14 .* made the target \"/\.\./secret\", which the http plugin "
                              r"refused")

    def test_rewrite_with_a_fragment_is_refused(self):
        # A request line cannot carry a '#': neither can a rewritten target.
        start = len(self.gorgon.log())
        s, _, _ = self.get("/frag")
        self.assertEqual(s, 500)
        self.assertRegex(self.gorgon.log()[start:], r"rule 15 .* made the target "
                                                    r"\"/hello/x#frag\", which the http plugin")

    def test_catastrophic_backtracking_hits_the_match_limit(self):
        start = len(self.gorgon.log())
        # 2^60 ways to split the a's: without the match limit the loop would be held for ages.
        t0 = time.monotonic()
        s, _, _ = self.get("/" + "a" * 60 + "b")
        elapsed = time.monotonic() - t0
        self.assertEqual(s, 500)
        self.assertLess(elapsed, 8)
        self.assertRegex(self.gorgon.log()[start:], r"rule 16 \(\^/\(a\+\)\+\$\) failed on path "
                                                    r"\"/a+b\": match limit exceeded")
        # The rule still matches what it should, and the server still serves.
        self.assert_redirect("/aaaa", 302, "/never")
        s, _, body = self.get("/hello")
        self.assertEqual((s, body), (200, b"hello"))

    def test_no_rule_matches_the_next_route_serves(self):
        s, h, body = self.get("/hello/plain?info=1")
        self.assertEqual(s, 200)
        self.assertIn(b"path=/hello/plain\n", body)
        s, _, _ = self.get("/nothing/here")
        self.assertEqual(s, 404)


class TestHttpRedirectConfigErrors(unittest.TestCase):
    def check(self, config, expect):
        routes = [{"extension": "redirect", "config": config}]
        with tempfile.TemporaryDirectory(prefix="gorgon-redirect-check-") as tmp:
            make_plugin_dir(tmp, fixtures=())
            copy_redirect(tmp)
            body = http_config(None, routes).replace("@PLUGIN_DIR@", tmp).replace("@DIR@", tmp)
            code, out = check_config(body)
            self.assertNotEqual(code, 0, out)
            for text in expect:
                self.assertRegex(out, text)

    def test_bad_regex_is_located(self):
        self.check({"rules": [{"match": "^/(unclosed", "redirect": "/x"}]},
                   [r"gorgon\.yaml:\d+:\d+: .*bad regex: missing closing parenthesis "
                    r"\(at offset 11 of the regex\)"])

    def test_template_refers_to_a_missing_group(self):
        self.check({"rules": [{"match": "^/(a)$", "redirect": "/x/$2"}]},
                   [r"gorgon\.yaml:\d+:\d+: .*\$2 refers to group 2, but the regex has 1 "
                    r"capturing group \(at offset 3 of the template\)"])
        self.check({"rules": [{"match": "^/(?<a>x)$", "rewrite": "/${b}"}]},
                   [r"\$\{b\}: the regex has no group of that name"])

    def test_bad_rules(self):
        self.check({"rules": [{"match": "^/", "redirect": "/x", "status": 305}]},
                   [r"must be 301, 302, 303, 307 or 308"])
        self.check({"rules": [{"match": "^/", "redirect": "/x", "rewrite": "/y"}]},
                   [r"exactly one of redirect and rewrite"])
        self.check({"rules": [{"match": "^/(.*)", "rewrite": "$1"}]}, [r"must start with '/'"])
        self.check({"rules": [{"match": "^/", "rewrite": "/x", "status": 301}]},
                   [r"only a redirect has a status"])
        self.check({"rules": [{"match": "^/", "redirect": "/x", "methods": ["G T"]}]},
                   [r"not an HTTP method"])
        self.check({"rules": []}, [r"at least one rule"])
        self.check({}, [r"missing key: rules"])
        self.check({"rules": [{"match": "(*UTF)^/", "redirect": "/x"}]}, [r"bad regex"])

    def test_unknown_keys_are_refused(self):
        self.check({"rules": [{"match": "^/", "redirect": "/x", "flags": "i"}]}, [r"flags"])
        self.check({"rules": [{"match": "^/", "redirect": "/x"}], "limit": 5}, [r"limit"])


class TestHttpRedirectReload(unittest.TestCase):
    """http-redirect reloaded three times under wrk, on requests it rewrites to the hello route:
    every one answered 2xx, every old generation unloaded."""

    def test_reloads_under_wrk_lose_nothing(self):
        tmp = tempfile.TemporaryDirectory(prefix="gorgon-redirect-reload-")
        self.addCleanup(tmp.cleanup)
        plugin_dir = os.path.join(tmp.name, "plugins")
        make_plugin_dir(plugin_dir, fixtures=("fixture-http-hello",))
        copy_redirect(plugin_dir)
        g = Gorgon(http_config({}, ROUTES), plugin_dir=plugin_dir)
        self.addCleanup(g.__exit__, None, None, None)
        g.start(expect_servers=("web",))
        host, port = g.address("web")
        s, _, body = curl(f"http://{host}:{port}/app/x")
        self.assertEqual((s, body), (200, b"hello"))  # the rewrite reaches hello
        reload_under_wrk(self, g, plugin_dir, "http-redirect", f"http://{host}:{port}/app/x",
                         (2, 3, 4))
        check_clean_exit(g, ALLOWED_ERRORS)


if __name__ == "__main__":
    unittest.main()
