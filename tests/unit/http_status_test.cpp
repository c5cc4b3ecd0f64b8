// Unit tests for http-status's renderers (plugins/http-status/src) over a made-up snapshot, and
// for the SDK's escapers (sdk/include/gorgon/escape.hpp) they rely on.
#include "status_format.hpp"
#include "status_html.hpp"
#include "status_json.hpp"
#include "status_metrics.hpp"
#include "status_snapshot.hpp"

#include <gorgon/escape.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace gorgon::status;

namespace {

Snapshot sample() {
    Snapshot s;
    Process& p = s.process;
    p.version = "0.4.0";
    p.pid = 4242;
    p.started_ms = 1'765'000'000'000;
    p.now_ms = p.started_ms + 90'061'000;  // 1d 01h 01m 01s
    p.connections = 3;
    p.connections_total = 1234567;
    p.requests_total = 89;
    p.bytes_in = 2048;
    p.bytes_out = 5 * 1024 * 1024 + 512 * 1024;
    p.generations = 4;
    p.has_watchdog = true;
    p.lag_max_us = 1500;
    p.lag_max_plugin = "http-static";
    p.lag_max_hook = "on_data";
    p.lag_buckets = {100, 20, 3, 0, 0, 1};
    p.lag_warn_ms = 100;
    p.work_threads = 2;
    p.work_pending = 1;
    p.work_total = 7;
    s.servers.push_back(
        {0, "web", "http", "127.0.0.1:8080, [::1]:8080", "http", 2, 10, 80, 1, 100, 200});
    s.servers.push_back({0, "chat", "chat", "127.0.0.1:8518", "chat", 1, 1, 0, 0, 5, 6});
    // An old instance of "web" kept by a configuration reload: summed in /metrics.
    s.servers.push_back({0, "web", "http", "", "http", 1, 5, 9, 0, 1, 2});
    s.plugins.push_back({"http", "1.0.0", "", "", "", "active", 1, 2, 0, p.started_ms, 0, 80});
    s.plugins.push_back(
        {"chat", "1.0.0", "", "", "", "draining", 2, 1, 0, p.started_ms + 1000, 0, 0});
    s.plugins.push_back(
        {"chat", "1.0.1", "", "", "", "active", 3, 0, 0, p.started_ms + 2000, 0, 0});
    s.plugins.push_back(
        {"evil\"<b>\\\n", "1.0", "", "", "", "active", 1, 0, 0, p.started_ms, 0, 0});
    s.connections.push_back({7, true, "web", "127.0.0.1:5555", "http", 1, p.now_ms - 5000,
                             p.now_ms - 1000, 4, 300, 4000});
    s.connections_open = 3;
    s.stats.push_back({"http", "responses_5xx", 2});
    return s;
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("http-status: SDK escapers") {
    using gorgon::escape::html;
    using gorgon::escape::json;
    CHECK(json("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\u0001\"");
    CHECK(json("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
    CHECK(json("a\xff") == "\"a\\ufffd\"");
    CHECK(html("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    CHECK(html("\x1b[2J") == "&#9243;[2J");  // a control picture, not a raw escape byte
    CHECK(html("caf\xc3\xa9 \xff") == "caf\xc3\xa9 &#xfffd;");
}

TEST_CASE("http-status: figures for people") {
    CHECK(humanBytes(0) == "0 B");
    CHECK(humanBytes(1023) == "1023 B");
    CHECK(humanBytes(1536) == "1.5 KiB");
    CHECK(humanBytes(5 * 1024 * 1024 + 512 * 1024) == "5.5 MiB");
    CHECK(humanBytes(UINT64_MAX) == "15.9 EiB");
    CHECK(humanSeconds(59) == "59s");
    CHECK(humanSeconds(62) == "1m 02s");
    CHECK(humanSeconds(3 * 3600 + 4 * 60) == "3h 04m");
    CHECK(humanSeconds(90'061) == "1d 01h");
    CHECK(humanSeconds(-5) == "0s");
    CHECK(humanMicros(850) == "850 \xc2\xb5s");
    CHECK(humanMicros(12'345) == "12.3 ms");
    CHECK(humanMicros(1'200'000) == "1.20 s");
    CHECK(grouped(0) == "0");
    CHECK(grouped(999) == "999");
    CHECK(grouped(1234567) == "1,234,567");
    CHECK(utcTime(0) == "-");
    CHECK(utcTime(86'400'000) == "1970-01-02 00:00:00 UTC");
}

TEST_CASE("http-status: reloads and uptime") {
    Snapshot s = sample();
    CHECK(reloads(s) == 2);  // chat is at generation 3: two loads after the first
    CHECK(uptimeSeconds(s.process) == 90'061);
    s.process.now_ms = s.process.started_ms - 1;
    CHECK(uptimeSeconds(s.process) == 0);
}

TEST_CASE("http-status: Prometheus label values are escaped") {
    CHECK(escapeLabelValue("plain") == "plain");
    CHECK(escapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    CHECK(escapeLabelValue("\xff") == "\xef\xbf\xbd");
}

TEST_CASE("http-status: /metrics families") {
    const std::string m = renderMetrics(sample());
    CHECK(contains(m, "# HELP gorgon_requests_total "));
    CHECK(contains(m, "# TYPE gorgon_requests_total counter\ngorgon_requests_total 89\n"));
    CHECK(contains(m, "# TYPE gorgon_connections_open gauge\ngorgon_connections_open 3\n"));
    CHECK(contains(m, "gorgon_build_info{version=\"0.4.0\"} 1\n"));
    CHECK(contains(m, "gorgon_start_time_seconds 1765000000.000\n"));
    CHECK(contains(m, "gorgon_uptime_seconds 90061\n"));
    CHECK(contains(m, "gorgon_loop_lag_max_seconds 0.001500\n"));
    CHECK(contains(m, "gorgon_loop_lag_max_info{plugin=\"http-static\",hook=\"on_data\"} 1\n"));
    CHECK(contains(m, "gorgon_loop_callbacks_total{ge_seconds=\"0\",lt_seconds=\"0.001\"} 100\n"));
    CHECK(contains(m, "gorgon_loop_callbacks_total{ge_seconds=\"0.500\",lt_seconds=\"+Inf\"} 1\n"));
    CHECK(contains(m, "gorgon_work_completed_total 7\n"));
    // The two instances of "web" are one series.
    CHECK(contains(m, "gorgon_server_connections_total{server=\"web\",protocol=\"http\"} 15\n"));
    CHECK(contains(m, "gorgon_server_sent_bytes_total{server=\"chat\",protocol=\"chat\"} 6\n"));
    CHECK(contains(m, "gorgon_plugin_loads_total{plugin=\"chat\"} 3\n"));
    CHECK(contains(m,
                   "gorgon_plugin_info{plugin=\"chat\",generation=\"2\",version=\"1.0.0\","
                   "state=\"draining\"} 1\n"));
    CHECK(contains(m, "gorgon_plugin_requests_total{plugin=\"http\",generation=\"1\"} 80\n"));
    CHECK(contains(m, "{plugin=\"evil\\\"<b>\\\\\\n\",generation=\"1\"}"));
    CHECK(contains(m, "gorgon_plugin_stat{plugin=\"http\",name=\"responses_5xx\"} 2\n"));
    // One TYPE line per family, each before its samples.
    CHECK(m.find("# TYPE gorgon_server_requests_total") < m.find("gorgon_server_requests_total{"));
    CHECK(m.back() == '\n');

    // A host without the 1.3 watchdog: no lag or work-pool families at all.
    Snapshot old = sample();
    old.process.has_watchdog = false;
    const std::string o = renderMetrics(old);
    CHECK_FALSE(contains(o, "gorgon_loop_"));
    CHECK_FALSE(contains(o, "gorgon_work_"));
}

TEST_CASE("http-status: JSON") {
    const std::string j = renderJson(sample());
    CHECK(j.front() == '{');
    CHECK(j.back() == '\n');
    CHECK(contains(j, "\"process\":{\"version\":\"0.4.0\",\"pid\":4242,"));
    CHECK(contains(j, "\"uptime_seconds\":90061,\"stopping\":false,"));
    CHECK(contains(j, "\"reloads\":2}"));
    CHECK(contains(j, "\"lag_buckets\":[{\"lt_ms\":1,\"count\":100},"));
    CHECK(contains(j, "{\"lt_ms\":null,\"count\":1}]"));
    CHECK(contains(j, "\"work_pool\":{\"threads\":2,\"pending\":1,\"completed_total\":7}"));
    CHECK(contains(j, "\"name\":\"evil\\\"<b>\\\\\\n\""));
    CHECK(contains(j, "\"connections\":{\"open\":3,\"listed\":[{\"id\":7,"));
    CHECK(contains(j, "\"stats\":[{\"plugin\":\"http\",\"name\":\"responses_5xx\",\"value\":2}]"));

    Snapshot old = sample();
    old.process.has_watchdog = false;
    const std::string o = renderJson(old);
    CHECK(contains(o, "\"watchdog\":null,\"work_pool\":null,"));
}

TEST_CASE("http-status: HTML page") {
    PageOptions o;
    o.json_href = "/status?format=json";
    o.metrics_href = "/metrics";
    const std::string h = renderHtml(sample(), o);
    CHECK(h.starts_with("<!DOCTYPE html>"));
    CHECK(contains(h, "<td>web</td>"));
    CHECK(contains(h, "<td>chat</td>"));
    CHECK(contains(h, "127.0.0.1:8080, [::1]:8080"));
    CHECK(contains(h, "evil&quot;&lt;b&gt;\\"));
    CHECK_FALSE(contains(h, "<b>"));
    CHECK(contains(h, "href=\"/status?format=json\""));
    CHECK(contains(h, "href=\"/metrics\""));
    CHECK(contains(h, "1,234,567"));
    CHECK(contains(h, "http-static / on_data"));
    CHECK_FALSE(contains(h, "http-equiv=\"refresh\""));
    CHECK_FALSE(contains(h, "<script"));
    CHECK_FALSE(contains(h, "src="));  // nothing external

    o.refresh_seconds = 5;
    o.metrics_href.clear();
    const std::string r = renderHtml(sample(), o);
    CHECK(contains(r, "<meta http-equiv=\"refresh\" content=\"5\">"));
    CHECK_FALSE(contains(r, "href=\"/metrics\""));
}
