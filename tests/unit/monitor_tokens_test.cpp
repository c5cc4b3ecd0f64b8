// Unit tests for the monitor's command-line tokenizer (plugins/monitor/src/monitor_tokens.cpp).
#include "monitor_tokens.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using gorgon::monitor::joinWords;
using gorgon::monitor::quoteWord;
using gorgon::monitor::TokenError;
using gorgon::monitor::tokenize;

namespace {

std::vector<std::string> words(std::string_view line, std::size_t max = 32) {
    auto r = tokenize(line, max);
    REQUIRE(r.error == TokenError::None);
    return r.words;
}

}  // namespace

TEST_CASE("monitor tokens: blanks separate words") {
    CHECK(words("") == std::vector<std::string>{});
    CHECK(words(" \t ") == std::vector<std::string>{});
    CHECK(words("status") == std::vector<std::string>{"status"});
    CHECK(words("  reload\thttp-static  /x/y.so ") ==
          std::vector<std::string>{"reload", "http-static", "/x/y.so"});
}

TEST_CASE("monitor tokens: quotes and backslashes as in a shell") {
    CHECK(words("load '/a b/c.so'") == std::vector<std::string>{"load", "/a b/c.so"});
    CHECK(words("load \"/a \\\"b\\\" \\\\ \\n\"") ==
          std::vector<std::string>{"load", "/a \"b\" \\ \\n"});
    CHECK(words("a\\ b") == std::vector<std::string>{"a b"});
    CHECK(words("x'y'\"z\"") == std::vector<std::string>{"xyz"});
    CHECK(words("'' \"\"") == std::vector<std::string>{"", ""});
    CHECK(words("'it'\\''s'") == std::vector<std::string>{"it's"});
}

TEST_CASE("monitor tokens: malformed lines are refused, not guessed") {
    CHECK(tokenize("load 'abc", 8).error == TokenError::Unterminated);
    CHECK(tokenize("load \"abc", 8).error == TokenError::Unterminated);
    CHECK(tokenize("load abc\\", 8).error == TokenError::Unterminated);
    auto r = tokenize("status\x1b[2J", 8);
    CHECK(r.error == TokenError::ControlByte);
    CHECK(r.column == 6);
    CHECK(tokenize(std::string("a\0b", 3), 8).error == TokenError::ControlByte);
    CHECK(tokenize("'\x7f'", 8).error == TokenError::ControlByte);
    CHECK(tokenize("a\rb", 8).error == TokenError::ControlByte);
    // A tab is a separator, not a control byte.
    CHECK(tokenize("a\tb", 8).error == TokenError::None);
}

TEST_CASE("monitor tokens: the word count is bounded") {
    CHECK(tokenize("a b c", 3).error == TokenError::None);
    auto r = tokenize("a b c d", 3);
    CHECK(r.error == TokenError::TooManyWords);
    CHECK(r.words.empty());
    CHECK_FALSE(describeTokenError(r, 3).empty());
}

TEST_CASE("monitor tokens: quoteWord round-trips through tokenize") {
    const std::vector<std::string> cases = {"status",
                                            "http-static",
                                            "/usr/lib/gorgon/plugins/x.so",
                                            "",
                                            "a b",
                                            "it's",
                                            "\"q\"",
                                            "back\\slash",
                                            "--json",
                                            "caf\xc3\xa9",
                                            "$HOME",
                                            "a;b",
                                            "*",
                                            "'"};
    for (const std::string& w : cases) {
        CAPTURE(w);
        CHECK(words(quoteWord(w)) == std::vector<std::string>{w});
    }
    CHECK(quoteWord("status") == "status");
    CHECK(quoteWord("a b") == "'a b'");
    CHECK(words(joinWords(cases), 64) == cases);
}
