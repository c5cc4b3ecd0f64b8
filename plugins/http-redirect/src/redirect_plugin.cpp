// http-redirect: nginx-style rewrite and redirect rules (PCRE2) as an HTTP extension. A route
// `extension: redirect` holds a list of rules; the first whose regex matches the request's
// normalised path (and whose methods allow it) either answers with a redirect (status and
// Location) or rewrites the request-target and passes the request on to the routes after this
// one. Medusa's redirecting_handler, without its bugs: it matched the raw URI, query included,
// substituted only group 1, answered 302 only, and put decoded text into Location as it was.
#include "redirect_rules.hpp"

#include <gorgon/http.hpp>

#include <string>
#include <vector>

namespace gorgon::redirect {

using http::Request;
using http::Result;

namespace {

// A request path for a log line: printable ASCII as it is, the rest as \xNN.
std::string printable(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const char ch : s.substr(0, 512)) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            out.push_back(ch);
        } else {
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
    return out;
}

}  // namespace

class RedirectRoute {
  public:
    RedirectRoute(http::Env env, Config config)
        : host_(env.host()), rules_(readRules(host_, config)) {
        for (const Rule& r : rules_.rules) {
            if (r.rewrite() && !GORGON_HTTP_HAS(env.api(), rewrite)) {
                config["rules"].fail("this http plugin cannot rewrite a request (ABI 1.4 needed)");
            }
        }
    }

    Result handle(Request& req) {
        const std::string_view path = req.path();
        for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
            const Rule& rule = rules_.rules[i];
            if (!rule.allows(req.method())) continue;
            std::string error;
            switch (rule.regex.match(path, captures_, error)) {
                case Regex::Outcome::no_match:
                    continue;
                case Regex::Outcome::limit:
                case Regex::Outcome::error:
                    // A pattern that backtracks without end must not hold the loop, and must not
                    // quietly skip a rule either (the rules after it may be less strict).
                    host_.error("redirect: rule " + std::to_string(i) + " (" + rule.pattern +
                                ") failed on path \"" + printable(path) + "\": " + error +
                                "; answered 500");
                    return req.error(500);
                case Regex::Outcome::match:
                    return apply(req, i, rule);
            }
        }
        return Result::decline;
    }

  private:
    Result apply(Request& req, std::size_t index, const Rule& rule) {
        std::string target = rule.target.expand(captures_, req.query());
        if (host_.logEnabled(GORGON_LOG_DEBUG)) {
            host_.debug("redirect: rule " + std::to_string(index) + ": \"" + printable(req.path()) +
                        "\" -> " +
                        (rule.rewrite() ? "rewrite " : std::to_string(rule.status) + " ") +
                        printable(target));
        }
        if (!rule.rewrite()) return req.error(rule.status, {{"Location", target}});
        const gorgon_status s = req.rewrite(target);
        if (s != GORGON_OK) {
            host_.error("redirect: rule " + std::to_string(index) + " (" + rule.pattern +
                        ") made the target \"" + printable(target) +
                        "\", which the http plugin refused (status " + std::to_string(s) +
                        "); answered 500");
            return req.error(500);
        }
        return Result::decline;  // the routes after this one serve the new target
    }

    Host host_;
    RouteRules rules_;
    std::vector<Capture> captures_;  // reused: the loop runs one request at a time
};

}  // namespace gorgon::redirect

GORGON_HTTP_EXTENSION(gorgon::redirect::RedirectRoute, "http-redirect", "redirect", "1.0.0",
                      "Rewrite and redirect rules with PCRE2 regular expressions")
