#include "static_config.hpp"

#include "static_mime.hpp"
#include "static_paths.hpp"

#include <algorithm>
#include <string_view>

namespace gorgon::httpstatic {

namespace {

constexpr std::string_view kKeys[] = {
    "root",          "prefix",     "index",           "listing",
    "gzip",          "gzip_level", "gzip_min_length", "gzip_types",
    "precompressed", "mime_types", "default_type",    "max_listing_entries",
    "cache_control", "filesystem",
};

std::string knownKeys() {
    std::string out;
    for (std::string_view k : kKeys) {
        if (!out.empty()) out += ", ";
        out += k;
    }
    return out;
}

bool hasControl(std::string_view s) noexcept {
    return std::ranges::any_of(s, [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

std::vector<std::string> stringList(const Config& node, const char* what) {
    if (node.type() != GORGON_CONFIG_SEQUENCE) node.fail(std::string("expected a list of ") + what);
    std::vector<std::string> out;
    out.reserve(node.size());
    for (std::size_t i = 0; i < node.size(); ++i) out.push_back(node.at(i).string());
    return out;
}

void checkIndexName(const Config& node, const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos || hasControl(name)) {
        node.fail("an index name is a plain file name: not empty, no '/', not '.' or '..'");
    }
}

void checkTypePattern(const Config& node, const std::string& pattern) {
    // "type/subtype", "type/*" or "*/*": the same token rules as a media type.
    std::string probe = pattern;
    if (probe == "*/*") return;
    if (probe.size() > 2 && probe.ends_with("/*")) probe.replace(probe.size() - 1, 1, "x");
    if (!isValidMediaType(probe) || probe.find(';') != std::string::npos) {
        node.fail("expected a media type such as text/html, or a pattern such as text/*");
    }
}

// The keys that say how to serve, shared by a route and by "http-static:serve"'s options. A
// caller of the service chooses the root itself: root, prefix and filesystem are refused.
RouteConfig parseSettings(const Config& config, RouteConfig& out, ConfigUse use) {
    for (const char* own : {"root", "prefix", "filesystem"}) {
        if (use == ConfigUse::serve && config[own].present()) {
            config[own].fail(std::string("`") + own +
                             "` is not a setting here: the extension chooses the root itself");
        }
    }
    if (const Config index = config["index"]; index.present()) {
        out.index = stringList(index, "file names");
        for (std::size_t i = 0; i < out.index.size(); ++i)
            checkIndexName(index.at(i), out.index[i]);
    }

    out.listing = config["listing"].boolean(out.listing);
    out.gzip = config["gzip"].boolean(out.gzip);
    out.gzip_level = static_cast<int>(config["gzip_level"].integer(out.gzip_level, 1, 9));
    out.gzip_min_length = config["gzip_min_length"].sizeBytes(out.gzip_min_length);
    if (const Config types = config["gzip_types"]; types.present()) {
        out.gzip_types = stringList(types, "media types");
        for (std::size_t i = 0; i < out.gzip_types.size(); ++i) {
            checkTypePattern(types.at(i), out.gzip_types[i]);
        }
    }
    out.precompressed = config["precompressed"].boolean(out.precompressed);

    if (const Config mime = config["mime_types"]; mime.present()) {
        out.mime_types = mime.string();
        out.mime_types_given = true;
        out.mime_types_node = mime.node();
        if (out.mime_types.find('\0') != std::string::npos) mime.fail("expected a file path");
    }

    if (const Config type = config["default_type"]; type.present()) {
        out.default_type = type.string();
        if (!isValidMediaType(out.default_type)) {
            type.fail("expected a media type such as application/octet-stream");
        }
    }

    out.max_listing_entries = static_cast<std::size_t>(config["max_listing_entries"].integer(
        static_cast<std::int64_t>(out.max_listing_entries), 1, 1'000'000));

    if (const Config cc = config["cache_control"]; cc.present()) {
        out.cache_control = cc.string();
        if (out.cache_control.empty() || hasControl(out.cache_control)) {
            cc.fail("expected a Cache-Control value such as \"public, max-age=3600\"");
        }
    }
    return out;
}

}  // namespace

bool isFilesystemKind(std::string_view kind) noexcept {
    // A service name's tail: short, and nothing that could be read as another name.
    return !kind.empty() && kind.size() <= 64 && std::ranges::all_of(kind, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

RouteConfig parseRouteConfig(const Config& config, ConfigUse use) {
    RouteConfig out;
    if (use == ConfigUse::serve && !config.present()) return out;  // the defaults
    if (config.type() != GORGON_CONFIG_MAP) {
        config.fail(use == ConfigUse::route ? "expected a map with at least `root`"
                                            : "expected a map of http-static's settings");
    }
    // Every key is checked here rather than with config_check_keys: this runs inside the http
    // plugin's server_open, and the message must travel back through route_open's `err`.
    for (std::size_t i = 0; i < config.size(); ++i) {
        std::string_view key = config.keyAt(i);
        bool known = false;
        for (std::string_view k : kKeys) known = known || k == key;
        if (!known) {
            config.at(i).fail("unknown key `" + std::string(key) + "` (known: " + knownKeys() +
                              ")");
        }
    }

    if (use == ConfigUse::serve) return parseSettings(config, out, use);

    const Config root = config["root"];
    if (!root.present()) config.fail("`root` is required: the directory to serve");
    out.root = root.string();
    out.root_node = root.node();
    if (out.root.empty() || out.root.find('\0') != std::string::npos) {
        root.fail("expected a directory path");
    }

    if (const Config fs = config["filesystem"]; fs.present()) {
        out.filesystem = fs.string();
        out.filesystem_node = fs.node();
        if (!isFilesystemKind(out.filesystem)) {
            fs.fail(
                "expected a filesystem provider's kind such as os or union (the service "
                "filesystem:KIND)");
        }
    }

    if (const Config prefix = config["prefix"]; prefix.present()) {
        if (auto why = normalizePrefix(prefix.string(), out.prefix)) prefix.fail(*why);
    }

    return parseSettings(config, out, use);
}

}  // namespace gorgon::httpstatic
