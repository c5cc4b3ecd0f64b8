// Splits a command line into words, and quotes words back into a line. Shared by the monitor
// (which parses what clients send) and gorgonctl (which builds what it sends), so the two can
// never disagree. Pure code: unit-tested directly.
//
// The rules are a strict subset of the POSIX shell's, so that what an operator types into
// gorgonctl's prompt means what it would mean on a shell command line:
//   - words are separated by spaces and tabs;
//   - '...' takes everything up to the next ' literally;
//   - "..." takes everything up to the next unescaped ", where a backslash before " or before
//     a backslash stands for that character (any other backslash is kept as it is);
//   - outside quotes, a backslash takes the next byte literally;
//   - '' or "" makes an empty word.
// Refused, never guessed at: control bytes (below 0x20 except tab, and 0x7f), an unterminated
// quote, a backslash at the end of the line, more than `max_words` words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::monitor {

enum class TokenError {
    None,
    ControlByte,   // a byte below 0x20 (not tab) or 0x7f
    Unterminated,  // a quote or a trailing backslash with nothing after it
    TooManyWords,
};

struct TokenResult {
    TokenError error = TokenError::None;
    std::size_t column = 0;  // 0-based offset of the offending byte, for the error message
    std::vector<std::string> words;
};

[[nodiscard]] TokenResult tokenize(std::string_view line, std::size_t max_words);

// A sentence saying what is wrong with `line` (given the result of tokenize), for a reply.
[[nodiscard]] std::string describeTokenError(const TokenResult& result, std::size_t max_words);

// The word as tokenize() would read it back: unchanged when it needs no quoting, otherwise
// in single quotes (a ' inside becomes '\'').
[[nodiscard]] std::string quoteWord(std::string_view word);

// quoteWord() of each, joined by single spaces.
[[nodiscard]] std::string joinWords(const std::vector<std::string>& words);

}  // namespace gorgon::monitor
