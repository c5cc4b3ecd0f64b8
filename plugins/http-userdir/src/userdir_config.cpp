#include "userdir_config.hpp"

#include "userdir_path.hpp"

#include <algorithm>

namespace gorgon::userdir {

namespace {

std::vector<std::string> userList(const Config& node) {
    if (!node.present()) return {};
    if (node.type() != GORGON_CONFIG_SEQUENCE) node.fail("expected a list of user names");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
        std::string name = node.at(i).string();
        if (!validUserName(name)) node.at(i).fail("expected a user name");
        out.push_back(std::move(name));
    }
    return out;
}

// A relative path below the home directory: no "..", no empty or "." segment, no NUL.
bool validDirectory(std::string_view dir) noexcept {
    if (dir.empty() || dir.front() == '/' || dir.back() == '/' || dir.size() > 255) return false;
    std::size_t start = 0;
    while (start <= dir.size()) {
        std::size_t slash = dir.find('/', start);
        if (slash == std::string_view::npos) slash = dir.size();
        const std::string_view seg = dir.substr(start, slash - start);
        if (seg.empty() || seg == "." || seg == "..") return false;
        start = slash + 1;
    }
    return std::ranges::none_of(
        dir, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool validKind(std::string_view kind) noexcept {
    return !kind.empty() && kind.size() <= 64 && std::ranges::all_of(kind, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

}  // namespace

UserdirConfig parseUserdirConfig(Host host, const Config& config) {
    static const char* const keys[] = {"filesystem",  "directory",   "min_uid",   "users",
                                       "exclude",     "owner_check", "cache_ttl", "cache_size",
                                       "max_lookups", "static",      nullptr};
    UserdirConfig out;
    if (!config.present()) return out;
    if (config.type() != GORGON_CONFIG_MAP) config.fail("expected a map");
    config.allowKeys(host, keys);

    out.filesystem = config["filesystem"].string(out.filesystem);
    if (!validKind(out.filesystem)) {
        config["filesystem"].fail("expected a filesystem provider's kind such as os");
    }
    out.directory = config["directory"].string(out.directory);
    if (!validDirectory(out.directory)) {
        config["directory"].fail(
            "expected a directory below the home directory, such as public_html (relative, no "
            "'..')");
    }
    out.min_uid = static_cast<std::uint64_t>(
        config["min_uid"].integer(static_cast<std::int64_t>(out.min_uid), 1, 4'294'967'295));
    out.users = userList(config["users"]);
    out.exclude = userList(config["exclude"]);
    out.owner_check = config["owner_check"].boolean(out.owner_check);
    out.cache_ttl_ms = config["cache_ttl"].durationMs(out.cache_ttl_ms);
    if (out.cache_ttl_ms > 86'400'000) config["cache_ttl"].fail("at most 24h");
    out.cache_size = static_cast<std::size_t>(
        config["cache_size"].integer(static_cast<std::int64_t>(out.cache_size), 0, 1'000'000));
    out.max_lookups = static_cast<std::size_t>(
        config["max_lookups"].integer(static_cast<std::int64_t>(out.max_lookups), 1, 10'000));
    if (const Config st = config["static"]; st.present() && st.type() != GORGON_CONFIG_MAP) {
        st.fail("expected a map of http-static's settings (index, listing, gzip, ...)");
    }
    return out;
}

bool nameAllowed(const UserdirConfig& config, std::string_view name) noexcept {
    if (name == "root") return false;
    if (!config.users.empty() && std::ranges::find(config.users, name) == config.users.end()) {
        return false;
    }
    return std::ranges::find(config.exclude, name) == config.exclude.end();
}

}  // namespace gorgon::userdir
