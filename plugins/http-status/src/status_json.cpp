#include "status_json.hpp"

#include <gorgon/escape.hpp>

#include <cstddef>
#include <string_view>

namespace gorgon::status {

namespace {

// Writes members and elements with their commas; keys are literals of this file, values are
// escaped with gorgon::escape::appendJson.
class Writer {
  public:
    Writer& open(char bracket) {
        comma();
        out_ += bracket;
        first_ = true;
        return *this;
    }
    Writer& close(char bracket) {
        out_ += bracket;
        first_ = false;
        return *this;
    }
    Writer& key(std::string_view k) {
        comma();
        escape::appendJson(out_, k);
        out_ += ':';
        first_ = true;  // the value that follows takes no comma
        return *this;
    }
    Writer& str(std::string_view v) {
        comma();
        escape::appendJson(out_, v);
        return *this;
    }
    template <class Int>
    Writer& num(Int v) {
        comma();
        out_ += std::to_string(v);
        return *this;
    }
    Writer& boolean(bool v) {
        comma();
        out_ += v ? "true" : "false";
        return *this;
    }
    Writer& null() {
        comma();
        out_ += "null";
        return *this;
    }
    std::string take() { return std::move(out_); }

  private:
    void comma() {
        if (!first_) out_ += ',';
        first_ = false;
    }
    std::string out_;
    bool first_ = true;
};

void process(Writer& w, const Snapshot& s) {
    const Process& p = s.process;
    w.key("process").open('{');
    w.key("version").str(p.version);
    w.key("pid").num(p.pid);
    w.key("started_ms").num(p.started_ms);
    w.key("now_ms").num(p.now_ms);
    w.key("uptime_seconds").num(uptimeSeconds(p));
    w.key("stopping").boolean(p.stopping);
    w.key("connections").num(p.connections);
    w.key("connections_total").num(p.connections_total);
    w.key("requests_total").num(p.requests_total);
    w.key("bytes_in").num(p.bytes_in);
    w.key("bytes_out").num(p.bytes_out);
    w.key("generations").num(p.generations);
    w.key("reloads").num(reloads(s));
    w.close('}');
}

void watchdog(Writer& w, const Process& p) {
    w.key("watchdog");
    if (!p.has_watchdog) {
        w.null();
        return;
    }
    w.open('{');
    w.key("lag_max_us").num(p.lag_max_us);
    w.key("lag_max_plugin").str(p.lag_max_plugin);
    w.key("lag_max_hook").str(p.lag_max_hook);
    w.key("lag_warn_ms").num(p.lag_warn_ms);
    w.key("lag_buckets").open('[');
    for (std::size_t i = 0; i < p.lag_buckets.size(); ++i) {
        w.open('{');
        w.key("lt_ms");
        if (i < kLagBucketBoundsMs.size()) {
            w.num(kLagBucketBoundsMs[i]);
        } else {
            w.null();
        }
        w.key("count").num(p.lag_buckets[i]);
        w.close('}');
    }
    w.close(']');
    w.close('}');
}

void workPool(Writer& w, const Process& p) {
    w.key("work_pool");
    if (!p.has_watchdog) {
        w.null();
        return;
    }
    w.open('{');
    w.key("threads").num(p.work_threads);
    w.key("pending").num(p.work_pending);
    w.key("completed_total").num(p.work_total);
    w.close('}');
}

void servers(Writer& w, const Snapshot& s) {
    w.key("servers").open('[');
    for (const Server& v : s.servers) {
        w.open('{');
        w.key("name").str(v.name);
        w.key("protocol").str(v.protocol);
        w.key("listen").str(v.listen);
        w.key("plugin").str(v.plugin);
        w.key("connections").num(v.connections);
        w.key("connections_total").num(v.connections_total);
        w.key("requests_total").num(v.requests_total);
        w.key("requests_inflight").num(v.requests_inflight);
        w.key("bytes_in").num(v.bytes_in);
        w.key("bytes_out").num(v.bytes_out);
        w.close('}');
    }
    w.close(']');
}

void plugins(Writer& w, const Snapshot& s) {
    w.key("plugins").open('[');
    for (const Generation& g : s.plugins) {
        w.open('{');
        w.key("name").str(g.name);
        w.key("version").str(g.version);
        w.key("generation").num(g.generation);
        w.key("state").str(g.state);
        w.key("loaded_ms").num(g.loaded_ms);
        w.key("connections").num(g.connections);
        w.key("requests_total").num(g.requests_total);
        w.key("requests_inflight").num(g.requests_inflight);
        w.close('}');
    }
    w.close(']');
}

void connections(Writer& w, const Snapshot& s) {
    w.key("connections").open('{');
    w.key("open").num(s.connections_open);
    w.key("listed").open('[');
    for (const Connection& c : s.connections) {
        w.open('{');
        w.key("id").num(c.id);
        w.key("server").str(c.server);
        w.key("peer").str(c.peer);
        w.key("plugin").str(c.plugin);
        w.key("generation").num(c.generation);
        w.key("in_request").boolean(c.in_request);
        w.key("opened_ms").num(c.opened_ms);
        w.key("active_ms").num(c.active_ms);
        w.key("requests").num(c.requests);
        w.key("bytes_in").num(c.bytes_in);
        w.key("bytes_out").num(c.bytes_out);
        w.close('}');
    }
    w.close(']');
    w.close('}');
}

void stats(Writer& w, const Snapshot& s) {
    w.key("stats").open('[');
    for (const Stat& st : s.stats) {
        w.open('{');
        w.key("plugin").str(st.plugin);
        w.key("name").str(st.name);
        w.key("value").num(st.value);
        w.close('}');
    }
    w.close(']');
}

}  // namespace

std::string renderJson(const Snapshot& s) {
    Writer w;
    w.open('{');
    process(w, s);
    watchdog(w, s.process);
    workPool(w, s.process);
    servers(w, s);
    plugins(w, s);
    connections(w, s);
    stats(w, s);
    w.close('}');
    std::string out = w.take();
    out += '\n';
    return out;
}

}  // namespace gorgon::status
