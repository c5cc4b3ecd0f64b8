// Unit tests for the chat plugin's text helpers (plugins/chat/src/chat_text.cpp).
#include "chat_text.hpp"

#include <doctest/doctest.h>

#include <string>

using gorgon::chat::equalsIgnoreCase;
using gorgon::chat::foldCase;
using gorgon::chat::isValidName;
using gorgon::chat::sanitize;
using gorgon::chat::splitCommand;
using gorgon::chat::trim;

TEST_CASE("chat: names are 1-32 characters of [A-Za-z0-9_.-]") {
    CHECK(isValidName("a"));
    CHECK(isValidName("Alice_01.x-y"));
    CHECK(isValidName(std::string(32, 'n')));
    CHECK_FALSE(isValidName(""));
    CHECK_FALSE(isValidName(std::string(33, 'n')));
    CHECK_FALSE(isValidName("bob smith"));
    CHECK_FALSE(isValidName("bob\t"));
    CHECK_FALSE(isValidName("bob:"));
    CHECK_FALSE(isValidName("/bob"));
    CHECK_FALSE(isValidName(std::string("bo\0b", 4)));
    CHECK_FALSE(
        isValidName("b\xc3\xb6"
                    "b"));  // no UTF-8: "bob" and "böb" must not be confusable
    CHECK_FALSE(isValidName("\x1b[2J"));
}

TEST_CASE("chat: case folding is ASCII-only and exact") {
    CHECK(foldCase("AbC_.-09") == "abc_.-09");
    CHECK(equalsIgnoreCase("QUIT", "quit"));
    CHECK(equalsIgnoreCase("", ""));
    CHECK_FALSE(equalsIgnoreCase("quit", "quits"));
    CHECK_FALSE(equalsIgnoreCase("q", "w"));
}

TEST_CASE("chat: trim strips spaces and tabs only") {
    CHECK(trim("  bob \t") == "bob");
    CHECK(trim("\t\t") == "");
    CHECK(trim("") == "");
    CHECK(trim(" a b ") == "a b");
    CHECK(trim("\rbob\r") == "\rbob\r");
}

TEST_CASE("chat: sanitize replaces control bytes and DEL, keeps tab and high bytes") {
    CHECK(sanitize("hello, world") == "hello, world");
    CHECK(sanitize("a\tb") == "a\tb");
    CHECK(sanitize(std::string("a\0b", 3)) == "a?b");
    CHECK(sanitize("\x1b[2J\r\n\x07\x7f") == "?[2J????");
    CHECK(sanitize("caf\xc3\xa9 \xff\xfe") == "caf\xc3\xa9 \xff\xfe");
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    const std::string clean = sanitize(all);
    REQUIRE(clean.size() == 256);
    for (std::size_t i = 0; i < clean.size(); ++i) {
        const auto byte = static_cast<unsigned char>(clean[i]);
        CHECK((byte >= 0x20 || byte == '\t'));
        CHECK(byte != 0x7f);
    }
}

TEST_CASE("chat: splitCommand separates the name from trimmed arguments") {
    auto c = splitCommand("/join  lobby ");
    CHECK(c.name == "join");
    CHECK(c.args == "lobby");
    c = splitCommand("/who");
    CHECK(c.name == "who");
    CHECK(c.args.empty());
    c = splitCommand("/me\twaves  hello ");
    CHECK(c.name == "me");
    CHECK(c.args == "waves  hello");
    c = splitCommand("/");
    CHECK(c.name.empty());
    CHECK(c.args.empty());
}
