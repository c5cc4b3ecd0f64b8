#include "union_paths.hpp"

namespace gorgon::fsunion {

namespace {

constexpr std::size_t kMaxPath = 4095;

}  // namespace

bool parseLayers(std::string_view root, std::vector<std::string>& layers, std::string& error) {
    layers.clear();
    if (root.empty()) {
        error = "no layers given: expected directories separated by ':', top layer first";
        return false;
    }
    std::string current;
    auto finish = [&]() {
        if (current.empty()) {
            error = "layer " + std::to_string(layers.size() + 1) + " of \"" + std::string(root) +
                    "\" is empty (layers are separated by ':'; write \\: for a ':' in a path)";
            return false;
        }
        if (layers.size() == kMaxLayers) {
            error = "more than " + std::to_string(kMaxLayers) + " layers";
            return false;
        }
        layers.push_back(std::move(current));
        current.clear();
        return true;
    };
    for (std::size_t i = 0; i < root.size(); ++i) {
        const char c = root[i];
        if (c == '\0') {
            error = "a NUL byte in the layer list";
            return false;
        }
        if (c == '\\') {
            if (i + 1 == root.size() || root[i + 1] == '\0') {
                error = "a lone '\\' ends the layer list (write \\\\ for a '\\')";
                return false;
            }
            current += root[++i];
        } else if (c == ':') {
            if (!finish()) return false;
        } else {
            current += c;
        }
    }
    return finish();
}

gorgon_status normalizePath(const char* path, std::size_t len, std::string& out) {
    out.clear();
    if (path == nullptr && len != 0) return GORGON_E_INVAL;
    if (len > kMaxPath) return GORGON_E_INVAL;
    const std::string_view s = path == nullptr ? std::string_view() : std::string_view(path, len);
    if (s.find('\0') != std::string_view::npos) return GORGON_E_INVAL;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t end = s.find('/', i);
        if (end == std::string_view::npos) end = s.size();
        const std::string_view part = s.substr(i, end - i);
        i = end + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            // Above the root is the one thing fs.h forbids outright.
            if (out.empty()) return GORGON_E_INVAL;
            const std::size_t slash = out.rfind('/');
            out.resize(slash == std::string::npos ? 0 : slash);
            continue;
        }
        if (!out.empty()) out += '/';
        out += part;
    }
    return GORGON_OK;
}

std::string_view parentOf(std::string_view normal) noexcept {
    const std::size_t slash = normal.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : normal.substr(0, slash);
}

std::string_view lastOf(std::string_view normal) noexcept {
    const std::size_t slash = normal.rfind('/');
    return slash == std::string_view::npos ? normal : normal.substr(slash + 1);
}

}  // namespace gorgon::fsunion
