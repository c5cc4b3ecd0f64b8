#include "status_html.hpp"

#include "status_format.hpp"

#include <gorgon/escape.hpp>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string_view>

namespace gorgon::status {

namespace {

// Light and dark themes through prefers-color-scheme; tables scroll sideways on a phone.
constexpr std::string_view kStyle = R"(
:root{--bg:#f6f7f9;--fg:#1d2430;--muted:#5d6878;--card:#fff;--line:#e1e5eb;--accent:#2f6fdf;
--ok:#1f8a4c;--warn:#b7791f;--bad:#c53030;--bar:#2f6fdf}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e3e7ee;--muted:#98a2b3;--card:#1d2128;
--line:#2c323c;--accent:#6ea0ff;--bar:#6ea0ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{padding:18px 28px;border-bottom:1px solid var(--line);background:var(--card);
display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 18px}
header h1{margin:0;font-size:20px}
header .meta{color:var(--muted)}
header nav{margin-left:auto}
header nav a{margin-left:14px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
main{padding:20px 28px;max-width:1400px}
h2{font-size:15px;margin:26px 0 10px;text-transform:uppercase;letter-spacing:.04em;
color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(165px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .label{color:var(--muted);font-size:12px}
.card .value{font-size:21px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums}
.card .sub{color:var(--muted);font-size:12px}
.wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%}
th,td{padding:7px 12px;text-align:left;border-bottom:1px solid var(--line);white-space:nowrap}
th{font-size:12px;color:var(--muted);font-weight:600}
tr:last-child td{border-bottom:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;
color:#fff;background:var(--muted)}
.active{background:var(--ok)}.draining{background:var(--warn)}.resident,.stopping{background:var(--bad)}
.serving{background:var(--ok)}
.bar{height:10px;border-radius:3px;background:var(--bar)}
.empty{color:var(--muted);padding:10px 12px}
footer{color:var(--muted);padding:6px 28px 24px;font-size:12px}
)";

class Page {
  public:
    void raw(std::string_view s) { out_ += s; }
    void text(std::string_view s) { escape::appendHtml(out_, s); }
    // <tag class="cls">escaped text</tag>
    void cell(std::string_view text, std::string_view cls = {}) {
        out_ += cls.empty() ? "<td>" : "<td class=\"";
        if (!cls.empty()) {
            out_ += cls;
            out_ += "\">";
        }
        escape::appendHtml(out_, text);
        out_ += "</td>";
    }
    void number(std::uint64_t n) { cell(grouped(n), "n"); }
    void header(std::initializer_list<std::string_view> columns, std::size_t numeric_from) {
        out_ += "<div class=\"wrap\"><table><thead><tr>";
        std::size_t i = 0;
        for (std::string_view c : columns) {
            out_ += i++ >= numeric_from ? "<th class=\"n\">" : "<th>";
            out_ += c;
            out_ += "</th>";
        }
        out_ += "</tr></thead><tbody>";
    }
    void endTable() { out_ += "</tbody></table></div>"; }
    void card(std::string_view label, std::string_view value, std::string_view sub = {}) {
        out_ += "<div class=\"card\"><div class=\"label\">";
        text(label);
        out_ += "</div><div class=\"value\">";
        text(value);
        out_ += "</div>";
        if (!sub.empty()) {
            out_ += "<div class=\"sub\">";
            text(sub);
            out_ += "</div>";
        }
        out_ += "</div>";
    }
    void pill(std::string_view word) {
        out_ += "<span class=\"pill ";
        text(word);
        out_ += "\">";
        text(word);
        out_ += "</span>";
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

void head(Page& p, const Snapshot& s, const PageOptions& o) {
    p.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    p.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    if (o.refresh_seconds > 0) {
        p.raw("<meta http-equiv=\"refresh\" content=\"");
        p.raw(std::to_string(o.refresh_seconds));
        p.raw("\">");
    }
    p.raw("<title>Gorgon status</title><style>");
    p.raw(kStyle);
    p.raw("</style></head><body><header><h1>Gorgon status</h1><span class=\"meta\">gorgon ");
    p.text(s.process.version);
    p.raw(" &middot; pid ");
    p.raw(std::to_string(s.process.pid));
    p.raw(" &middot; started ");
    p.text(utcTime(s.process.started_ms));
    p.raw("</span> ");
    p.pill(s.process.stopping ? "stopping" : "serving");
    if (!o.json_href.empty() || !o.metrics_href.empty()) {
        p.raw("<nav>");
        if (!o.json_href.empty()) {
            p.raw("<a href=\"");
            p.text(o.json_href);
            p.raw("\">JSON</a>");
        }
        if (!o.metrics_href.empty()) {
            p.raw("<a href=\"");
            p.text(o.metrics_href);
            p.raw("\">Prometheus metrics</a>");
        }
        p.raw("</nav>");
    }
    p.raw("</header><main>");
}

void overview(Page& p, const Snapshot& s) {
    const Process& x = s.process;
    p.raw("<h2>Overview</h2><div class=\"cards\">");
    p.card("Uptime", humanSeconds(uptimeSeconds(x)));
    p.card("Connections open", grouped(x.connections),
           grouped(x.connections_total) + " since start");
    p.card("Requests", grouped(x.requests_total), "since start");
    p.card("Bytes in", humanBytes(x.bytes_in), grouped(x.bytes_in) + " bytes");
    p.card("Bytes out", humanBytes(x.bytes_out), grouped(x.bytes_out) + " bytes");
    p.card("Plugin reloads", grouped(reloads(s)),
           std::to_string(x.generations) + " generations loaded");
    if (x.has_watchdog) {
        std::string who = x.lag_max_plugin.empty() ? std::string("no callback yet")
                                                   : x.lag_max_plugin + " / " + x.lag_max_hook;
        p.card("Loop lag max", humanMicros(x.lag_max_us), who);
        p.card("Work pool", grouped(x.work_pending) + " pending",
               std::to_string(x.work_threads) + " threads, " + grouped(x.work_total) + " done");
    }
    p.raw("</div>");
}

void lag(Page& p, const Process& x) {
    if (!x.has_watchdog) return;
    p.raw("<h2>Loop lag</h2>");
    p.header({"callback held the loop", "callbacks", "", "share"}, 1);
    std::uint64_t total = 0;
    std::uint64_t most = 0;
    for (std::uint64_t c : x.lag_buckets) {
        total += c;
        most = std::max(most, c);
    }
    for (std::size_t i = 0; i < x.lag_buckets.size(); ++i) {
        const std::uint64_t c = x.lag_buckets[i];
        std::string range;
        if (i == 0) {
            range = "under " + std::to_string(kLagBucketBoundsMs[0]) + " ms";
        } else if (i < kLagBucketBoundsMs.size()) {
            range = std::to_string(kLagBucketBoundsMs[i - 1]) + " to " +
                    std::to_string(kLagBucketBoundsMs[i]) + " ms";
        } else {
            range = std::to_string(kLagBucketBoundsMs.back()) + " ms or more";
        }
        p.raw("<tr>");
        p.cell(range);
        p.number(c);
        // The bar's width is a share of the largest bucket; a log scale would hide nothing
        // here, but the counts column carries the exact figure anyway.
        const std::uint64_t pct = most > 0 ? c * 100 / most : 0;
        p.raw("<td style=\"width:45%\"><div class=\"bar\" style=\"width:");
        p.raw(std::to_string(c > 0 ? std::max<std::uint64_t>(pct, 1) : 0));
        p.raw("%\"></div></td>");
        const std::uint64_t permille = total > 0 ? c * 1000 / total : 0;
        p.cell(std::to_string(permille / 10) + "." + std::to_string(permille % 10) + " %", "n");
        p.raw("</tr>");
    }
    p.endTable();
    p.raw("<footer style=\"padding:6px 0\">Callbacks taking ");
    p.raw(std::to_string(x.lag_warn_ms));
    p.raw(" ms or more are logged (watchdog.warn_ms).</footer>");
}

void servers(Page& p, const Snapshot& s) {
    p.raw("<h2>Servers</h2>");
    if (s.servers.empty()) {
        p.raw("<div class=\"wrap\"><div class=\"empty\">No servers.</div></div>");
        return;
    }
    p.header({"name", "protocol", "listen", "plugin", "open", "connections", "requests",
              "in flight", "bytes in", "bytes out"},
             4);
    for (const Server& v : s.servers) {
        p.raw("<tr>");
        p.cell(v.name);
        p.cell(v.protocol);
        p.cell(v.listen, "mono");
        p.cell(v.plugin);
        p.number(v.connections);
        p.number(v.connections_total);
        p.number(v.requests_total);
        p.number(v.requests_inflight);
        p.cell(humanBytes(v.bytes_in), "n");
        p.cell(humanBytes(v.bytes_out), "n");
        p.raw("</tr>");
    }
    p.endTable();
}

void plugins(Page& p, const Snapshot& s) {
    p.raw("<h2>Plugins</h2>");
    if (s.plugins.empty()) {
        p.raw("<div class=\"wrap\"><div class=\"empty\">No plugins loaded.</div></div>");
        return;
    }
    p.header({"name", "version", "generation", "state", "loaded", "connections", "requests",
              "in flight"},
             5);
    for (const Generation& g : s.plugins) {
        p.raw("<tr>");
        p.cell(g.name);
        p.cell(g.version, "mono");
        p.cell(std::to_string(g.generation));
        p.raw("<td>");
        p.pill(g.state);
        p.raw("</td>");
        p.cell(utcTime(g.loaded_ms));
        p.number(g.connections);
        p.number(g.requests_total);
        p.number(g.requests_inflight);
        p.raw("</tr>");
    }
    p.endTable();
}

void connections(Page& p, const Snapshot& s) {
    p.raw("<h2>Connections (");
    p.raw(grouped(s.connections_open));
    p.raw(" open");
    if (s.connections.size() < s.connections_open) {
        p.raw(", first ");
        p.raw(grouped(s.connections.size()));
        p.raw(" shown");
    }
    p.raw(")</h2>");
    if (s.connections.empty()) {
        p.raw("<div class=\"wrap\"><div class=\"empty\">No connections listed.</div></div>");
        return;
    }
    p.header({"id", "server", "peer", "plugin", "state", "age", "idle", "requests", "bytes in",
              "bytes out"},
             5);
    const std::int64_t now = s.process.now_ms;
    for (const Connection& c : s.connections) {
        p.raw("<tr>");
        p.cell(std::to_string(c.id), "mono");
        p.cell(c.server);
        p.cell(c.peer, "mono");
        p.cell(c.plugin + " #" + std::to_string(c.generation));
        p.cell(c.in_request ? "in request" : "idle");
        p.cell(humanSeconds((now - c.opened_ms) / 1000), "n");
        p.cell(humanSeconds((now - c.active_ms) / 1000), "n");
        p.number(c.requests);
        p.cell(humanBytes(c.bytes_in), "n");
        p.cell(humanBytes(c.bytes_out), "n");
        p.raw("</tr>");
    }
    p.endTable();
}

void stats(Page& p, const Snapshot& s) {
    if (s.stats.empty()) return;
    p.raw("<h2>Plugin counters</h2>");
    p.header({"plugin", "counter", "value"}, 2);
    for (const Stat& st : s.stats) {
        p.raw("<tr>");
        p.cell(st.plugin);
        p.cell(st.name, "mono");
        p.cell(st.value < 0 ? "-" + grouped(0 - static_cast<std::uint64_t>(st.value))
                            : grouped(static_cast<std::uint64_t>(st.value)),
               "n");
        p.raw("</tr>");
    }
    p.endTable();
}

}  // namespace

std::string renderHtml(const Snapshot& s, const PageOptions& options) {
    Page p;
    head(p, s, options);
    overview(p, s);
    servers(p, s);
    plugins(p, s);
    lag(p, s.process);
    connections(p, s);
    stats(p, s);
    p.raw("</main><footer>Generated ");
    p.text(utcTime(s.process.now_ms));
    if (options.refresh_seconds > 0) {
        p.raw(" &middot; refreshes every ");
        p.raw(std::to_string(options.refresh_seconds));
        p.raw(" s");
    }
    p.raw("</footer></body></html>\n");
    return p.take();
}

}  // namespace gorgon::status
