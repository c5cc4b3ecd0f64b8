#include "monitor_format.hpp"

#include "monitor_json.hpp"
#include "monitor_text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace gorgon::monitor {

namespace {

std::string num(std::uint64_t v) {
    return std::to_string(v);
}

// The watchdog's buckets (gorgon_host_status.lag_buckets), as status shows them.
constexpr std::array<const char*, GORGON_LAG_BUCKETS> kLagBucketNames{
    "<1ms", "<5ms", "<20ms", "<100ms", "<500ms", ">=500ms"};

std::uint64_t since(std::int64_t now_ms, std::int64_t then_ms) {
    return then_ms > 0 && now_ms > then_ms ? static_cast<std::uint64_t>(now_ms - then_ms) : 0;
}

}  // namespace

std::vector<std::string> splitList(const std::string& joined) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < joined.size()) {
        std::size_t end = joined.find(", ", start);
        if (end == std::string::npos) end = joined.size();
        if (end > start) out.push_back(joined.substr(start, end - start));
        start = end + 2;
    }
    return out;
}

std::string formatStatus(const status::Process& h, const std::vector<status::Server>& servers,
                         bool json) {
    const std::uint64_t uptime_ms = since(h.now_ms, h.started_ms);
    if (json) {
        JsonWriter w;
        w.beginObject()
            .field("version", h.version)
            .field("pid", h.pid)
            .field("started_ms", h.started_ms)
            .field("uptime_s", uptime_ms / 1000)
            .field("config_file", h.config_file)
            .field("log_level", logLevelName(h.log_level))
            .field("stopping", h.stopping)
            .field("connections", h.connections)
            .field("connections_total", h.connections_total)
            .field("requests_total", h.requests_total)
            .field("bytes_in", h.bytes_in)
            .field("bytes_out", h.bytes_out)
            .field("generations", static_cast<std::uint64_t>(h.generations));
        if (h.has_watchdog) {
            w.key("loop_lag")
                .beginObject()
                .field("max_us", h.lag_max_us)
                .field("max_plugin", h.lag_max_plugin)
                .field("max_hook", h.lag_max_hook)
                .field("warn_ms", static_cast<std::uint64_t>(h.lag_warn_ms));
            w.key("buckets").beginObject();
            for (std::size_t i = 0; i < h.lag_buckets.size(); ++i) {
                w.field(kLagBucketNames[i], h.lag_buckets[i]);
            }
            w.endObject().endObject();
            w.key("work_pool")
                .beginObject()
                .field("threads", static_cast<std::uint64_t>(h.work_threads))
                .field("pending", h.work_pending)
                .field("total", h.work_total)
                .endObject();
        }
        w.key("servers").beginArray();
        for (const status::Server& s : servers) {
            w.beginObject().field("name", s.name).field("protocol", s.protocol);
            w.key("listen").beginArray();
            for (const std::string& a : splitList(s.listen)) w.string(a);
            w.endArray();
            w.field("plugin", s.plugin)
                .field("connections", s.connections)
                .field("connections_total", s.connections_total)
                .field("requests_total", s.requests_total)
                .field("requests_inflight", s.requests_inflight)
                .field("bytes_in", s.bytes_in)
                .field("bytes_out", s.bytes_out)
                .endObject();
        }
        w.endArray().endObject();
        return w.take() + "\n";
    }
    std::string out = "gorgon " + sanitize(h.version) + " (pid " + std::to_string(h.pid) +
                      "), up " + formatDuration(uptime_ms) + ", log level " +
                      std::string(logLevelName(h.log_level)) + (h.stopping ? ", STOPPING" : "") +
                      "\n";
    out += "config:       " + sanitize(h.config_file) + "\n";
    out += "connections:  " + num(h.connections) + " open, " + num(h.connections_total) +
           " since start\n";
    out += "requests:     " + num(h.requests_total) + "\n";
    out += "bytes:        " + num(h.bytes_in) + " in, " + num(h.bytes_out) + " out\n";
    out += "generations:  " + num(h.generations) + "\n";
    if (h.has_watchdog) {
        char max[32];
        std::snprintf(max, sizeof max, "%llu.%03llu ms",
                      static_cast<unsigned long long>(h.lag_max_us / 1000),
                      static_cast<unsigned long long>(h.lag_max_us % 1000));
        out += "loop lag:     max " + std::string(max);
        if (!h.lag_max_plugin.empty()) {
            out += " (" + sanitize(h.lag_max_plugin) + " " + sanitize(h.lag_max_hook) + ")";
        }
        out += ", warn at " + num(h.lag_warn_ms) + " ms\n";
        out += "callbacks:   ";
        for (std::size_t i = 0; i < h.lag_buckets.size(); ++i) {
            out +=
                std::string(i == 0 ? " " : ", ") + kLagBucketNames[i] + " " + num(h.lag_buckets[i]);
        }
        out += "\n";
        out += "work pool:    " + num(h.work_threads) + " threads, " + num(h.work_pending) +
               " pending, " + num(h.work_total) + " done\n";
    }
    out += "\n";
    Table t({"SERVER", "PROTOCOL", "PLUGIN", "CONNS", "TOTAL", "REQUESTS", "INFLIGHT", "IN", "OUT",
             "LISTEN"});
    for (const status::Server& s : servers) {
        t.add({s.name, s.protocol, s.plugin.empty() ? "-" : s.plugin, num(s.connections),
               num(s.connections_total), num(s.requests_total), num(s.requests_inflight),
               num(s.bytes_in), num(s.bytes_out), s.listen.empty() ? "-" : s.listen});
    }
    return out + t.render();
}

