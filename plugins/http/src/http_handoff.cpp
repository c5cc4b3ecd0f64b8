#include "http_handoff.hpp"

#include <set>

namespace gorgon::http {

namespace {

constexpr std::string_view kMagic = "gorgon-http-handoff ";
constexpr std::size_t kMaxServerName = 1024;

// A cursor that fails, remembering where and why, instead of reading past the end.
class Reader {
  public:
    explicit Reader(std::string_view in) noexcept : in_(in) {}

    [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
    [[nodiscard]] bool atEnd() const noexcept { return pos_ == in_.size(); }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

    bool literal(std::string_view text) {
        if (in_.substr(pos_, text.size()) != text)
            return fail("expected \"" + std::string(text) + '"');
        pos_ += text.size();
        return true;
    }

    bool number(std::uint64_t& out) {
        const std::size_t start = pos_;
        std::uint64_t v = 0;
        while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
            const auto d = static_cast<std::uint64_t>(in_[pos_] - '0');
            if (v > (UINT64_MAX - d) / 10) return fail("number out of range");
            v = v * 10 + d;
            ++pos_;
        }
        if (pos_ == start) return fail("expected a number");
        if (pos_ - start > 1 && in_[start] == '0') return fail("number with a leading zero");
        out = v;
        return true;
    }

    bool field(std::string& out, std::size_t max) {
        std::uint64_t len = 0;
        if (!number(len) || !literal(":")) return false;
        if (len > max || in_.size() - pos_ < len) return fail("bad field length");
        out.assign(in_.substr(pos_, static_cast<std::size_t>(len)));
        pos_ += static_cast<std::size_t>(len);
        return true;
    }

    bool fail(const std::string& why) {
        if (error_.empty()) error_ = "at byte " + std::to_string(pos_) + ": " + why;
        return false;
    }

  private:
    std::string_view in_;
    std::size_t pos_ = 0;
    std::string error_;
};

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
        out += std::to_string(e.requests);
        out += ' ';
        out += std::to_string(e.head_started_ms);
        out += e.fresh ? " 1 " : " 0 ";
        out += std::to_string(e.server.size());
        out += ':';
        out += e.server;
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
    if (!r.literal(kMagic) || !r.number(version)) {
        error = r.error();
        return false;
    }
    if (version != kHandoffVersion) {
        error = "hand-off version " + std::to_string(version) + ", expected " +
                std::to_string(kHandoffVersion);
        return false;
    }
    if (!r.literal(" ") || !r.number(count) || !r.literal("\n")) {
        error = r.error();
        return false;
    }
    // Every record takes at least 10 bytes: a count the blob cannot hold is refused before
    // anything is reserved for it.
    if (count > blob.size() / 10) {
        error = "record count " + std::to_string(count) + " does not fit in the blob";
        return false;
    }
    out.reserve(static_cast<std::size_t>(count));
    std::set<std::uint64_t> seen;
    for (std::uint64_t i = 0; i < count; ++i) {
        HandoffEntry e;
        std::uint64_t fresh = 0;
        if (!r.number(e.conn) || !r.literal(" ") || !r.number(e.requests) || !r.literal(" ") ||
            !r.number(e.head_started_ms) || !r.literal(" ") || !r.number(fresh) ||
            !r.literal(" ") || !r.field(e.server, kMaxServerName) || !r.literal("\n")) {
            error = "record " + std::to_string(i) + ": " + r.error();
            return false;
        }
        if (fresh > 1 || e.conn == 0 || e.server.empty()) {
            error = "record " + std::to_string(i) + ": invalid values";
            return false;
        }
        e.fresh = fresh == 1;
        if (!seen.insert(e.conn).second) {
            error = "record " + std::to_string(i) + ": connection listed twice";
            return false;
        }
        out.push_back(std::move(e));
    }
    const std::size_t body = r.offset();
    std::uint64_t declared = 0;
    if (!r.literal("end ") || !r.number(declared) || !r.literal("\n")) {
        error = r.error();
        return false;
    }
    if (declared != body || !r.atEnd()) {
        error = "length mismatch or trailing bytes";
        return false;
    }
    return true;
}

}  // namespace gorgon::http
