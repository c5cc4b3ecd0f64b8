#include "http_handoff.hpp"

#include <gorgon/handoff.hpp>

#include <set>

namespace gorgon::http {

namespace {

constexpr std::string_view kMagic = "gorgon-http-handoff";
constexpr std::size_t kMaxServerName = 1024;
// The shortest record, "1 0 0 0 1:s\n", is 12 bytes.
constexpr std::size_t kMinRecordBytes = 10;

}  // namespace

std::string encodeHandoff(const std::vector<HandoffEntry>& entries) {
    handoff::Writer w(kMagic, kHandoffVersion, entries.size());
    for (const HandoffEntry& e : entries) {
        w.number(e.conn).number(e.requests).number(e.head_started_ms).flag(e.fresh);
        w.field(e.server).endRecord();
    }
    return std::move(w).finish();
}

bool decodeHandoff(std::string_view blob, std::vector<HandoffEntry>& out, std::string& error) {
    out.clear();
    handoff::Reader r(blob);
    std::uint64_t count = 0;
    if (!r.header(kMagic, kHandoffVersion, count, kMinRecordBytes)) {
        error = r.error();
        return false;
    }
    out.reserve(static_cast<std::size_t>(count));
    std::set<std::uint64_t> seen;
    for (std::uint64_t i = 0; i < count; ++i) {
        HandoffEntry e;
        if (r.number(e.conn) && r.number(e.requests) && r.number(e.head_started_ms) &&
            r.flag(e.fresh) && r.field(e.server, kMaxServerName) && r.endRecord()) {
            if (e.conn == 0 || e.server.empty()) {
                r.fail("invalid values");
            } else if (!seen.insert(e.conn).second) {
                r.fail("connection listed twice");
            }
        }
        if (!r.ok()) {
            error = "record " + std::to_string(i) + ": " + r.error();
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

}  // namespace gorgon::http
