#include "monitor_config.hpp"

#include "monitor_accounts.hpp"
#include "monitor_secret.hpp"

#include <algorithm>

#include <unistd.h>

namespace gorgon::monitor {

namespace {

constexpr const char* kKeys[] = {
    "access",        "secret_file",  "secret_commands", "max_clients",
    "max_line",      "max_args",     "idle_timeout",    "login_timeout",
    "write_timeout", "output_limit", "max_failures",    "failure_window",
    "failure_delay", "lockout",      "require_tls",     nullptr};
constexpr const char* kAccessKeys[] = {"users", "groups", "commands", nullptr};

constexpr std::uint64_t kMaxDuration = std::uint64_t{7} * 24 * 3600 * 1000;

// A scalar or a list of scalars, as strings.
std::vector<std::string> stringList(const Config& node) {
    std::vector<std::string> out;
    if (!node.present()) return out;
    if (node.type() == GORGON_CONFIG_SCALAR) {
        out.push_back(node.string());
        return out;
    }
    if (node.type() != GORGON_CONFIG_SEQUENCE) node.fail("expected a name or a list of names");
    for (std::size_t i = 0; i < node.size(); ++i) {
        const Config item = node.at(i);
        if (item.type() != GORGON_CONFIG_SCALAR) item.fail("expected a name");
        out.push_back(item.string());
    }
    return out;
}

PermissionSet parsePermissions(const Config& node) {
    PermissionSet out = kPermNone;
    const std::vector<std::string> names = stringList(node);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto bits = permissionByName(names[i]);
        if (!bits) {
            std::string known;
            for (const PermissionName& p : permissionNames()) {
                known += known.empty() ? "" : ", ";
                known += p.name;
            }
            (node.type() == GORGON_CONFIG_SEQUENCE ? node.at(i) : node)
                .fail("unknown command \"" + names[i] + "\"; expected one of " + known);
        }
        out |= *bits;
    }
    if (out == kPermNone) node.fail("must name at least one command");
    return out;
}

void addUnique(std::vector<std::uint32_t>& ids, std::uint32_t id) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

AclRule parseRule(Host host, const Config& entry, MonitorConfig& out) {
    if (entry.type() != GORGON_CONFIG_MAP) {
        entry.fail("expected a map with users and/or groups, and commands");
    }
    entry.allowKeys(host, kAccessKeys);
    AclRule rule;
    const Config users = entry["users"];
    const std::vector<std::string> user_names = stringList(users);
    for (std::size_t i = 0; i < user_names.size(); ++i) {
        const auto user = findUser(user_names[i]);
        if (!user) {
            (users.type() == GORGON_CONFIG_SEQUENCE ? users.at(i) : users)
                .fail("no such user \"" + user_names[i] + "\"");
        }
        addUnique(rule.uids, user->uid);
        if (!user->name.empty()) out.user_names[user->uid] = user->name;
    }
    const Config groups = entry["groups"];
    const std::vector<std::string> group_names = stringList(groups);
    for (std::size_t i = 0; i < group_names.size(); ++i) {
        const auto group = findGroup(group_names[i]);
        if (!group) {
            (groups.type() == GORGON_CONFIG_SEQUENCE ? groups.at(i) : groups)
                .fail("no such group \"" + group_names[i] + "\"");
        }
        addUnique(rule.gids, group->gid);
        for (const std::string& member : group->members) {
            if (const auto user = findUser(member); user && !user->name.empty()) {
                addUnique(rule.member_uids, user->uid);
                out.user_names[user->uid] = user->name;
            }
        }
    }
    if (rule.uids.empty() && rule.gids.empty()) {
        entry.fail("names no users and no groups; an entry must say whom it allows");
    }
    const Config commands = entry["commands"];
    // A missing key has no location of its own: the entry is reported instead.
    if (!commands.present()) entry.fail("needs commands: the list of commands this entry allows");
    rule.granted = parsePermissions(commands);
    return rule;
}

std::uint64_t positiveDuration(const Config& node, std::uint64_t fallback) {
    const std::uint64_t v = node.durationMs(fallback);
    if (v == 0 || v > kMaxDuration) node.fail("must be more than 0 and at most 7d");
    return v;
}

std::size_t sizeBetween(const Config& node, std::size_t fallback, std::uint64_t min,
                        std::uint64_t max) {
    const std::uint64_t v = node.sizeBytes(fallback);
    if (v < min || v > max) {
        node.fail("must be between " + std::to_string(min) + " and " + std::to_string(max) +
                  " bytes");
    }
    return static_cast<std::size_t>(v);
}

}  // namespace

MonitorConfig parseMonitorConfig(Host host, const Config& config) {
    MonitorConfig out;
    if (config.present()) {
        if (config.type() != GORGON_CONFIG_MAP) config.fail("expected a map of monitor settings");
        config.allowKeys(host, kKeys);
    }

    const Config access = config["access"];
    if (access.present()) {
        if (access.type() != GORGON_CONFIG_SEQUENCE) {
            access.fail("expected a list of entries {users, groups, commands}");
        }
        std::vector<AclRule> rules;
        for (std::size_t i = 0; i < access.size(); ++i) {
            rules.push_back(parseRule(host, access.at(i), out));
        }
        out.access = Acl(std::move(rules));
    }
    const std::uint32_t self = static_cast<std::uint32_t>(::geteuid());
    if (auto name = userName(self)) out.user_names[self] = *name;
    if (auto name = userName(0)) out.user_names[0] = *name;

    const Config secret_file = config["secret_file"];
    out.secret_file = secret_file.string();
    if (secret_file.present()) {
        std::string error;
        if (out.secret_file.empty()) secret_file.fail("must name a file");
        if (!loadSecret(out.secret_file, self, out.secret, error)) secret_file.fail(error);
    }
    const Config secret_commands = config["secret_commands"];
    if (secret_commands.present()) {
        if (!secret_file.present()) secret_commands.fail("has no effect without secret_file");
        out.secret_permissions = parsePermissions(secret_commands);
    }
    out.require_tls = config["require_tls"].boolean(false);

    out.max_clients = static_cast<std::uint32_t>(config["max_clients"].integer(16, 1, 1024));
    out.max_line = sizeBetween(config["max_line"], out.max_line, 256, 65536);
    out.max_args = static_cast<std::size_t>(config["max_args"].integer(32, 2, 256));
    out.idle_timeout_ms = positiveDuration(config["idle_timeout"], out.idle_timeout_ms);
    out.login_timeout_ms = positiveDuration(config["login_timeout"], out.login_timeout_ms);
    out.write_timeout_ms = positiveDuration(config["write_timeout"], out.write_timeout_ms);
    out.output_limit =
        sizeBetween(config["output_limit"], out.output_limit, 64 * 1024, 1024ULL * 1024 * 1024);

    out.lockout.max_failures =
        static_cast<std::uint32_t>(config["max_failures"].integer(5, 1, 1000));
    out.lockout.window_ms = positiveDuration(config["failure_window"], out.lockout.window_ms);
    const Config delay = config["failure_delay"];
    out.lockout.delay_ms = delay.durationMs(out.lockout.delay_ms);
    if (out.lockout.delay_ms > 30 * 1000) delay.fail("must be at most 30s");
    out.lockout.lockout_ms = positiveDuration(config["lockout"], out.lockout.lockout_ms);
    return out;
}

}  // namespace gorgon::monitor
