// Unit tests for http-redirect's templates, Location encoding and regex limits
// (plugins/http-redirect/src/redirect_template.cpp, redirect_regex.cpp).
#include "redirect_template.hpp"

#include "redirect_regex.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using gorgon::redirect::Capture;
using gorgon::redirect::GroupInfo;
using gorgon::redirect::Limits;
using gorgon::redirect::Regex;
using gorgon::redirect::Template;

namespace {

GroupInfo groups(int count) {
    return {count, [](std::string_view name) {
                if (name == "user") return 1;
                if (name == "twice") return -2;
                return -1;
            }};
}

// The expansion of `text`, or "ERR: message" when it does not parse.
std::string expand(std::string_view text, std::vector<Capture> caps, std::string_view query = {},
                   int count = 2) {
    auto t = Template::parse(text, groups(count));
    if (auto* err = std::get_if<std::string>(&t)) return "ERR: " + *err;
    return std::get<Template>(t).expand(caps, query);
}

// The regex and template together, as a route uses them.
std::string rewrite(std::string_view pattern, std::string_view text, std::string_view path,
                    std::string_view query = {}) {
    auto r = Regex::compile(pattern, Limits{});
    if (auto* err = std::get_if<std::string>(&r)) return "REGEX: " + *err;
    const Regex& regex = std::get<Regex>(r);
    auto t = Template::parse(text, regex.groups());
    if (auto* err = std::get_if<std::string>(&t)) return "ERR: " + *err;
    std::vector<Capture> caps;
    std::string error;
    if (regex.match(path, caps, error) != Regex::Outcome::match) return "NO MATCH";
    return std::get<Template>(t).expand(caps, query);
}

}  // namespace

TEST_CASE("redirect templates: numbered, named and literal parts") {
    CHECK(expand("/new/$1", {"/old/a", "a"}) == "/new/a");
    CHECK(expand("/x/$2-$1", {"", "a", "b"}) == "/x/b-a");
    CHECK(expand("/all$0", {"/p", "p"}) == "/all/p");
    CHECK(expand("/u/${user}/", {"", "bob"}) == "/u/bob/");
    CHECK(expand("/${1}0", {"", "a"}) == "/a0");
    CHECK(expand("/cost$$5", {""}) == "/cost$5");
    CHECK(expand("/plain", {""}) == "/plain");
    // A group that took no part in the match is empty, as in nginx.
    CHECK(expand("/a$1b", {"", std::nullopt}) == "/ab");
}

TEST_CASE("redirect templates: errors name the offset") {
    CHECK(expand("/new/$3", {}) ==
          "ERR: $3 refers to group 3, but the regex has 2 capturing groups (at offset 5 of the "
          "template)");
    CHECK(expand("/$1", {}, {}, 0).starts_with("ERR: $1 refers to group 1, but the regex has 0"));
    CHECK(expand("/${9}", {}).starts_with("ERR: ${9} refers to group 9"));
    CHECK(expand("/${nope}", {}) ==
          "ERR: ${nope}: the regex has no group of that name (at offset 1 of the template)");
    CHECK(expand("/${twice}", {}).starts_with("ERR: ${twice} names several groups"));
    CHECK(expand("/a$", {}).starts_with("ERR: a '$' ends the template"));
    CHECK(expand("/a${user", {}).starts_with("ERR: '${' without its '}' (at offset 2"));
    CHECK(expand("/a${}", {}).starts_with("ERR: an empty ${}"));
    CHECK(expand("/a$x", {}).starts_with("ERR: '$x' is not $0-$9"));
    CHECK(expand("/${1x}", {}).starts_with("ERR: ${1x} is not a group number"));
}

TEST_CASE("redirect templates: the query, as nginx's rewrite treats it") {
    // No '?' in the template: the original query follows.
    CHECK(expand("/new/$1", {"", "a"}, "x=1&y=2") == "/new/a?x=1&y=2");
    // A query of its own: the original one is appended after '&'.
    CHECK(expand("/new?p=$1", {"", "a"}, "x=1") == "/new?p=a&x=1");
    // A final '?' drops the original query and is itself dropped.
    CHECK(expand("/new/$1?", {"", "a"}, "x=1") == "/new/a");
    CHECK(expand("/new?p=$1?", {"", "a"}, "x=1") == "/new?p=a");
    CHECK(expand("/new/$1", {"", "a"}, "") == "/new/a");
}

