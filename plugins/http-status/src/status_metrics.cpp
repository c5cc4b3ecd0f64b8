#include "status_metrics.hpp"

#include <gorgon/escape.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <utility>
#include <vector>

namespace gorgon::status {

namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Seconds from a count of `unit`ths of a second, printed exactly (no float rounding): 1500 ms
// is "1.500", 7 us is "0.000007".
std::string fixed(std::int64_t value, std::int64_t unit, int digits) {
    const bool negative = value < 0;
    const std::uint64_t v =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    const auto u = static_cast<std::uint64_t>(unit);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", negative ? "-" : "",
                  static_cast<unsigned long long>(v / u), digits,
                  static_cast<unsigned long long>(v % u));
    return buf;
}

std::string seconds(std::uint64_t value, std::uint64_t unit, int digits) {
    return fixed(static_cast<std::int64_t>(value), static_cast<std::int64_t>(unit), digits);
}

class Exposition {
  public:
    // HELP text is fixed in this file and holds no backslash or line feed, so needs no escape.
    void family(std::string_view name, std::string_view type, std::string_view help) {
        name_ = name;
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(Labels labels, std::string_view value) {
        out_ += name_;
        if (labels.size() > 0) {
            out_ += '{';
            bool first = true;
            for (const auto& [k, v] : labels) {
                if (!first) out_ += ',';
                first = false;
                out_ += k;
                out_ += "=\"";
                out_ += escapeLabelValue(v);
                out_ += '"';
            }
            out_ += '}';
        }
        out_ += ' ';
        out_ += value;
        out_ += '\n';
    }
    template <class Int>
    void sample(Labels labels, Int value) {
        sample(labels, std::string_view(std::to_string(value)));
    }
    // A family of one unlabelled sample.
    template <class V>
    void single(std::string_view name, std::string_view type, std::string_view help, V value) {
        family(name, type, help);
        sample({}, value);
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
    std::string_view name_;
};

void process(Exposition& e, const Snapshot& s) {
    const Process& p = s.process;
    e.family("gorgon_build_info", "gauge", "The running gorgon's version; always 1.");
    e.sample({{"version", p.version}}, 1);
    e.single("gorgon_start_time_seconds", "gauge",
             "When the process started, in seconds since the Unix epoch.",
             std::string_view(fixed(p.started_ms, 1000, 3)));
    e.single("gorgon_uptime_seconds", "gauge", "Seconds since the process started.",
             uptimeSeconds(p));
    e.single("gorgon_stopping", "gauge", "1 once a shutdown has begun (draining), else 0.",
             p.stopping ? 1 : 0);
    e.single("gorgon_connections_open", "gauge",
             "Connections open now, on every server and plugins' own.", p.connections);
    e.single("gorgon_connections_total", "counter", "Connections accepted or made since start.",
             p.connections_total);
    e.single("gorgon_requests_total", "counter", "Requests ended since start, all servers.",
             p.requests_total);
    e.single("gorgon_received_bytes_total", "counter",
             "Bytes received on every connection since start.", p.bytes_in);
    e.single("gorgon_sent_bytes_total", "counter", "Bytes sent on every connection since start.",
             p.bytes_out);
    e.single("gorgon_plugin_generations", "gauge",
             "Plugin generations loaded (active and draining).", p.generations);
}

void watchdog(Exposition& e, const Process& p) {
    if (!p.has_watchdog) return;  // a host older than ABI 1.3
    e.single("gorgon_loop_lag_max_seconds", "gauge",
             "Longest time one plugin callback held the event loop since start.",
             std::string_view(seconds(p.lag_max_us, 1'000'000, 6)));
    if (!p.lag_max_plugin.empty()) {
        e.family("gorgon_loop_lag_max_info", "gauge",
                 "The plugin and hook of the longest callback; always 1.");
        e.sample({{"plugin", p.lag_max_plugin}, {"hook", p.lag_max_hook}}, 1);
    }
    e.single("gorgon_loop_lag_warn_seconds", "gauge",
             "A callback holding the loop this long is logged (watchdog.warn_ms).",
             std::string_view(seconds(p.lag_warn_ms, 1000, 3)));
    // The host counts callbacks per duration range but keeps no sum of durations, so this is
    // not a Prometheus histogram: one counter per range [ge_seconds, lt_seconds).
    e.family("gorgon_loop_callbacks_total", "counter",
             "Plugin callbacks since start, by how long they held the loop.");
    for (std::size_t i = 0; i < p.lag_buckets.size(); ++i) {
        const std::string ge = i == 0 ? "0" : seconds(kLagBucketBoundsMs[i - 1], 1000, 3);
        const std::string lt =
            i < kLagBucketBoundsMs.size() ? seconds(kLagBucketBoundsMs[i], 1000, 3) : "+Inf";
        e.sample({{"ge_seconds", ge}, {"lt_seconds", lt}}, p.lag_buckets[i]);
    }
    e.single("gorgon_work_threads", "gauge", "Threads of the work pool.", p.work_threads);
    e.single("gorgon_work_pending", "gauge", "Work submitted and not yet completed.",
             p.work_pending);
    e.single("gorgon_work_completed_total", "counter", "Work completed since start.", p.work_total);
}

// A reloaded configuration can list an old and a new instance of a server under one name for
// a while; they are summed so that every series is unique.
struct ServerSum {
    std::string_view protocol;
    Server sum;
};

void servers(Exposition& e, const Snapshot& s) {
    std::map<std::string_view, ServerSum> by_name;
    for (const Server& v : s.servers) {
        auto [it, fresh] = by_name.try_emplace(v.name, ServerSum{v.protocol, {}});
        Server& t = it->second.sum;
        t.connections += v.connections;
        t.connections_total += v.connections_total;
        t.requests_total += v.requests_total;
        t.requests_inflight += v.requests_inflight;
        t.bytes_in += v.bytes_in;
        t.bytes_out += v.bytes_out;
    }
    struct Field {
        std::string_view name, type, help;
        std::uint64_t Server::*member;
    };
    static constexpr Field kFields[] = {
        {"gorgon_server_connections_open", "gauge", "Connections open now on the server.",
         &Server::connections},
        {"gorgon_server_connections_total", "counter", "Connections the server accepted.",
         &Server::connections_total},
        {"gorgon_server_requests_total", "counter", "Requests the server's connections ended.",
         &Server::requests_total},
        {"gorgon_server_requests_inflight", "gauge", "Requests begun and not yet ended.",
         &Server::requests_inflight},
        {"gorgon_server_received_bytes_total", "counter", "Bytes received by the server.",
         &Server::bytes_in},
        {"gorgon_server_sent_bytes_total", "counter", "Bytes sent by the server.",
         &Server::bytes_out},
    };
    for (const Field& f : kFields) {
        e.family(f.name, f.type, f.help);
        for (const auto& [name, v] : by_name) {
            e.sample({{"server", name}, {"protocol", v.protocol}}, v.sum.*f.member);
        }
    }
}

void plugins(Exposition& e, const Snapshot& s) {
    e.family("gorgon_plugin_info", "gauge", "One per loaded plugin generation; always 1.");
    std::vector<std::string> numbers;
    numbers.reserve(s.plugins.size());
    for (const Generation& g : s.plugins) numbers.push_back(std::to_string(g.generation));
    for (std::size_t i = 0; i < s.plugins.size(); ++i) {
        const Generation& g = s.plugins[i];
        e.sample({{"plugin", g.name},
                  {"generation", numbers[i]},
                  {"version", g.version},
                  {"state", g.state}},
                 1);
    }
    e.family("gorgon_plugin_load_time_seconds", "gauge",
             "When the generation was loaded, in seconds since the Unix epoch.");
    for (std::size_t i = 0; i < s.plugins.size(); ++i) {
        const Generation& g = s.plugins[i];
        e.sample({{"plugin", g.name}, {"generation", numbers[i]}},
                 std::string_view(fixed(g.loaded_ms, 1000, 3)));
    }
    struct Field {
        std::string_view name, type, help;
        std::uint64_t Generation::*member;
    };
    static constexpr Field kFields[] = {
        {"gorgon_plugin_connections_open", "gauge", "Connections the generation holds.",
         &Generation::connections},
        {"gorgon_plugin_requests_total", "counter", "Requests the generation has ended.",
         &Generation::requests_total},
        {"gorgon_plugin_requests_inflight", "gauge", "Requests of the generation not yet ended.",
         &Generation::requests_inflight},
    };
    for (const Field& f : kFields) {
        e.family(f.name, f.type, f.help);
        for (std::size_t i = 0; i < s.plugins.size(); ++i) {
            const Generation& g = s.plugins[i];
            e.sample({{"plugin", g.name}, {"generation", numbers[i]}}, g.*f.member);
        }
    }
    // Generation numbers grow by one per load of a name: the newest is the count of loads.
    std::map<std::string_view, std::uint64_t> loads;
    for (const Generation& g : s.plugins) {
        auto& n = loads[g.name];
        n = std::max(n, g.generation);
    }
    e.family("gorgon_plugin_loads_total", "counter",
             "Loads of the plugin since start (the first, then one per reload).");
    for (const auto& [name, n] : loads) e.sample({{"plugin", name}}, n);
}

void stats(Exposition& e, const Snapshot& s) {
    if (s.stats.empty()) return;
    // Plugins' own counters (stat_add takes signed deltas, so they are gauges to Prometheus).
    e.family("gorgon_plugin_stat", "gauge", "A plugin's own counter, summed over its generations.");
    for (const Stat& st : s.stats) e.sample({{"plugin", st.plugin}, {"name", st.name}}, st.value);
}

}  // namespace

std::string escapeLabelValue(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    std::size_t i = 0;
    while (i < v.size()) {
        const char c = v[i];
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x80) {
            out += c;
        } else if (const std::size_t n = escape::utf8Length(v, i); n > 0) {
            out.append(v.substr(i, n));
            i += n;
            continue;
        } else {
            out += "\xef\xbf\xbd";  // U+FFFD: the format is UTF-8
        }
        ++i;
    }
    return out;
}

std::string renderMetrics(const Snapshot& s) {
    Exposition e;
    process(e, s);
    watchdog(e, s.process);
    servers(e, s);
    plugins(e, s);
    stats(e, s);
    return e.take();
}

}  // namespace gorgon::status
