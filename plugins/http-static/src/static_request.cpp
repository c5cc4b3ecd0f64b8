#include "static_request.hpp"

#include <cstddef>

namespace gorgon::httpstatic {

namespace {

// `lower` is already lower case; field names are case-insensitive (RFC 9110 §5.1).
bool nameIs(std::string_view name, std::string_view lower) noexcept {
    if (name.size() != lower.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

void keepFirst(std::string_view& slot, std::string_view value, bool& seen) noexcept {
    if (!seen) {
        slot = value;
        seen = true;
    }
}

}  // namespace

RequestFields readFields(const gorgon_http_api* http, const gorgon_http_request* req) noexcept {
    RequestFields f;
    bool seen[7] = {};
    gorgon_str name{};
    gorgon_str value{};
    for (std::size_t i = 0; http->header_at(req, i, &name, &value) != 0; ++i) {
        const std::string_view n = view(name);
        const std::string_view v = view(value);
        // The length picks the one or two candidates before any character is compared.
        switch (n.size()) {
            case 5:
                if (nameIs(n, "range")) keepFirst(f.range, v, seen[0]);
                break;
            case 8:
                if (nameIs(n, "if-range")) {
                    keepFirst(f.if_range, v, seen[1]);
                } else if (nameIs(n, "if-match")) {
                    keepFirst(f.conditionals.if_match, v, seen[2]);
                }
                break;
            case 13:
                if (nameIs(n, "if-none-match")) keepFirst(f.conditionals.if_none_match, v, seen[3]);
                break;
            case 15:
                if (nameIs(n, "accept-encoding")) keepFirst(f.accept_encoding, v, seen[4]);
                break;
            case 17:
                if (nameIs(n, "if-modified-since")) {
                    keepFirst(f.conditionals.if_modified_since, v, seen[5]);
                }
                break;
            case 19:
                if (nameIs(n, "if-unmodified-since")) {
                    keepFirst(f.conditionals.if_unmodified_since, v, seen[6]);
                }
                break;
            default:
                break;
        }
    }
    return f;
}

}  // namespace gorgon::httpstatic
