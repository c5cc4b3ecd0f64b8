#include "redirect_regex.hpp"

namespace gorgon::redirect {

std::string pcre2Message(int code) {
    PCRE2_UCHAR buf[256];
    const int n = pcre2_get_error_message(code, buf, sizeof buf);
    if (n < 0) return "PCRE2 error " + std::to_string(code);
    return {reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n)};
}

std::variant<Regex, std::string> Regex::compile(std::string_view pattern, Limits limits) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    Regex r;
    // A decoded path may hold CR, LF or any other byte: '.' matches every byte and '$' only the
    // very end, so "%0a" in a request cannot slip past "^/old/(.*)$".
    r.code_.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                PCRE2_NEVER_UTF | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY, &code,
                                &offset, nullptr));
    if (!r.code_) {
        return pcre2Message(code) + " (at offset " + std::to_string(offset) + " of the regex)";
    }
    // JIT is an optimisation: where it is missing (or refuses the pattern) the interpreter runs,
    // under the same limits.
    r.jit_ = pcre2_jit_compile(r.code_.get(), PCRE2_JIT_COMPLETE) == 0;
    r.context_.reset(pcre2_match_context_create(nullptr));
    r.data_.reset(pcre2_match_data_create_from_pattern(r.code_.get(), nullptr));
    if (!r.context_ || !r.data_) return std::string("out of memory");
    pcre2_set_match_limit(r.context_.get(), limits.match);
    pcre2_set_depth_limit(r.context_.get(), limits.depth);
    return r;
}

GroupInfo Regex::groups() const {
    GroupInfo info;
    std::uint32_t count = 0;
    (void)pcre2_pattern_info(code_.get(), PCRE2_INFO_CAPTURECOUNT, &count);
    info.count = static_cast<int>(count);
    const pcre2_code* code = code_.get();
    info.number_of = [code](std::string_view name) {
        const std::string z(name);
        const int n =
            pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>(z.c_str()));
        if (n == PCRE2_ERROR_NOUNIQUESUBSTRING) return -2;
        return n < 0 ? -1 : n;
    };
    return info;
}

Regex::Outcome Regex::match(std::string_view subject, std::vector<Capture>& captures,
                            std::string& error) const {
    const int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                               subject.size(), 0, 0, data_.get(), context_.get());
    if (rc == PCRE2_ERROR_NOMATCH) return Outcome::no_match;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
        error = pcre2Message(rc);
        return Outcome::limit;
    }
    if (rc < 0) {
        error = pcre2Message(rc);
        return Outcome::error;
    }
    const std::uint32_t pairs = pcre2_get_ovector_count(data_.get());
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data_.get());
    captures.assign(pairs, std::nullopt);
    for (std::uint32_t i = 0; i < pairs; ++i) {
        const PCRE2_SIZE start = ov[2 * i];
        const PCRE2_SIZE end = ov[2 * i + 1];
        if (start == PCRE2_UNSET || end < start) continue;  // \K can put end before start
        captures[i] = subject.substr(start, end - start);
    }
    return Outcome::match;
}

}  // namespace gorgon::redirect
