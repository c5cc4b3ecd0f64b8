// libFuzzer target for the monitor protocol (docs/monitor-protocol.md): the status line parser
// gorgonctl uses on what a server sends, the formatter the monitor uses, and the tokenizer the
// monitor runs on every command line (and gorgonctl's quoting, its inverse). The first byte
// chooses the limits. Invariants:
//
//   - a status line is accepted only as the grammar says (code 100-599, a length within the
//     limit, printable text), and whatever formatMessage writes parses back to what it was given;
//   - a tokenized line, joined with joinWords and tokenized again, gives the same words;
//   - a refusal says where, inside the line.
#include "fuzz_check.hpp"
#include "monitor_framing.hpp"
#include "monitor_tokens.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace gorgon::monitor;

namespace {

bool printable(std::string_view s) {
    for (char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f) return false;
    }
    return true;
}

void checkStatusLine(std::string_view line, std::uint64_t max_length) {
    StatusLine s;
    std::string error;
    if (!parseStatusLine(line, max_length, s, error)) {
        GORGON_FUZZ_CHECK(!error.empty());
        return;
    }
    GORGON_FUZZ_CHECK(s.code >= 100 && s.code <= 599 && s.length <= max_length);
    GORGON_FUZZ_CHECK(printable(s.text) && s.text.size() <= kMaxStatusLine);
    GORGON_FUZZ_CHECK(line.starts_with(std::to_string(s.code) + " " + std::to_string(s.length)));
}

void checkFormat(int code, std::string_view text, std::string_view body) {
    const std::string summary = statusText(text);
    GORGON_FUZZ_CHECK(summary.size() <= kMaxStatusText && printable(summary));
    const std::string message = formatMessage(code, text, body);
    const std::size_t lf = message.find('\n');
    GORGON_FUZZ_CHECK(lf != std::string::npos && lf <= kMaxStatusLine);
    GORGON_FUZZ_CHECK(message.size() - lf - 1 == body.size());
    GORGON_FUZZ_CHECK(std::string_view(message).substr(lf + 1) == body);
    StatusLine s;
    std::string error;
    GORGON_FUZZ_CHECK(
        parseStatusLine(std::string_view(message).substr(0, lf), body.size(), s, error));
    GORGON_FUZZ_CHECK(s.code == code && s.length == body.size() && s.text == summary);
}

void checkTokens(std::string_view line, std::size_t max_words) {
    const TokenResult r = tokenize(line, max_words);
    const std::string why = describeTokenError(r, max_words);
    if (r.error != TokenError::None) {
        GORGON_FUZZ_CHECK(r.words.empty() && !why.empty() && r.column < line.size());
        return;
    }
    GORGON_FUZZ_CHECK(why.empty() && r.words.size() <= max_words);
    const std::string joined = joinWords(r.words);
    const TokenResult again = tokenize(joined, max_words);
    GORGON_FUZZ_CHECK(again.error == TokenError::None && again.words == r.words);
    for (const std::string& w : r.words) {
        const TokenResult one = tokenize(quoteWord(w), 1);
        GORGON_FUZZ_CHECK(one.error == TokenError::None && one.words.size() == 1);
        GORGON_FUZZ_CHECK(one.words[0] == w);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t max_words = static_cast<std::size_t>(mode & 31) + 1;
    const std::uint64_t max_length = (mode & 32) != 0 ? UINT64_MAX : std::uint64_t{1} << 20;

    // Every line of the input is a status line and a command line.
    std::string_view rest = input;
    while (true) {
        const std::size_t lf = rest.find('\n');
        const std::string_view line = rest.substr(0, lf);
        checkStatusLine(line, max_length);
        checkTokens(line, max_words);
        if (lf == std::string_view::npos) break;
        rest.remove_prefix(lf + 1);
    }
    // The whole input as a reply's summary and body.
    checkFormat(100 + static_cast<int>(mode) % 500, input, input);
    return 0;
}
