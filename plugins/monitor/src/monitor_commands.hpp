// The command table and the dispatcher: from a command line to a reply. Each command's own code
// lives in one of monitor_cmd_*.cpp; this file decides which runs, with which arguments, and
// whether the caller may run it.
#pragma once

#include "monitor_acl.hpp"
#include "monitor_reply.hpp"

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::monitor {

class MonitorPlugin;
class MonitorServer;

// What a command gets: the caller's rights, its arguments with the options taken out, and the
// host.
struct Request {
    Host host;
    MonitorServer& server;
    PermissionSet granted = kPermNone;
    bool json = false;
    std::vector<std::string> args;     // after the command word
    std::vector<std::string> options;  // the command's own options that were given
    std::size_t output_limit = 0;
};

struct CommandSpec {
    std::string_view name;
    std::string_view usage;
    std::string_view summary;
    std::size_t min_args;
    std::size_t max_args;
    std::string_view options;  // the options it takes besides --json, space-separated
    PermissionSet (*permission)(const std::vector<std::string>& args);
    Reply (*run)(const Request& request);
};

[[nodiscard]] std::span<const CommandSpec> commandTable() noexcept;

struct CommandOutcome {
    Reply reply;
    bool changes = false;  // the command changes something (audited at warn, not info)
    bool denied = false;
};

// Tokenizes `line`, checks it against the table and the caller's rights, and runs it.
[[nodiscard]] CommandOutcome runCommand(Host host, MonitorServer& server, PermissionSet granted,
                                        std::string_view line);

// The commands themselves (monitor_cmd_*.cpp).
Reply cmdHelp(const Request& r);
Reply cmdQuit(const Request& r);
Reply cmdStatus(const Request& r);
Reply cmdPlugins(const Request& r);
Reply cmdConnections(const Request& r);
Reply cmdStats(const Request& r);
Reply cmdLoad(const Request& r);
Reply cmdUnload(const Request& r);
Reply cmdReload(const Request& r);
Reply cmdConfig(const Request& r);
Reply cmdLog(const Request& r);
Reply cmdShutdown(const Request& r);

// A failed host call, as a reply: "cannot list the plugins (host status -8)".
[[nodiscard]] Reply hostFailure(const Request& r, std::string_view what, gorgon_status status);

}  // namespace gorgon::monitor
