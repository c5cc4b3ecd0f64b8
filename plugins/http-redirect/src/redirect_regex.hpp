// One PCRE2 regular expression of a rule: compiled (JIT where the platform has it) when the route
// opens, matched on the loop with a match limit and a depth limit, so that a pattern that
// backtracks catastrophically fails fast instead of holding the loop.
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include "redirect_template.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <pcre2.h>

namespace gorgon::redirect {

struct Limits {
    std::uint32_t match = 100000;  // pcre2_set_match_limit
    std::uint32_t depth = 10000;   // pcre2_set_depth_limit (the interpreter's backtracking depth)
};

class Regex {
  public:
    // The compiled pattern, or PCRE2's message with the offset where it failed. Patterns match
    // bytes: (*UTF) is refused, since a decoded path may hold any byte sequence; '.' matches
    // every byte (newlines too) and '$' only the end of the path.
    static std::variant<Regex, std::string> compile(std::string_view pattern, Limits limits);

    [[nodiscard]] GroupInfo groups() const;

    enum class Outcome { match, no_match, limit, error };
    // Matches `subject`; on a match fills `captures` (group 0 the whole match, nullopt for a
    // group that took no part). `limit`: the match or depth limit was reached; `error`: any other
    // failure, described in `error`.
    Outcome match(std::string_view subject, std::vector<Capture>& captures,
                  std::string& error) const;

    [[nodiscard]] bool jit() const noexcept { return jit_; }

  private:
    struct CodeFree {
        void operator()(pcre2_code* p) const noexcept { pcre2_code_free(p); }
    };
    struct ContextFree {
        void operator()(pcre2_match_context* p) const noexcept { pcre2_match_context_free(p); }
    };
    struct DataFree {
        void operator()(pcre2_match_data* p) const noexcept { pcre2_match_data_free(p); }
    };
    std::unique_ptr<pcre2_code, CodeFree> code_;
    std::unique_ptr<pcre2_match_context, ContextFree> context_;
    // One per regex: the loop runs one match at a time.
    std::unique_ptr<pcre2_match_data, DataFree> data_;
    bool jit_ = false;
};

// PCRE2's text for an error code.
[[nodiscard]] std::string pcre2Message(int code);

}  // namespace gorgon::redirect
