#include "monitor_framing.hpp"

namespace gorgon::monitor {

std::string statusText(std::string_view text) {
    std::string out;
    const bool cut = text.size() > kMaxStatusText;
    if (cut) text = text.substr(0, kMaxStatusText - 3);
    out.reserve(text.size() + 3);
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        out += (b < 0x20 || b == 0x7f) ? '?' : c;
    }
    if (cut) out += "...";
    return out;
}

std::string formatMessage(int code, std::string_view text, std::string_view body) {
    const std::string summary = statusText(text);
    std::string out = std::to_string(code);
    out += ' ';
    out += std::to_string(body.size());
    if (!summary.empty()) {
        out += ' ';
        out += summary;
    }
    out += '\n';
    out += body;
    return out;
}

bool parseStatusLine(std::string_view line, std::uint64_t max_length, StatusLine& out,
                     std::string& error) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxStatusLine) {
        error = "status line longer than " + std::to_string(kMaxStatusLine) + " bytes";
        return false;
    }
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (line.size() < 5 || !digit(line[0]) || !digit(line[1]) || !digit(line[2]) ||
        line[3] != ' ') {
        error = "status line does not start with a 3-digit code and a space";
        return false;
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 100 || code > 599) {
        error = "status code " + std::to_string(code) + " out of range";
        return false;
    }
    std::size_t i = 4;
    const std::size_t start = i;
    std::uint64_t length = 0;
    while (i < line.size() && digit(line[i])) {
        const auto d = static_cast<std::uint64_t>(line[i] - '0');
        if (d > max_length || length > (max_length - d) / 10) {
            error = "announced body length exceeds " + std::to_string(max_length) + " bytes";
            return false;
        }
        length = length * 10 + d;
        ++i;
    }
    if (i == start) {
        error = "status line has no body length";
        return false;
    }
    if (i - start > 1 && line[start] == '0') {
        error = "body length with a leading zero";
        return false;
    }
    std::string_view text;
    if (i < line.size()) {
        if (line[i] != ' ') {
            error = "status line: expected a space after the body length";
            return false;
        }
        text = line.substr(i + 1);
    }
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f) {
            error = "status line holds a control character";
            return false;
        }
    }
    out.code = code;
    out.length = length;
    out.text = std::string(text);
    return true;
}

}  // namespace gorgon::monitor
