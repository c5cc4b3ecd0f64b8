#include "chat_handoff.hpp"

#include "chat_text.hpp"

#include <set>
#include <utility>

namespace gorgon::chat {

namespace {

constexpr std::string_view kMagic = "gorgon-chat-handoff ";
// Server names come from the host's configuration; anything longer is corruption.
constexpr std::size_t kMaxServerName = 1024;
constexpr std::uint64_t kMaxEntries = 10'000'000;

void appendField(std::string& out, std::string_view value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
}

// A cursor over the blob that fails (and remembers why) instead of reading past the end.
class Reader {
  public:
    explicit Reader(std::string_view in) noexcept : in_(in) {}

    [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
    [[nodiscard]] bool atEnd() const noexcept { return pos_ == in_.size(); }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

    bool literal(std::string_view text) {
        if (in_.substr(pos_, text.size()) != text) {
            return fail("expected \"" + sanitize(text) + "\"");
        }
        pos_ += text.size();
        return true;
    }

    bool number(std::uint64_t& out, std::uint64_t max) {
        const std::size_t start = pos_;
        std::uint64_t value = 0;
        while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
            const auto digit = static_cast<std::uint64_t>(in_[pos_] - '0');
            if (digit > max || value > (max - digit) / 10) {
                return fail("number out of range");
            }
            value = value * 10 + digit;
            ++pos_;
        }
        if (pos_ == start) {
            return fail("expected a number");
        }
        if (pos_ - start > 1 && in_[start] == '0') {
            return fail("number with a leading zero");
        }
        out = value;
        return true;
    }

    bool field(std::string& out, std::size_t max) {
        std::uint64_t len = 0;
        if (!number(len, max) || !literal(":")) {
            return false;
        }
        if (in_.size() - pos_ < len) {
            return fail("field runs past the end");
        }
        out.assign(in_.substr(pos_, static_cast<std::size_t>(len)));
        pos_ += static_cast<std::size_t>(len);
        return true;
    }

    bool oneOf(std::string_view choices, char& out) {
        if (pos_ >= in_.size() || choices.find(in_[pos_]) == std::string_view::npos) {
            return fail("expected one of \"" + std::string(choices) + "\"");
        }
        out = in_[pos_++];
        return true;
    }

    bool fail(const std::string& why) {
        if (error_.empty()) {
            error_ = "at byte " + std::to_string(pos_) + ": " + why;
        }
        return false;
    }

  private:
    std::string_view in_;
    std::size_t pos_ = 0;
    std::string error_;
};

bool readEntry(Reader& r, HandoffEntry& e) {
    char state = 0;
    char discarding = 0;
    if (!r.number(e.conn, UINT64_MAX) || !r.literal(" ") || !r.oneOf("PC", state) ||
        !r.literal(" ") || !r.oneOf("01", discarding) || !r.literal(" ") ||
        !r.field(e.server, kMaxServerName) || !r.literal(" ") || !r.field(e.nick, kMaxNameLength) ||
        !r.literal(" ") || !r.field(e.room, kMaxNameLength) || !r.literal("\n")) {
        return false;
    }
    e.state = static_cast<HandoffState>(state);
    e.discarding = discarding == '1';
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
    std::string out(kMagic);
    out += std::to_string(kHandoffVersion);
    out += ' ';
    out += std::to_string(entries.size());
    out += '\n';
    for (const HandoffEntry& e : entries) {
        out += std::to_string(e.conn);
        out += ' ';
        out += static_cast<char>(e.state);
        out += e.discarding ? " 1 " : " 0 ";
        appendField(out, e.server);
        out += ' ';
        appendField(out, e.nick);
        out += ' ';
        appendField(out, e.room);
        out += '\n';
    }
    const std::size_t body = out.size();
    out += "end ";
    out += std::to_string(body);
    out += '\n';
    return out;
}

bool decodeHandoff(std::string_view blob, std::vector<HandoffEntry>& out, std::string& error) {
    out.clear();
    Reader r(blob);
    std::uint64_t version = 0;
    std::uint64_t count = 0;
    if (!r.literal(kMagic) || !r.number(version, UINT64_MAX)) {
        error = r.error();
        return false;
    }
    if (version != kHandoffVersion) {
        error = "hand-off version " + std::to_string(version) + ", expected " +
                std::to_string(kHandoffVersion);
        return false;
    }
    if (!r.literal(" ") || !r.number(count, kMaxEntries) || !r.literal("\n")) {
        error = r.error();
        return false;
    }
    // Every record takes well over 8 bytes, so a count the blob cannot hold is caught here
    // before anything is reserved for it.
    if (count > blob.size() / 8) {
        error = "record count " + std::to_string(count) + " does not fit in " +
                std::to_string(blob.size()) + " bytes";
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
    const std::size_t body = r.offset();
    std::uint64_t declared = 0;
    if (!r.literal("end ") || !r.number(declared, UINT64_MAX) || !r.literal("\n")) {
        error = r.error();
        return false;
    }
    if (declared != body) {
        error = "length mismatch: trailer says " + std::to_string(declared) + " bytes, read " +
                std::to_string(body);
        return false;
    }
    if (!r.atEnd()) {
        error = "trailing bytes after the end marker";
        return false;
    }
    return true;
}

}  // namespace gorgon::chat
