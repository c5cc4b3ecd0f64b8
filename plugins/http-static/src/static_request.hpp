// The request header fields http-static acts on, found in one pass over the request's fields.
#pragma once

#include "static_conditional.hpp"

#include <gorgon/http.h>

#include <string_view>

namespace gorgon::httpstatic {

struct RequestFields {
    std::string_view range;
    std::string_view if_range;
    std::string_view accept_encoding;
    Conditionals conditionals;
};

// One pass over the fields (rather than a lookup per name): the first occurrence of each wins.
[[nodiscard]] RequestFields readFields(const gorgon_http_api* http,
                                       const gorgon_http_request* req) noexcept;

inline std::string_view view(gorgon_str s) noexcept {
    return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

}  // namespace gorgon::httpstatic
