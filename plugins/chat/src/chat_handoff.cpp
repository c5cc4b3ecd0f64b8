#include "chat_handoff.hpp"

#include "chat_text.hpp"

#include <gorgon/handoff.hpp>

#include <set>
#include <utility>

namespace gorgon::chat {

namespace {

constexpr std::string_view kMagic = "gorgon-chat-handoff";
// Server names come from the host's configuration; anything longer is corruption.
constexpr std::size_t kMaxServerName = 1024;
constexpr std::uint64_t kMaxEntries = 10'000'000;
// The shortest record, "1 P 0 1:s 0: 0:\n", is 16 bytes.
constexpr std::size_t kMinRecordBytes = 8;

bool readEntry(handoff::Reader& r, HandoffEntry& e) {
    char state = 0;
    if (!r.number(e.conn) || !r.symbol("PC", state) || !r.flag(e.discarding) ||
        !r.field(e.server, kMaxServerName) || !r.field(e.nick, kMaxNameLength) ||
        !r.field(e.room, kMaxNameLength) || !r.endRecord()) {
        return false;
    }
    e.state = static_cast<HandoffState>(state);
    if (e.conn == 0) {
        return r.fail("connection id 0");
    }
    if (e.server.empty()) {
        return r.fail("empty server name");
    }
    if (e.state == HandoffState::Chatting) {
        if (!isValidName(e.nick)) {
            return r.fail("invalid nickname");
        }
        if (!isValidName(e.room) || foldCase(e.room) != e.room) {
            return r.fail("invalid room");
        }
    } else if (!e.nick.empty() || !e.room.empty()) {
        return r.fail("nickname or room on a user still choosing a nickname");
    }
    return true;
}

}  // namespace

std::string encodeHandoff(const std::vector<HandoffEntry>& entries) {
    handoff::Writer w(kMagic, kHandoffVersion, entries.size());
    for (const HandoffEntry& e : entries) {
        w.number(e.conn).symbol(static_cast<char>(e.state)).flag(e.discarding);
        w.field(e.server).field(e.nick).field(e.room).endRecord();
    }
    return std::move(w).finish();
}

bool decodeHandoff(std::string_view blob, std::vector<HandoffEntry>& out, std::string& error) {
    out.clear();
    handoff::Reader r(blob);
    std::uint64_t count = 0;
    if (!r.header(kMagic, kHandoffVersion, count, kMinRecordBytes, kMaxEntries)) {
        error = r.error();
        return false;
    }
    out.reserve(static_cast<std::size_t>(count));
    std::set<std::uint64_t> conns;
    std::set<std::pair<std::string, std::string>> nicks;
    for (std::uint64_t i = 0; i < count; ++i) {
        HandoffEntry e;
        if (!readEntry(r, e)) {
            error = "record " + std::to_string(i) + ": " + r.error();
            return false;
        }
        if (!conns.insert(e.conn).second) {
            error = "record " + std::to_string(i) + ": connection " + std::to_string(e.conn) +
                    " listed twice";
            return false;
        }
        if (e.state == HandoffState::Chatting &&
            !nicks.emplace(e.server, foldCase(e.nick)).second) {
            error = "record " + std::to_string(i) + ": nickname " + e.nick + " listed twice";
            return false;
        }
        out.push_back(std::move(e));
    }
    if (!r.finish()) {
        error = r.error();
        return false;
    }
    return true;
}

}  // namespace gorgon::chat
