#include "monitor_text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

namespace gorgon::monitor {

std::string sanitize(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f) c = '?';
    }
    return out;
}

std::string quoteForLog(std::string_view text, std::size_t max) {
    const bool cut = text.size() > max;
    std::string out = "\"";
    out += sanitize(cut ? text.substr(0, max) : text);
    out += cut ? "...\"" : "\"";
    return out;
}

std::string hexEncode(std::span<const std::uint8_t> bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 0x0f];
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> hexDecode(std::string_view hex, std::size_t want) {
    if (hex.size() != want * 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::vector<std::uint8_t> out(want);
    for (std::size_t i = 0; i < want; ++i) {
        const int hi = nibble(hex[2 * i]);
        const int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return out;
}

std::string formatDuration(std::uint64_t ms) {
    const std::uint64_t s = ms / 1000;
    struct Unit {
        const char* suffix;
        std::uint64_t seconds;
    };
    static constexpr std::array<Unit, 4> kUnits = {
        {{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}};
    for (std::size_t i = 0; i < kUnits.size(); ++i) {
        if (s >= kUnits[i].seconds || i + 1 == kUnits.size()) {
            std::string out = std::to_string(s / kUnits[i].seconds) + kUnits[i].suffix;
            if (i + 1 < kUnits.size()) {
                const std::uint64_t rest = (s % kUnits[i].seconds) / kUnits[i + 1].seconds;
                if (rest != 0) out += " " + std::to_string(rest) + kUnits[i + 1].suffix;
            }
            return out;
        }
    }
    return "0s";
}

std::string formatTime(std::int64_t ms) {
    if (ms <= 0) return "-";
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return "-";
    std::array<char, 32> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return n == 0 ? std::string("-") : std::string(buf.data(), n);
}

bool isPluginName(std::string_view name) noexcept {
    // The host's rule (validPluginName, host/plugin/descriptor_check.cpp), so that every plugin
    // that loads can be named: [a-z0-9][a-z0-9_-]{0,62}.
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (name.empty() || name.size() > 63 || !alnum(name.front())) return false;
    return std::all_of(name.begin(), name.end(),
                       [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

namespace {
constexpr std::array<std::string_view, 4> kLevels = {"error", "warn", "info", "debug"};
}  // namespace

std::optional<std::uint32_t> logLevelByName(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kLevels.size(); ++i) {
        if (kLevels[i] == name) return static_cast<std::uint32_t>(i);
    }
    return std::nullopt;
}

std::string_view logLevelName(std::uint32_t level) noexcept {
    return level < kLevels.size() ? kLevels[level] : std::string_view("unknown");
}

Table::Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
}

void Table::add(std::vector<std::string> row) {
    for (std::string& cell : row) cell = sanitize(cell);
    rows_.push_back(std::move(row));
}

std::string Table::render() const {
    std::vector<std::size_t> width;
    for (const auto& row : rows_) {
        if (row.size() > width.size()) width.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) {
            width[i] = std::max(width[i], row[i].size());
        }
    }
    std::string out;
    for (const auto& row : rows_) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line;
        out += '\n';
    }
    return out;
}

}  // namespace gorgon::monitor
