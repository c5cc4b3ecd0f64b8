#include "monitor_commands.hpp"

#include "monitor_json.hpp"
#include "monitor_server.hpp"
#include "monitor_text.hpp"
#include "monitor_tokens.hpp"

#include <array>

namespace gorgon::monitor {

namespace {

template <PermissionSet P>
PermissionSet fixed(const std::vector<std::string>& /*args*/) {
    return P;
}

// `config show|check|reload` need different rights; an unknown sub-command needs none (it is
// refused as a usage error before anything runs).
PermissionSet configPermission(const std::vector<std::string>& args) {
    if (args.empty()) return kPermNone;
    if (args[0] == "show") return kPermConfigShow;
    if (args[0] == "check") return kPermConfigCheck;
    if (args[0] == "reload") return kPermConfigReload;
    return kPermNone;
}

constexpr PermissionSet kChanges =
    kPermLoad | kPermUnload | kPermReload | kPermConfigReload | kPermLog | kPermShutdown;

constexpr std::array<CommandSpec, 12> kCommands = {{
    {"help", "help [COMMAND]", "the commands, or one command's usage", 0, 1, "", &fixed<kPermNone>,
     &cmdHelp},
    {"status", "status", "version, uptime, totals, and each server's counters", 0, 0, "",
     &fixed<kPermStatus>, &cmdStatus},
    {"plugins", "plugins", "each plugin's generations: version, file, sha256, state, load", 0, 0,
     "", &fixed<kPermPlugins>, &cmdPlugins},
    {"load", "load NAME|PATH", "load a plugin from the plugin directory, or from a file", 1, 1, "",
     &fixed<kPermLoad>, &cmdLoad},
    {"unload", "unload NAME", "retire a plugin; its connections drain", 1, 1, "",
     &fixed<kPermUnload>, &cmdUnload},
    {"reload", "reload NAME [PATH]", "start a new generation beside the old, which drains", 1, 2,
     "", &fixed<kPermReload>, &cmdReload},
    {"connections", "connections [SERVER]", "open connections, of every server or of one", 0, 1, "",
     &fixed<kPermConnections>, &cmdConnections},
    {"config", "config show|check [FILE]|reload",
     "the configuration in force; validate a file; re-read and apply (as SIGHUP)", 1, 2, "",
     &configPermission, &cmdConfig},
    {"log", "log level [LEVEL]", "show or set the error log's level (error|warn|info|debug)", 1, 2,
     "", &fixed<kPermLog>, &cmdLog},
    {"stats", "stats", "every plugin's counters", 0, 0, "", &fixed<kPermStats>, &cmdStats},
    {"shutdown", "shutdown [--graceful]",
     "stop the server: at once, or after draining (as SIGTERM)", 0, 0, "--graceful",
     &fixed<kPermShutdown>, &cmdShutdown},
    {"quit", "quit", "close this connection", 0, 0, "", &fixed<kPermNone>, &cmdQuit},
}};

const CommandSpec* findCommand(std::string_view name) noexcept {
    for (const CommandSpec& c : kCommands) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

bool takesOption(const CommandSpec& spec, std::string_view option) {
    std::string_view rest = spec.options;
    while (!rest.empty()) {
        const std::size_t sp = rest.find(' ');
        if (rest.substr(0, sp) == option) return true;
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    }
    return false;
}

}  // namespace

std::span<const CommandSpec> commandTable() noexcept {
    return kCommands;
}

Reply hostFailure(const Request& r, std::string_view what, gorgon_status status) {
    return failure(kFailed,
                   std::string(what) + " failed (host status " + std::to_string(status) + ")",
                   r.json);
}

CommandOutcome runCommand(Host host, MonitorServer& server, PermissionSet granted,
                          std::string_view line) {
    CommandOutcome out;
    const std::size_t max_args = server.config().max_args;
    TokenResult tokens = tokenize(line, max_args);
    // A line that cannot be split into words is answered in human form: its --json, if any,
    // cannot be told apart from the rest.
    if (tokens.error != TokenError::None) {
        const int code = tokens.error == TokenError::TooManyWords ? kTooLarge : kBadRequest;
        out.reply = failure(code, describeTokenError(tokens, max_args), false);
        return out;
    }

    Request request{host, server, granted, false, {}, {}, server.config().output_limit};
    std::string name;
    bool options_done = false;
    std::vector<std::string> given_options;
    for (std::string& w : tokens.words) {
        if (!options_done && w == "--") {
            options_done = true;
        } else if (!options_done && w.starts_with("--")) {
            if (w == "--json") {
                request.json = true;
            } else {
                given_options.push_back(std::move(w));
            }
        } else if (name.empty()) {
            name = std::move(w);
        } else {
            request.args.push_back(std::move(w));
        }
    }
    const bool json = request.json;
    if (name.empty()) {
        out.reply = failure(kBadRequest, "no command given; \"help\" lists the commands", json);
        return out;
    }
    const CommandSpec* spec = findCommand(name);
    if (spec == nullptr) {
        out.reply = failure(
            kBadRequest,
            "unknown command " + quoteForLog(name, 64) + "; \"help\" lists the commands", json);
        return out;
    }
    for (const std::string& option : given_options) {
        if (!takesOption(*spec, option)) {
            out.reply = failure(
                kBadRequest,
                std::string(spec->name) + " takes no option " + quoteForLog(option, 64) +
                    "; usage: " + std::string(spec->usage.empty() ? spec->name : spec->usage),
                json);
            return out;
        }
    }
    request.options = std::move(given_options);
    if (request.args.size() < spec->min_args || request.args.size() > spec->max_args) {
        out.reply = failure(kBadRequest, "usage: " + std::string(spec->usage), json);
        return out;
    }
    const PermissionSet needed = spec->permission(request.args);
    out.changes = (needed & kChanges) != 0;
    if (needed != kPermNone && (granted & needed) != needed) {
        out.denied = true;
        out.reply = failure(kForbidden,
                            "not allowed: the access list does not grant \"" +
                                std::string(permissionName(needed)) + "\" to you",
                            json);
        return out;
    }
    out.reply = spec->run(request);
    return out;
}

Reply cmdQuit(const Request& r) {
    Reply reply{kClosing, "bye", r.json ? "{\"closing\":true}\n" : "", true};
    return reply;
}

Reply cmdHelp(const Request& r) {
    std::vector<const CommandSpec*> shown;
    for (const CommandSpec& c : kCommands) {
        if (!r.args.empty() && c.name != r.args[0]) continue;
        shown.push_back(&c);
    }
    if (!r.args.empty() && shown.empty()) {
        return failure(kNotFound, "no command " + quoteForLog(r.args[0], 64), r.json);
    }
    auto allowed = [&](const CommandSpec& c) {
        // A command with sub-commands is listed as allowed if any of them is.
        if (c.name == "config")
            return (r.granted & (kPermConfigShow | kPermConfigCheck | kPermConfigReload)) != 0;
        const PermissionSet p = c.permission({});
        return p == kPermNone || (r.granted & p) == p;
    };
    if (r.json) {
        JsonWriter w;
        w.beginObject()
            .field("protocol", kProtocolName)
            .field("version", static_cast<std::int64_t>(kProtocolVersion));
        w.key("commands").beginArray();
        for (const CommandSpec* c : shown) {
            w.beginObject()
                .field("name", c->name)
                .field("usage", c->usage)
                .field("summary", c->summary)
                .field("allowed", allowed(*c))
                .endObject();
        }
        w.endArray().endObject();
        return success("help", w.take() + "\n");
    }
    Table t({"COMMAND", "", "WHAT IT DOES"});
    for (const CommandSpec* c : shown) {
        t.add({std::string(c->usage), allowed(*c) ? "" : "(not allowed)", std::string(c->summary)});
    }
    std::string body = t.render();
    if (r.args.empty()) {
        body += "Add --json to any command for JSON output. Quote arguments as in a shell.\n";
    }
    return success("help", body);
}

}  // namespace gorgon::monitor
