#include "put_config.hpp"

#include <algorithm>
#include <string_view>

namespace gorgon::httpput {

namespace {

constexpr std::string_view kKeys[] = {"root", "prefix", "filesystem",         "max_size",
                                      "mode", "fsync",  "create_directories", "directory_mode"};

std::string knownKeys() {
    std::string out;
    for (std::string_view k : kKeys) {
        if (!out.empty()) out += ", ";
        out += k;
    }
    return out;
}

bool printable(std::string_view s) noexcept {
    return std::ranges::none_of(s, [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

// An octal string ("0644") or an integer YAML already read as octal (0o644).
std::uint32_t mode(const Config& node, std::uint32_t fallback) {
    if (!node.present()) return fallback;
    const std::string s = node.string();
    std::string_view digits = s;
    if (digits.starts_with("0o")) digits.remove_prefix(2);
    if (digits.empty() || s.size() > 5) node.fail("expected an octal mode such as \"0644\"");
    std::uint32_t v = 0;
    for (char c : digits) {
        if (c < '0' || c > '7') node.fail("expected an octal mode such as \"0644\"");
        v = v * 8 + static_cast<std::uint32_t>(c - '0');
    }
    if (v > 0777) node.fail("a mode is at most 0777");
    return v;
}

}  // namespace

PutConfig parsePutConfig(const Config& config) {
    if (config.type() != GORGON_CONFIG_MAP) config.fail("expected a map with at least `root`");
    // Checked here rather than with config_check_keys: this runs inside the http plugin's
    // server_open, and the located message must travel back through route_open's `err`.
    for (std::size_t i = 0; i < config.size(); ++i) {
        const std::string_view key = config.keyAt(i);
        if (std::ranges::find(kKeys, key) == std::end(kKeys)) {
            config.at(i).fail("unknown key `" + std::string(key) + "` (known: " + knownKeys() +
                              ")");
        }
    }
    PutConfig out;
    const Config root = config["root"];
    if (!root.present()) {
        config.fail("`root` is required: the directory uploads are written into");
    }
    out.root = root.string();
    if (out.root.empty() || !printable(out.root)) root.fail("expected a directory path");

    const Config prefix = config["prefix"];
    out.prefix = prefix.string("/");
    if (out.prefix.empty() || out.prefix.front() != '/' || !printable(out.prefix)) {
        prefix.fail("expected a URL path starting with '/'");
    }
    const Config fs = config["filesystem"];
    out.filesystem = fs.string("os");
    if (out.filesystem.empty() || !printable(out.filesystem)) {
        fs.fail("expected a filesystem provider's kind, such as os");
    }
    const Config max = config["max_size"];
    out.max_size = max.sizeBytes(out.max_size);
    if (out.max_size == 0) max.fail("must be at least 1 byte");
    out.mode = mode(config["mode"], out.mode);
    out.directory_mode = mode(config["directory_mode"], out.directory_mode);
    out.fsync = config["fsync"].boolean(out.fsync);
    out.create_directories = config["create_directories"].boolean(out.create_directories);
    return out;
}

}  // namespace gorgon::httpput
