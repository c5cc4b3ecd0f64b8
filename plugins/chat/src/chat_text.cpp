#include "chat_text.hpp"

#include <algorithm>

namespace gorgon::chat {

namespace {

constexpr bool isNameChar(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool isBlank(char c) noexcept {
    return c == ' ' || c == '\t';
}

}  // namespace

bool isValidName(std::string_view name) noexcept {
    if (name.empty() || name.size() > kMaxNameLength) {
        return false;
    }
    return std::ranges::all_of(name, isNameChar);
}

std::string foldCase(std::string_view name) {
    std::string out(name);
    for (char& c : out) {
        c = lower(c);
    }
    return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && isBlank(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && isBlank(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string sanitize(std::string_view line) {
    std::string out(line);
    for (char& c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\t') || byte == 0x7f) {
            c = '?';
        }
    }
    return out;
}

Command splitCommand(std::string_view line) noexcept {
    if (!line.empty() && line.front() == '/') {
        line.remove_prefix(1);
    }
    std::size_t end = 0;
    while (end < line.size() && !isBlank(line[end])) {
        ++end;
    }
    return {line.substr(0, end), trim(line.substr(end))};
}

}  // namespace gorgon::chat
