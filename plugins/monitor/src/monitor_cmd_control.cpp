// Commands that act on the whole process: config show|check|reload, log level, shutdown.
#include "monitor_commands.hpp"
#include "monitor_json.hpp"
#include "monitor_text.hpp"

#include <gorgon/status.hpp>

namespace gorgon::monitor {

namespace {

// Collects what the host reports through a gorgon_text_fn, up to `limit` bytes; beyond that it
// only counts, so a huge file cannot make the reply unbounded.
struct TextSink {
    std::string text;
    std::size_t limit = 0;
    std::uint64_t dropped = 0;

    static void append(void* user, const char* data, std::size_t len) noexcept {
        auto* sink = static_cast<TextSink*>(user);
        if (data == nullptr) return;
        const std::size_t room =
            sink->text.size() < sink->limit ? sink->limit - sink->text.size() : 0;
        const std::size_t take = std::min(room, len);
        try {
            sink->text.append(data, take);
        } catch (...) {
            sink->dropped += take;
        }
        sink->dropped += len - take;
    }
};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

Reply configShow(const Request& r) {
    TextSink sink{{}, r.output_limit, 0};
    const gorgon_status status = r.host.api()->config_text(r.host.self(), &TextSink::append, &sink);
    if (status != GORGON_OK) return hostFailure(r, "reading the configuration", status);
    if (sink.dropped > 0) {
        return failure(kTooLarge,
                       "the configuration is larger than output_limit (" +
                           std::to_string(r.output_limit) + " bytes)",
                       r.json);
    }
    gorgon_status hs = GORGON_OK;
    const auto host = status::readProcess(r.host, hs);
    const std::string file = host ? host->config_file : std::string();
    if (r.json) {
        JsonWriter w;
        w.beginObject().field("file", file).field("text", sink.text).endObject();
        return success("configuration " + file, w.take() + "\n");
    }
    // The text as it is, unsanitized: it is the operator's own file, and a script may save it.
    if (!sink.text.empty() && sink.text.back() != '\n') sink.text += '\n';
    return success("configuration " + file, std::move(sink.text));
}

Reply configCheck(const Request& r, const std::string& path) {
    TextSink sink{{}, r.output_limit / 2, 0};
    const gorgon_status status = r.host.api()->config_check(
        r.host.self(), path.empty() ? nullptr : path.c_str(), &TextSink::append, &sink);
    std::string file = path;
    if (file.empty()) {
        gorgon_status hs = GORGON_OK;
        if (const auto host = status::readProcess(r.host, hs)) file = host->config_file;
    }
    std::vector<std::string> messages = lines(sink.text);
    if (sink.dropped > 0) messages.push_back("(" + std::to_string(sink.dropped) + " more bytes)");
    if (status != GORGON_OK) {
        return failure(kInvalid, "the configuration " + file + " is not valid", r.json, messages);
    }
    if (r.json) {
        JsonWriter w;
        w.beginObject().field("file", file).field("valid", true).key("messages").beginArray();
        for (const std::string& m : messages) w.string(m);
        w.endArray().endObject();
        return success("configuration " + file + " is valid", w.take() + "\n");
    }
    std::string body = "the configuration " + sanitize(file) + " is valid\n";
    for (const std::string& m : messages) body += sanitize(m) + "\n";
    return success("configuration " + file + " is valid", body);
}

Reply configReload(const Request& r) {
    TextSink sink{{}, r.output_limit / 2, 0};
    const gorgon_status status =
        r.host.api()->config_reload(r.host.self(), &TextSink::append, &sink);
    std::vector<std::string> messages = lines(sink.text);
    if (sink.dropped > 0) messages.push_back("(" + std::to_string(sink.dropped) + " more bytes)");
    if (status != GORGON_OK) {
        return failure(kInvalid, "configuration reload refused; the running configuration stays",
                       r.json, messages);
    }
    if (r.json) {
        JsonWriter w;
        w.beginObject().field("reloaded", true).key("messages").beginArray();
        for (const std::string& m : messages) w.string(m);
        w.endArray().endObject();
        return success("configuration reloaded", w.take() + "\n");
    }
    std::string body = "configuration reloaded\n";
    for (const std::string& m : messages) body += sanitize(m) + "\n";
    return success("configuration reloaded", body);
}

}  // namespace

Reply cmdConfig(const Request& r) {
    const std::string& sub = r.args[0];
    if (sub == "show" && r.args.size() == 1) return configShow(r);
    if (sub == "check") return configCheck(r, r.args.size() > 1 ? r.args[1] : std::string());
    if (sub == "reload" && r.args.size() == 1) return configReload(r);
    return failure(kBadRequest, "usage: config show | config check [FILE] | config reload", r.json);
}

Reply cmdLog(const Request& r) {
    if (r.args[0] != "level") {
        return failure(kBadRequest, "usage: log level [error|warn|info|debug]", r.json);
    }
    std::uint32_t level = 0;
    if (r.args.size() == 1) {
        gorgon_status status = GORGON_OK;
        const auto host = status::readProcess(r.host, status);
        if (!host) return hostFailure(r, "reading the host's status", status);
        level = host->log_level;
    } else {
        const auto wanted = logLevelByName(r.args[1]);
        if (!wanted) {
            return failure(kBadRequest,
                           "unknown log level " + quoteForLog(r.args[1], 32) +
                               "; expected error, warn, info or debug",
                           r.json);
        }
        level = *wanted;
        const gorgon_status status =
            r.host.api()->log_set_level(r.host.self(), static_cast<gorgon_log_level>(level));
        if (status != GORGON_OK) return hostFailure(r, "setting the log level", status);
    }
    const std::string name(logLevelName(level));
    const std::string text = (r.args.size() == 1 ? "log level " : "log level set to ") + name;
    if (r.json) {
        JsonWriter w;
        w.beginObject().field("log_level", name).endObject();
        return success(text, w.take() + "\n");
    }
    return success(text, text + "\n");
}

Reply cmdShutdown(const Request& r) {
    const bool graceful = !r.options.empty();  // --graceful is the only option it takes
    const gorgon_status status = r.host.api()->shutdown_request(
        r.host.self(), graceful ? GORGON_SHUTDOWN_GRACEFUL : GORGON_SHUTDOWN_NOW);
    if (status != GORGON_OK) return hostFailure(r, "requesting the shutdown", status);
    const std::string text = graceful ? "shutting down gracefully" : "shutting down";
    Reply reply;
    reply.code = kClosing;
    reply.text = text;
    reply.close = true;
    if (r.json) {
        JsonWriter w;
        w.beginObject().field("shutdown", graceful ? "graceful" : "now").endObject();
        reply.body = w.take() + "\n";
    } else {
        reply.body = text + "\n";
    }
    return reply;
}

}  // namespace gorgon::monitor
