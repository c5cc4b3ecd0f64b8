// The rules of one http-redirect route, read from its `config:` when the route opens.
#pragma once

#include "redirect_regex.hpp"
#include "redirect_template.hpp"

#include <gorgon/plugin.hpp>

#include <string>
#include <vector>

namespace gorgon::redirect {

struct Rule {
    std::string pattern;  // as configured, for log lines
    Regex regex;
    Template target;
    int status = 0;                    // 301, 302, 303, 307 or 308 for a redirect; 0 for a rewrite
    std::vector<std::string> methods;  // empty: every method

    [[nodiscard]] bool rewrite() const noexcept { return status == 0; }
    [[nodiscard]] bool allows(std::string_view method) const noexcept;
};

struct RouteRules {
    Limits limits;
    std::vector<Rule> rules;
};

// Reads `rules`, `match_limit` and `depth_limit`; throws ConfigError located at the offending
// key (a bad regex, a template naming a group the regex lacks, an unknown key, ...).
[[nodiscard]] RouteRules readRules(Host host, const Config& config);

}  // namespace gorgon::redirect