TEST_CASE("redirect templates: captures are encoded for where they land") {
    // Captures come from the decoded path: what would change the URL's meaning is encoded.
    CHECK(expand("/n/$1", {"", "a b"}) == "/n/a%20b");
    CHECK(expand("/n/$1", {"", "a\r\nSet-Cookie: x=1"}) == "/n/a%0D%0ASet-Cookie:%20x=1");
    CHECK(expand("/n/$1", {"", "100%"}) == "/n/100%25");
    CHECK(expand("/n/$1", {"", "a?b#c"}) == "/n/a%3Fb%23c");
    CHECK(expand("/n/$1", {"", "caf\xc3\xa9"}) == "/n/caf%C3%A9");
    CHECK(expand("/n/$1", {"", "a/b:c@d!$&'()*+,;=-._~"}) == "/n/a/b:c@d!$&'()*+,;=-._~");
    CHECK(expand("/n/$1", {"", "\"<>\\^`{|}"}) == "/n/%22%3C%3E%5C%5E%60%7B%7C%7D");
    // In the query a capture cannot add a parameter.
    CHECK(expand("/s?q=$1", {"", "a&b=c+d;e"}) == "/s?q=a%26b%3Dc%2Bd%3Be");
    // Literals keep their escapes; only what no header may carry is encoded.
    CHECK(expand("/a%20b/\x7f\x01 x", {""}) == "/a%20b/%7F%01%20x");
    CHECK(expand("http://example.com/$1", {"", "x y"}) == "http://example.com/x%20y");
    // The original query is passed on as it came, made header-safe.
    CHECK(expand("/n", {""}, "a=%20&b=\xff") == "/n?a=%20&b=%FF");
}

TEST_CASE("redirect templates: startsWithSlash") {
    auto slash = [](std::string_view text) {
        auto t = Template::parse(text, groups(2));
        return std::get<Template>(t).startsWithSlash();
    };
    CHECK(slash("/x/$1"));
    CHECK_FALSE(slash("$1"));
    CHECK_FALSE(slash("x/$1"));
    CHECK_FALSE(slash("http://h/"));
}

TEST_CASE("redirect regexes: captures, names and compile errors") {
    CHECK(rewrite("^/old/(.*)$", "/new/$1", "/old/a/b") == "/new/a/b");
    CHECK(rewrite("^/u/(?<user>[^/]+)/(.*)$", "/home/${user}/$2", "/u/bob/x") == "/home/bob/x");
    CHECK(rewrite("^/(a)?b$", "/[$1]", "/b") == "/[]");  // an unset group is empty
    CHECK(rewrite("^/old/(.*)$", "/new/$1", "/other") == "NO MATCH");
    // A decoded newline neither stops '.' nor satisfies '$' early.
    CHECK(rewrite("^/old/(.*)$", "/new/$1", "/old/a\nb") == "/new/a%0Ab");
    CHECK(rewrite("^/old/a$", "/x", "/old/a\n") == "NO MATCH");
    CHECK(rewrite("^/(?<user>x)$", "/${who}", "/x").starts_with("ERR: ${who}: the regex has no"));
    CHECK(rewrite("^/(unclosed", "/", "/") ==
          "REGEX: missing closing parenthesis (at offset 11 of the regex)");
    CHECK(rewrite("(*UTF)^/x", "/", "/x").starts_with("REGEX: "));
}

TEST_CASE("redirect regexes: catastrophic backtracking stops at the match limit") {
    auto r = Regex::compile("^/(a+)+$", Limits{});
    REQUIRE(std::holds_alternative<Regex>(r));
    const Regex& regex = std::get<Regex>(r);
    // 2^40 ways to split the a's: without a limit this would run for hours.
    const std::string path = "/" + std::string(40, 'a') + "b";
    std::vector<Capture> caps;
    std::string error;
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(regex.match(path, caps, error) == Regex::Outcome::limit);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
    CHECK(error.find("limit") != std::string::npos);
    // The same pattern matches what it should.
    CHECK(regex.match("/aaaa", caps, error) == Regex::Outcome::match);
}

TEST_CASE("redirect regexes: the configured match limit is the one applied") {
    // A legitimate match that needs many steps (the lazy repeat tries "x" at every byte): under
    // PCRE2's own default limit it matches, under a small configured limit it stops.
    const std::string path = "/" + [] {
        std::string s;
        for (int i = 0; i < 500; ++i) s += "ab";
        return s;
    }() + "x";
    std::vector<Capture> caps;
    std::string error;
    auto roomy = Regex::compile("^/(?:a|b)*?x$", Limits{});
    REQUIRE(std::holds_alternative<Regex>(roomy));
    CHECK(std::get<Regex>(roomy).match(path, caps, error) == Regex::Outcome::match);
    auto tight = Regex::compile("^/(?:a|b)*?x$", Limits{50, 10000});
    REQUIRE(std::holds_alternative<Regex>(tight));
    CHECK(std::get<Regex>(tight).match(path, caps, error) == Regex::Outcome::limit);
}
