// libFuzzer target for the host's configuration: YAML text through the real loader
// (ConfigNode::loadText, yaml-cpp underneath) and validator (parseConfig) into the typed Config,
// and every scalar of the tree through the typed reads plugins use (integer, boolean, duration,
// size) and the listen address parser. Invariants, beyond no crash, leak or hang:
//
//   - a refusal names the file; an accepted configuration has what the host relies on (valid
//     names, at least one address per server, a config node for every server and plugin);
//   - every node can say where it is, and the tree has a canonical form;
//   - what a typed read accepts is written the way the documentation says, nothing laxer.
#include "config/config.hpp"
#include "config/config_node.hpp"
#include "fuzz_check.hpp"
#include "net/address.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace gorgon;

namespace {

constexpr std::string_view kName = "fuzz.yaml";

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!isDigit(c)) return false;
    }
    return true;
}

bool validName(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || isDigit(c) || c == '-' || c == '_')) return false;
    }
    return true;
}

void checkScalar(const ConfigNode& n) {
    const std::string& s = n.scalar();
    if (n.asInt(INT64_MIN, INT64_MAX)) {
        // An optional sign, then digits.
        std::string_view digits = s;
        if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
            digits.remove_prefix(1);
        }
        GORGON_FUZZ_CHECK(allDigits(digits));
    }
    if (n.asDurationMs()) {
        // Digits, then one of the units the reference lists.
        std::size_t i = 0;
        while (i < s.size() && isDigit(s[i])) ++i;
        const std::string_view unit = std::string_view(s).substr(i);
        GORGON_FUZZ_CHECK(i > 0);
        GORGON_FUZZ_CHECK(unit.empty() || unit == "ms" || unit == "s" || unit == "m" ||
                          unit == "h" || unit == "d");
    }
    if (n.asSizeBytes()) {
        std::size_t i = 0;
        while (i < s.size() && isDigit(s[i])) ++i;
        // Digits, then b, k, m or g, each optionally followed by b, in any case.
        std::string unit(std::string_view(s).substr(i));
        for (char& c : unit) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        GORGON_FUZZ_CHECK(i > 0);
        GORGON_FUZZ_CHECK(unit.empty() || unit == "b" || unit == "k" || unit == "m" ||
                          unit == "g" || unit == "kb" || unit == "mb" || unit == "gb");
    }
    (void)n.asBool();
    if (auto a = parseListenAddress(s)) {
        GORGON_FUZZ_CHECK(a->len > 0);
        // The socket is bound where the file says, not at a prefix cut off by a NUL.
        if (!a->unix_path.empty()) {
            GORGON_FUZZ_CHECK(a->unix_path.find('\0') == std::string::npos);
        }
    } else {
        GORGON_FUZZ_CHECK(!a.error().empty());
    }
}

void walk(const ConfigNode& n, int depth) {
    GORGON_FUZZ_CHECK(depth <= 65);
    // Every node names the file, except the empty map that stands for an empty document.
    GORGON_FUZZ_CHECK(n.where().starts_with(kName) || (n.isMap() && n.size() == 0));
    if (n.isScalar()) {
        checkScalar(n);
        return;
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
        const ConfigNode* child = n.at(i);
        GORGON_FUZZ_CHECK(child != nullptr);
        if (n.isMap()) GORGON_FUZZ_CHECK(n.keyAt(i) != nullptr && n.get(*n.keyAt(i)) == child);
        walk(*child, depth + 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string name(kName);

    auto tree = ConfigNode::loadText(text, name);
    if (!tree) {
        GORGON_FUZZ_CHECK(tree.error().starts_with(name));
    } else {
        walk(*tree.value(), 0);
        GORGON_FUZZ_CHECK(!tree.value()->canonical().empty());
    }

    auto config = parseConfig(text, name);
    if (!config) {
        GORGON_FUZZ_CHECK(!config.error().empty());
        return 0;
    }
    GORGON_FUZZ_CHECK(tree.ok());
    for (const PluginLoadConfig& p : config->plugins) {
        GORGON_FUZZ_CHECK(validName(p.name) && p.config != nullptr);
        GORGON_FUZZ_CHECK(p.config->isMap());
    }
    for (const ServerConfig& s : config->servers) {
        GORGON_FUZZ_CHECK(validName(s.name) && validName(s.protocol));
        GORGON_FUZZ_CHECK(!s.listen.empty() && s.config != nullptr && s.node != nullptr);
        GORGON_FUZZ_CHECK(s.config->isMap());
    }
    return 0;
}