std::string formatPlugins(const std::vector<status::Generation>& generations, bool json) {
    // By name, then generation: the host lists them in no promised order.
    std::vector<const status::Generation*> sorted;
    sorted.reserve(generations.size());
    for (const status::Generation& g : generations) sorted.push_back(&g);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
        return a->name != b->name ? a->name < b->name : a->generation < b->generation;
    });
    if (json) {
        JsonWriter w;
        w.beginObject().key("plugins").beginArray();
        for (std::size_t i = 0; i < sorted.size();) {
            const std::string& name = sorted[i]->name;
            std::size_t end = i;
            while (end < sorted.size() && sorted[end]->name == name) ++end;
            // The plugin's version and file are those of its newest active generation.
            const status::Generation* current = sorted[end - 1];
            for (std::size_t k = i; k < end; ++k) {
                if (sorted[k]->state == "active") current = sorted[k];
            }
            w.beginObject()
                .field("name", name)
                .field("version", current->version)
                .field("description", current->description)
                .field("state", current->state)
                .field("file", current->file)
                .field("sha256", current->sha256);
            w.key("generations").beginArray();
            for (std::size_t k = i; k < end; ++k) {
                const status::Generation& g = *sorted[k];
                w.beginObject()
                    .field("generation", g.generation)
                    .field("state", g.state)
                    .field("version", g.version)
                    .field("file", g.file)
                    .field("sha256", g.sha256)
                    .field("loaded_ms", g.loaded_ms)
                    .field("connections", g.connections)
                    .field("references", g.references)
                    .field("requests_inflight", g.requests_inflight)
                    .field("requests_total", g.requests_total)
                    .endObject();
            }
            w.endArray().endObject();
            i = end;
        }
        w.endArray().endObject();
        return w.take() + "\n";
    }
    Table t({"NAME", "VERSION", "GEN", "STATE", "CONNS", "INFLIGHT", "REQUESTS", "LOADED", "SHA256",
             "FILE"});
    for (const status::Generation* g : sorted) {
        t.add({g->name, g->version, num(g->generation), g->state, num(g->connections),
               num(g->requests_inflight), num(g->requests_total), formatTime(g->loaded_ms),
               g->sha256.substr(0, 12), g->file});
    }
    return t.render();
}

std::string formatConnections(const std::vector<status::Connection>& connections,
                              std::uint64_t total, std::int64_t now_ms, bool json) {
    if (json) {
        JsonWriter w;
        w.beginObject().field("total", total).field("truncated", total > connections.size());
        w.key("connections").beginArray();
        for (const status::Connection& c : connections) {
            w.beginObject()
                .field("id", c.id)
                .field("server", c.server)
                .field("peer", c.peer)
                .field("plugin", c.plugin)
                .field("generation", c.generation)
                .field("in_request", c.in_request)
                .field("opened_ms", c.opened_ms)
                .field("active_ms", c.active_ms)
                .field("requests", c.requests)
                .field("bytes_in", c.bytes_in)
                .field("bytes_out", c.bytes_out)
                .field("pending", c.pending)
                .endObject();
        }
        w.endArray().endObject();
        return w.take() + "\n";
    }
    Table t({"ID", "SERVER", "PLUGIN", "GEN", "STATE", "AGE", "IDLE", "REQUESTS", "IN", "OUT",
             "PENDING", "PEER"});
    for (const status::Connection& c : connections) {
        t.add({num(c.id), c.server, c.plugin, num(c.generation), c.in_request ? "busy" : "idle",
               formatDuration(since(now_ms, c.opened_ms)),
               formatDuration(since(now_ms, c.active_ms)), num(c.requests), num(c.bytes_in),
               num(c.bytes_out), num(c.pending), c.peer});
    }
    std::string out = t.render();
    if (total > connections.size()) {
        out += "(" + num(connections.size()) + " of " + num(total) + " connections shown)\n";
    }
    return out;
}

std::string formatStats(const std::vector<status::Stat>& stats, bool json) {
    std::vector<const status::Stat*> sorted;
    sorted.reserve(stats.size());
    for (const status::Stat& s : stats) sorted.push_back(&s);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
        return a->plugin != b->plugin ? a->plugin < b->plugin : a->name < b->name;
    });
    if (json) {
        JsonWriter w;
        w.beginObject().key("stats").beginArray();
        for (const status::Stat* s : sorted) {
            w.beginObject()
                .field("plugin", s->plugin)
                .field("name", s->name)
                .field("value", s->value)
                .endObject();
        }
        w.endArray().endObject();
        return w.take() + "\n";
    }
    Table t({"PLUGIN", "COUNTER", "VALUE"});
    for (const status::Stat* s : sorted) t.add({s->plugin, s->name, std::to_string(s->value)});
    return t.render();
}

}  // namespace gorgon::monitor
