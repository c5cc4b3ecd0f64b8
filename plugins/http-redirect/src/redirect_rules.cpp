#include "redirect_rules.hpp"

#include <algorithm>
#include <utility>

namespace gorgon::redirect {

namespace {

bool isToken(std::string_view s) noexcept {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

std::vector<std::string> readMethods(const Config& node) {
    std::vector<std::string> methods;
    if (!node.present()) return methods;
    if (node.type() != GORGON_CONFIG_SEQUENCE) node.fail("expected a list of methods");
    if (node.size() == 0) node.fail("an empty list would match no request");
    for (std::size_t i = 0; i < node.size(); ++i) {
        std::string m = node.at(i).string();
        if (!isToken(m)) node.at(i).fail("not an HTTP method");
        methods.push_back(std::move(m));
    }
    return methods;
}

Rule readRule(Host host, const Config& node, Limits limits) {
    if (node.type() != GORGON_CONFIG_MAP)
        node.fail("expected a map with match and redirect or rewrite");
    static const char* const keys[] = {"match",  "redirect", "rewrite",
                                       "status", "methods",  nullptr};
    node.allowKeys(host, keys);

    const Config match = node["match"];
    if (!match.present()) node.fail("missing key: match");
    std::string pattern = match.string();
    auto compiled = Regex::compile(pattern, limits);
    if (auto* err = std::get_if<std::string>(&compiled)) match.fail("bad regex: " + *err);
    Regex regex = std::move(std::get<Regex>(compiled));

    const Config redirect = node["redirect"];
    const Config rewrite = node["rewrite"];
    if (redirect.present() == rewrite.present()) {
        node.fail("a rule has exactly one of redirect and rewrite");
    }
    const Config& which = redirect.present() ? redirect : rewrite;
    const std::string text = which.string();
    if (text.empty()) which.fail("an empty target");
    auto parsed = Template::parse(text, regex.groups());
    if (auto* err = std::get_if<std::string>(&parsed)) which.fail(*err);
    Template target = std::move(std::get<Template>(parsed));

    int status = 0;
    if (redirect.present()) {
        status = static_cast<int>(node["status"].integer(302));
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            node["status"].fail("must be 301, 302, 303, 307 or 308");
        }
    } else {
        if (node["status"].present()) node["status"].fail("only a redirect has a status");
        // A rewrite makes a new request-target (origin form): it must be a path.
        if (!target.startsWithSlash()) which.fail("a rewrite target must start with '/'");
    }
    return Rule{std::move(pattern), std::move(regex), std::move(target), status,
                readMethods(node["methods"])};
}

}  // namespace

bool Rule::allows(std::string_view method) const noexcept {
    return methods.empty() || std::find(methods.begin(), methods.end(), method) != methods.end();
}

RouteRules readRules(Host host, const Config& config) {
    static const char* const keys[] = {"rules", "match_limit", "depth_limit", nullptr};
    config.allowKeys(host, keys);
    RouteRules out;
    out.limits.match =
        static_cast<std::uint32_t>(config["match_limit"].integer(100000, 1, 100000000));
    out.limits.depth =
        static_cast<std::uint32_t>(config["depth_limit"].integer(10000, 1, 10000000));
    const Config rules = config["rules"];
    if (!rules.present()) config.fail("missing key: rules");
    if (rules.type() != GORGON_CONFIG_SEQUENCE) rules.fail("expected a list of rules");
    if (rules.size() == 0) rules.fail("expected at least one rule");
    out.rules.reserve(rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        out.rules.push_back(readRule(host, rules.at(i), out.limits));
    }
    return out;
}

}  // namespace gorgon::redirect
