#include "monitor_tokens.hpp"

namespace gorgon::monitor {

namespace {

bool isControl(char c) noexcept {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && b != '\t') || b == 0x7f;
}

bool isBlank(char c) noexcept {
    return c == ' ' || c == '\t';
}

// Bytes that never need quoting: what plugin names, server names, paths and levels are made of.
bool isPlain(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '/' || c == ':' || c == '=' || c == '+' || c == ',' ||
           c == '@' || c == '%' || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

TokenResult tokenize(std::string_view line, std::size_t max_words) {
    TokenResult r;
    // Control bytes are refused before anything else, wherever they are: quoting must not be
    // a way to smuggle an escape sequence into a log line or a file name.
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (isControl(line[i])) {
            r.error = TokenError::ControlByte;
            r.column = i;
            return r;
        }
    }
    std::size_t i = 0;
    while (true) {
        while (i < line.size() && isBlank(line[i])) ++i;
        if (i == line.size()) break;
        if (r.words.size() == max_words) {
            r.error = TokenError::TooManyWords;
            r.column = i;
            r.words.clear();
            return r;
        }
        std::string word;
        while (i < line.size() && !isBlank(line[i])) {
            const char c = line[i];
            const std::size_t start = i;
            if (c == '\'') {
                const std::size_t end = line.find('\'', i + 1);
                if (end == std::string_view::npos) {
                    r.error = TokenError::Unterminated;
                    r.column = start;
                    r.words.clear();
                    return r;
                }
                word.append(line.substr(i + 1, end - i - 1));
                i = end + 1;
            } else if (c == '"') {
                ++i;
                bool closed = false;
                while (i < line.size()) {
                    if (line[i] == '"') {
                        closed = true;
                        ++i;
                        break;
                    }
                    if (line[i] == '\\' && i + 1 < line.size() &&
                        (line[i + 1] == '"' || line[i + 1] == '\\')) {
                        ++i;
                    }
                    word += line[i++];
                }
                if (!closed) {
                    r.error = TokenError::Unterminated;
                    r.column = start;
                    r.words.clear();
                    return r;
                }
            } else if (c == '\\') {
                if (i + 1 == line.size()) {
                    r.error = TokenError::Unterminated;
                    r.column = start;
                    r.words.clear();
                    return r;
                }
                word += line[i + 1];
                i += 2;
            } else {
                word += c;
                ++i;
            }
        }
        r.words.push_back(std::move(word));
    }
    return r;
}

std::string describeTokenError(const TokenResult& result, std::size_t max_words) {
    const std::string at = " at column " + std::to_string(result.column + 1);
    switch (result.error) {
        case TokenError::None:
            return {};
        case TokenError::ControlByte:
            return "the line holds a control character" + at + "; only printable text is allowed";
        case TokenError::Unterminated:
            return "unterminated quote or trailing backslash" + at;
        case TokenError::TooManyWords:
            return "too many arguments: at most " + std::to_string(max_words) + " words";
    }
    return "malformed line";
}

std::string quoteWord(std::string_view word) {
    bool plain = !word.empty();
    for (char c : word) plain = plain && isPlain(c);
    if (plain) return std::string(word);
    std::string out = "'";
    for (char c : word) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

std::string joinWords(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) {
        if (!out.empty()) out += ' ';
        out += quoteWord(w);
    }
    return out;
}

}  // namespace gorgon::monitor
