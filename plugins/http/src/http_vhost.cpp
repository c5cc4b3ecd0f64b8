#include "http_vhost.hpp"

#include "http_text.hpp"

#include <algorithm>

namespace gorgon::http {

namespace {

constexpr std::size_t kMaxName = 253;  // RFC 1035 2.3.4, without the trailing dot
constexpr std::size_t kMaxLabel = 63;

bool isLabelByte(char c) noexcept {
    return (c >= 'a' && c <= 'z') || isDigit(c) || c == '-' || c == '_';
}

// `name` is lower case already.
bool validDnsName(std::string_view name) noexcept {
    if (name.empty() || name.size() > kMaxName) return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string_view::npos) dot = name.size();
        const std::string_view label = name.substr(start, dot - start);
        if (label.empty() || label.size() > kMaxLabel) return false;
        if (label.front() == '-' || label.back() == '-') return false;
        if (!std::ranges::all_of(label, isLabelByte)) return false;
        start = dot + 1;
    }
    return true;
}

// The inside of "[...]": hex digits, ':' and '.' (an embedded IPv4), at least one ':'.
bool validIpv6(std::string_view inner) noexcept {
    if (inner.empty() || inner.find(':') == std::string_view::npos) return false;
    return std::ranges::all_of(inner,
                               [](char c) { return hexValue(c) >= 0 || c == ':' || c == '.'; });
}

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lowerAscii(c);
    return out;
}

}  // namespace

std::optional<std::string> canonicalHostName(std::string_view name) {
    std::string n = lowered(name);
    if (n.find(':') != std::string::npos) {
        // An IPv6 literal, bracketed or not.
        std::string_view inner = n;
        if (inner.front() == '[') {
            if (inner.size() < 2 || inner.back() != ']') return std::nullopt;
            inner = inner.substr(1, inner.size() - 2);
        }
        if (!validIpv6(inner)) return std::nullopt;
        return "[" + std::string(inner) + "]";
    }
    if (!n.empty() && n.back() == '.') n.pop_back();
    if (n.starts_with("*.")) {
        if (!validDnsName(std::string_view(n).substr(2))) return std::nullopt;
        return n;
    }
    if (!validDnsName(n)) return std::nullopt;
    return n;
}

std::string_view requestHostName(std::string_view host, char (&buf)[256]) noexcept {
    std::string_view name;
    if (!host.empty() && host.front() == '[') {
        const std::size_t close = host.find(']');
        name = close == std::string_view::npos ? host : host.substr(0, close + 1);
    } else {
        // A reg-name or IPv4 address has no ':'; what follows one is the port.
        name = host.substr(0, host.find(':'));
        if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    }
    if (name.size() > kMaxName + 2) return {};  // no configured name is that long
    for (std::size_t i = 0; i < name.size(); ++i) buf[i] = lowerAscii(name[i]);
    return {buf, name.size()};
}

std::size_t VirtualHostTable::add(const std::string& name, std::size_t set) {
    const bool wild = name.starts_with("*.");
    std::vector<Entry>& v = wild ? wildcard_ : exact_;
    const std::string key = wild ? name.substr(1) : name;
    auto it = std::ranges::lower_bound(v, key, {}, &Entry::first);
    if (it != v.end() && it->first == key) return it->second;
    v.insert(it, Entry{key, set});
    return kNone;
}

const VirtualHostTable::Entry* VirtualHostTable::find(const std::vector<Entry>& v,
                                                      std::string_view key) noexcept {
    auto it = std::ranges::lower_bound(v, key, {},
                                       [](const Entry& e) -> std::string_view { return e.first; });
    return it != v.end() && it->first == key ? &*it : nullptr;
}

std::size_t VirtualHostTable::select(std::string_view host) const noexcept {
    if (host.empty()) return default_;
    if (const Entry* e = find(exact_, host)) return e->second;
    if (!wildcard_.empty() && host.front() != '[') {
        // Longest suffix first: ".b.example.org" before ".example.org". The first label stays
        // out, so "*.example.org" never matches "example.org" itself.
        for (std::size_t dot = host.find('.'); dot != std::string_view::npos;
             dot = host.find('.', dot + 1)) {
            if (dot == 0) continue;
            if (const Entry* e = find(wildcard_, host.substr(dot))) return e->second;
        }
    }
    return default_;
}

}  // namespace gorgon::http
