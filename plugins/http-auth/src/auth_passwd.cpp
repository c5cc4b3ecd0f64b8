#include "auth_passwd.hpp"

#include <gorgon/crypt.hpp>

#include <map>

namespace gorgon::httpauth {

namespace {

constexpr std::size_t kMaxName = 255;

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

bool validName(std::string_view name) noexcept {
    if (name.empty() || name.size() > kMaxName) return false;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == ':') return false;
    }
    return true;
}

bool disabled(std::string_view hash) noexcept {
    return !hash.empty() && (hash.front() == '!' || hash.front() == '*');
}

// A hash's setting (the method, parameters and salt), which crypt_rn accepts as well as the
// whole hash. Using a real user's hash as the decoy would cost the same; the setting is enough.
std::string_view settingOf(std::string_view hash) noexcept {
    const std::size_t last = hash.rfind('$');
    if (methodOf(hash) == "bcrypt") return hash.substr(0, 29);  // "$2b$NN$" + 22 salt chars
    return last == std::string_view::npos ? hash : hash.substr(0, last);
}

// A yescrypt setting (default cost) for a file with no usable user at all.
constexpr std::string_view kFallbackDecoy = "$y$j9T$Gorg0nDec0yS4ltF0rNobody";

}  // namespace

std::string_view methodOf(std::string_view hash) noexcept {
    if (hash.starts_with("$y$")) return "yescrypt";
    if (hash.starts_with("$6$")) return "sha512-crypt";
    if (hash.starts_with("$2b$") || hash.starts_with("$2y$")) return "bcrypt";
    return {};
}

bool parsePasswordFile(std::string_view text, PasswordTable& out, std::string& error) {
    out = PasswordTable{};
    std::map<std::string_view, std::pair<std::size_t, std::string_view>> methods;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.empty() || line.front() == '#') continue;
        auto fail = [&](const std::string& why) {
            error = "line " + std::to_string(number) + ": " + why;
            return false;
        };
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return fail("expected user:hash");
        const std::string_view name = line.substr(0, colon);
        const std::string_view hash = trim(line.substr(colon + 1));
        if (!validName(name)) {
            return fail("bad user name (1-255 bytes, no ':', space or control character)");
        }
        if (hash.empty() || hash.find_first_of(" \t:") != std::string_view::npos) {
            return fail("the hash of " + std::string(name) + " is empty or holds a space or ':'");
        }
        if (!disabled(hash)) {
            const password::Strength strength = password::strength(std::string(hash));
            if (methodOf(hash).empty() || strength == password::Strength::weak) {
                return fail("the hash of " + std::string(name) +
                            " is not yescrypt, sha512-crypt or bcrypt with a strong enough cost "
                            "(DES, MD5 and the like are refused; make one with "
                            "`mkpasswd -m yescrypt`)");
            }
            if (strength != password::Strength::ok) {
                return fail("the hash of " + std::string(name) + " is not a crypt(3) hash");
            }
            auto& [count, sample] = methods[methodOf(hash)];
            if (count++ == 0) sample = hash;
        }
        if (!out.users.emplace(std::string(name), std::string(hash)).second) {
            return fail("user " + std::string(name) + " is listed twice");
        }
    }
    std::size_t best = 0;
    for (const auto& [method, entry] : methods) {
        if (entry.first > best) {
            best = entry.first;
            out.decoy = std::string(settingOf(entry.second));
        }
    }
    if (out.decoy.empty()) out.decoy = std::string(kFallbackDecoy);
    return true;
}

bool checkPassword(std::string_view password, std::string_view hash) {
    return password::verify(password, hash);
}

}  // namespace gorgon::httpauth
