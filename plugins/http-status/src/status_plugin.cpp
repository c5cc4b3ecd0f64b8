// The http-status extension: one route object per `extension: status` route. It answers its
// three paths exactly (the page, the metrics, the health check) and passes every other request
// on. Each answer reads the host afresh; the route keeps nothing between requests, so a reload
// of the plugin is invisible to clients.
#include "status_config.hpp"
#include "status_html.hpp"
#include "status_json.hpp"
#include "status_metrics.hpp"
#include "status_snapshot.hpp"

#include <gorgon/http.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace gorgon::status {

namespace {

using http::Request;
using http::Result;

constexpr std::string_view kNoStore = "no-store";

}  // namespace

class StatusRoute {
  public:
    StatusRoute(http::Env env, Config config)
        : host_(env.host()), settings_(parseSettings(host_, config)) {
        if (!settings_.page.empty()) {
            page_options_.refresh_seconds = settings_.refresh_seconds;
            page_options_.json_href = settings_.page + "?format=json";
            page_options_.metrics_href = settings_.metrics;
        }
    }

    bool match(const Request& req) const {
        const std::string_view p = req.path();
        return is(p, settings_.page) || is(p, settings_.metrics) || is(p, settings_.healthz);
    }

    Result handle(Request& req) {
        const std::string_view m = req.method();
        if (m != "GET" && m != "HEAD") return req.error(405, {{"Allow", "GET, HEAD"}});
        const std::string_view p = req.path();
        if (is(p, settings_.healthz)) return healthz(req);
        if (is(p, settings_.metrics)) {
            return req.respond(200,
                               {{"Content-Type", kMetricsContentType}, {"Cache-Control", kNoStore}},
                               renderMetrics(takeSnapshot(host_, std::nullopt)));
        }
        const auto format = http::queryValue(req.query(), "format");
        if (format && *format == "json") {
            return req.respond(200,
                               {{"Content-Type", "application/json"}, {"Cache-Control", kNoStore}},
                               renderJson(takeSnapshot(host_, settings_.connections)));
        }
        if (format && *format != "html") return req.error(400);
        return req.respond(
            200, {{"Content-Type", "text/html; charset=utf-8"}, {"Cache-Control", kNoStore}},
            renderHtml(takeSnapshot(host_, settings_.connections), page_options_));
    }

  private:
    static bool is(std::string_view path, const std::string& configured) noexcept {
        return !configured.empty() && path == configured;
    }

    // Cheap on purpose (probes call it every few seconds): one host_status call, no listing.
    Result healthz(Request& req) const {
        gorgon_host_status s{};
        s.struct_size = sizeof s;
        const bool stopping =
            host_.api()->host_status(host_.self(), &s) == GORGON_OK && s.stopping != 0;
        return req.respond(
            stopping ? 503 : 200,
            {{"Content-Type", "text/plain; charset=utf-8"}, {"Cache-Control", kNoStore}},
            stopping ? "stopping\n" : "ok\n");
    }

    Host host_;
    Settings settings_;
    PageOptions page_options_;
};

}  // namespace gorgon::status

GORGON_HTTP_EXTENSION(gorgon::status::StatusRoute, "http-status", "status", "1.0.0",
                      "Status page, JSON, Prometheus metrics and /healthz")
