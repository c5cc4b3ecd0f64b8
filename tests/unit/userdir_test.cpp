// Unit tests for http-userdir's pure parts: the URL split, user names, the user lookup and the
// bounded, timed cache of what a name resolved to (plugins/http-userdir/src).
#include "userdir_cache.hpp"
#include "userdir_lookup.hpp"
#include "userdir_path.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using gorgon::FsRoot;
using gorgon::userdir::Account;
using gorgon::userdir::lookupAccount;
using gorgon::userdir::RootCache;
using gorgon::userdir::splitUserPath;
using gorgon::userdir::validUserName;

TEST_CASE("userdir: /~name/rest splits into the user and the path in the directory") {
    CHECK_FALSE(splitUserPath("/").has_value());
    CHECK_FALSE(splitUserPath("/ann/~x").has_value());
    auto p = splitUserPath("/~ann/a/b.txt");
    REQUIRE(p.has_value());
    CHECK(p->user == "ann");
    CHECK(p->rest == "/a/b.txt");
    p = splitUserPath("/~ann");  // no slash: the caller redirects
    REQUIRE(p.has_value());
    CHECK(p->user == "ann");
    CHECK(p->rest.empty());
    p = splitUserPath("/~ann/");
    REQUIRE(p.has_value());
    CHECK(p->rest == "/");
    p = splitUserPath("/~/x");
    REQUIRE(p.has_value());
    CHECK(p->user.empty());
}

TEST_CASE("userdir: only portable user names") {
    CHECK(validUserName("ann"));
    CHECK(validUserName("a.b_c-d9"));
    CHECK_FALSE(validUserName(""));
    CHECK_FALSE(validUserName("-ann"));
    CHECK_FALSE(validUserName("a b"));
    CHECK_FALSE(validUserName("a/b"));
    CHECK_FALSE(validUserName("a%2fb"));
    CHECK_FALSE(validUserName(std::string(33, 'a')));
    CHECK(validUserName(std::string(32, 'a')));
}

TEST_CASE("userdir: getpwnam_r finds root and not a made-up name") {
    const Account root = lookupAccount("root");
    CHECK(root.outcome == Account::Outcome::found);
    CHECK(root.uid == 0);
    CHECK(root.home.starts_with("/"));
    CHECK(lookupAccount("no-such-user-gorgon-x").outcome == Account::Outcome::unknown);
}

TEST_CASE("userdir: the cache keeps negative entries, expires them, and evicts the oldest") {
    RootCache cache(2);
    auto a = std::make_shared<const FsRoot>();
    cache.put("a", a, 1000);
    cache.put("none", nullptr, 1000);  // "nothing to serve" is an answer too
    auto hit = cache.find("none", 10);
    REQUIRE(hit.has_value());
    CHECK(*hit == nullptr);
    CHECK(cache.find("a", 999) == a);
    CHECK_FALSE(cache.find("a", 1000).has_value());  // expired: dropped
    CHECK(cache.size() == 1);

    cache.put("b", nullptr, 5000);
    cache.put("c", nullptr, 5000);  // full: "none" (least recently used) goes
    CHECK_FALSE(cache.find("none", 10).has_value());
    CHECK(cache.find("b", 10).has_value());
    cache.put("d", nullptr, 5000);  // "c" is now the oldest use
    CHECK_FALSE(cache.find("c", 10).has_value());
    CHECK(cache.find("b", 10).has_value());
    CHECK(cache.find("d", 10).has_value());
    CHECK(cache.size() == 2);

    RootCache off(0);
    off.put("x", nullptr, 5000);
    CHECK_FALSE(off.find("x", 10).has_value());
}
