// The status snapshot as one self-contained HTML page for people: inline CSS, no scripts, no
// external assets; every string from the host is escaped.
#pragma once

#include "status_snapshot.hpp"

#include <cstdint>
#include <string>

namespace gorgon::status {

struct PageOptions {
    std::uint32_t refresh_seconds = 0;  // 0: no automatic refresh
    std::string json_href;              // link to the JSON form ("" hides it)
    std::string metrics_href;           // link to /metrics ("" hides it)
};

[[nodiscard]] std::string renderHtml(const Snapshot& s, const PageOptions& options);

}  // namespace gorgon::status
