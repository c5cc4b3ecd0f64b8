// Virtual hosts: which route set answers a request, chosen by the host it names (the Host field,
// or the authority of an absolute-form target). Pure code with no host calls, unit-tested
// directly.
//
// Names are compared case-insensitively, without a trailing dot and without the port. An exact
// name wins over a wildcard; of two wildcards the longer suffix wins ("*.a.example.org" before
// "*.example.org"); "*.example.org" matches any depth below example.org, never example.org
// itself (as nginx's server_name). A host no name matches goes to the default set, if there is
// one. (Medusa's virtual_handler_with_host compared the raw Host, case and all, and split the
// port at the first ':', which breaks IPv6 literals; its virtual_handler compared the client's
// address instead of the local one.)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gorgon::http {

// A configured virtual host name in canonical form: lower case, no trailing dot; an IPv6 literal
// in brackets ("::1" and "[::1]" both give "[::1]"); "*.example.org" for a wildcard. Nothing if
// it is not a host name: labels of letters, digits, '-' and '_', 1 to 63 bytes, not starting or
// ending with '-', 253 bytes at most in all; a wildcard is "*." followed by such a name.
[[nodiscard]] std::optional<std::string> canonicalHostName(std::string_view name);

// The name part of a Host field value or authority (as the parser accepted it), or of a TLS
// server name, lower-cased into `buf`: the port and one trailing dot removed, an IPv6 literal
// kept in its brackets. Empty if there is none, or if it is longer than any host name can be.
[[nodiscard]] std::string_view requestHostName(std::string_view host, char (&buf)[256]) noexcept;

class VirtualHostTable {
  public:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    // Adds canonical `name` (from canonicalHostName) for route set `set`. Returns kNone, or the
    // set that already has this name (then nothing is added).
    std::size_t add(const std::string& name, std::size_t set);
    // The set that answers requests naming no configured host (kNone: none does).
    void setDefault(std::size_t set) noexcept { default_ = set; }
    [[nodiscard]] std::size_t defaultSet() const noexcept { return default_; }

    // The set that answers `host` (as requestHostName takes it), else the default set, else
    // kNone.
    [[nodiscard]] std::size_t select(std::string_view host) const noexcept;
    // No names configured (no virtual_hosts): every request goes to the default set.
    [[nodiscard]] bool noNames() const noexcept { return exact_.empty() && wildcard_.empty(); }

  private:
    using Entry = std::pair<std::string, std::size_t>;
    static const Entry* find(const std::vector<Entry>& v, std::string_view key) noexcept;

    std::vector<Entry> exact_;     // sorted by name
    std::vector<Entry> wildcard_;  // sorted; the suffix with its dot: ".example.org"
    std::size_t default_ = kNone;
};

}  // namespace gorgon::http
