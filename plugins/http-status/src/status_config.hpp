// The route's `config:` (every key is in the plugin's README): where the page, the metrics and
// the health check answer, how often the page refreshes, how many connections it lists.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace gorgon::status {

struct Settings {
    std::string page = "/status";       // HTML, and JSON with ?format=json ("" disabled)
    std::string metrics = "/metrics";   // Prometheus text ("" disabled)
    std::string healthz = "/healthz";   // "ok" or 503 ("" disabled)
    std::uint32_t refresh_seconds = 0;  // the page's automatic refresh; 0: none
    std::size_t connections = 100;      // connections listed on the page and in the JSON
};

// Reads and checks the route's settings; throws gorgon::ConfigError located at the bad key.
[[nodiscard]] Settings parseSettings(Host host, Config config);

}  // namespace gorgon::status
