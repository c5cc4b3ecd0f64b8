// Unit tests for the chat plugin's hot-reload hand-off codec (plugins/chat/src/chat_handoff.cpp).
#include "chat_handoff.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using gorgon::chat::decodeHandoff;
using gorgon::chat::encodeHandoff;
using gorgon::chat::HandoffEntry;
using gorgon::chat::HandoffState;

namespace {

std::vector<HandoffEntry> sample() {
    std::vector<HandoffEntry> v;
    v.push_back({"chat", 7, HandoffState::Chatting, false, "Alice", "lobby"});
    v.push_back({"chat", 9, HandoffState::Chatting, true, "bob", "rust-fans"});
    v.push_back({"chat", 12, HandoffState::Prompting, true, "", ""});
    // Server names are the operator's: any bytes survive, spaces and newlines included.
    v.push_back(
        {"odd name\n:3", 18446744073709551615ULL, HandoffState::Chatting, false, "alice", "lobby"});
    return v;
}

bool decodes(const std::string& blob, std::string* why = nullptr) {
    std::vector<HandoffEntry> out;
    std::string error;
    const bool ok = decodeHandoff(blob, out, error);
    if (why != nullptr) *why = error;
    if (!ok) CHECK_FALSE(error.empty());
    return ok;
}

}  // namespace

TEST_CASE("chat hand-off: round trip") {
    const std::vector<HandoffEntry> in = sample();
    const std::string blob = encodeHandoff(in);
    std::vector<HandoffEntry> out;
    std::string error;
    REQUIRE(decodeHandoff(blob, out, error));
    CHECK(error.empty());
    CHECK(out == in);
}

TEST_CASE("chat hand-off: empty list round trips") {
    const std::string blob = encodeHandoff({});
    CHECK(blob == "gorgon-chat-handoff 1 0\nend 24\n");
    std::vector<HandoffEntry> out{{"x", 1, HandoffState::Prompting, false, "", ""}};
    std::string error;
    REQUIRE(decodeHandoff(blob, out, error));
    CHECK(out.empty());
}

TEST_CASE("chat hand-off: every truncation and every single-byte change is handled") {
    const std::string blob = encodeHandoff(sample());
    for (std::size_t n = 0; n < blob.size(); ++n) {
        CHECK_FALSE(decodes(blob.substr(0, n)));
    }
    CHECK_FALSE(decodes(blob + "x"));
    // A flipped byte must either be rejected or decode to something self-consistent; it must
    // never read out of bounds (run under ASan to see that).
    for (std::size_t i = 0; i < blob.size(); ++i) {
        for (int delta : {1, -1, 0x40}) {
            std::string bad = blob;
            bad[i] = static_cast<char>(bad[i] + delta);
            (void)decodes(bad);
        }
    }
}

TEST_CASE("chat hand-off: rejects what does not make sense") {
    std::string why;
    CHECK_FALSE(decodes("", &why));
    CHECK_FALSE(decodes("gorgon-chat-handoff 2 0\nend 24\n", &why));
    CHECK(why.find("version 2") != std::string::npos);
    // A count far larger than the blob could hold is refused before anything is allocated.
    CHECK_FALSE(decodes("gorgon-chat-handoff 1 9999999\nend 30\n", &why));
    CHECK_FALSE(decodes("gorgon-chat-handoff 1 99999999999999999999999\nend 30\n", &why));

    auto one = [](const HandoffEntry& e) { return encodeHandoff({e}); };
    CHECK(decodes(one({"chat", 1, HandoffState::Chatting, false, "bob", "lobby"})));
    CHECK_FALSE(decodes(one({"chat", 0, HandoffState::Chatting, false, "bob", "lobby"}), &why));
    CHECK_FALSE(decodes(one({"", 1, HandoffState::Chatting, false, "bob", "lobby"})));
    CHECK_FALSE(decodes(one({"chat", 1, HandoffState::Chatting, false, "", "lobby"})));
    CHECK_FALSE(decodes(one({"chat", 1, HandoffState::Chatting, false, "b b", "lobby"})));
    CHECK_FALSE(decodes(one({"chat", 1, HandoffState::Chatting, false, "bob", "Lobby"})));
    CHECK_FALSE(decodes(one({"chat", 1, HandoffState::Prompting, false, "bob", ""})));
    CHECK_FALSE(
        decodes(one({"chat", 1, HandoffState::Chatting, false, std::string(33, 'b'), "lobby"})));

    // The same connection twice, or one nick twice on one server (in any case), is corrupt.
    CHECK_FALSE(decodes(encodeHandoff({{"chat", 1, HandoffState::Chatting, false, "a", "lobby"},
                                       {"chat", 1, HandoffState::Chatting, false, "b", "lobby"}})));
    CHECK_FALSE(decodes(encodeHandoff({{"chat", 1, HandoffState::Chatting, false, "a", "lobby"},
                                       {"chat", 2, HandoffState::Chatting, false, "A", "x"}})));
    // ...but the same nick on two servers is fine.
    CHECK(decodes(encodeHandoff({{"one", 1, HandoffState::Chatting, false, "a", "lobby"},
                                 {"two", 2, HandoffState::Chatting, false, "a", "lobby"}})));

    // Lengths are checked, not trusted.
    CHECK_FALSE(decodes("gorgon-chat-handoff 1 1\n1 C 0 4:chat 3:bob 500:lobby\nend 50\n"));
    CHECK_FALSE(decodes("gorgon-chat-handoff 1 1\n1 C 0 4:chat 03:bob 5:lobby\nend 50\n"));
    const std::string good = one({"chat", 1, HandoffState::Chatting, false, "bob", "lobby"});
    std::string wrong_total = good;
    wrong_total.replace(wrong_total.rfind("end ") + 4, std::string::npos, "1\n");
    CHECK_FALSE(decodes(wrong_total, &why));
    CHECK(why.find("length mismatch") != std::string::npos);
}
