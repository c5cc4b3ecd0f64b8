// The status snapshot in the Prometheus text exposition format 0.0.4: `gorgon_*` families with
// their units in their names, HELP and TYPE lines, label values escaped per the format.
#pragma once

#include "status_snapshot.hpp"

#include <string>
#include <string_view>

namespace gorgon::status {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

[[nodiscard]] std::string renderMetrics(const Snapshot& s);

// A label value as the format wants it between double quotes: backslash, double quote and
// line feed escaped as \\, \" and \n. Bytes that are not valid UTF-8 become U+FFFD.
[[nodiscard]] std::string escapeLabelValue(std::string_view v);

}  // namespace gorgon::status
