#include "status_format.hpp"

#include <cstdio>
#include <ctime>

namespace gorgon::status {

std::string humanBytes(std::uint64_t n) {
    if (n < 1024) return std::to_string(n) + " B";
    static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    // Tenths, in integers: exact and free of float formatting surprises.
    std::uint64_t whole = n;
    std::size_t unit = 0;
    while (whole >= 1024 * 1024 && unit + 1 < std::size(kUnits)) {
        whole /= 1024;
        ++unit;
    }
    const std::uint64_t tenths = whole * 10 / 1024;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llu.%llu %s", static_cast<unsigned long long>(tenths / 10),
                  static_cast<unsigned long long>(tenths % 10), kUnits[unit]);
    return buf;
}

std::string humanSeconds(std::int64_t s) {
    if (s < 0) s = 0;
    const auto u = static_cast<unsigned long long>(s);
    char buf[48];
    if (u < 60) {
        std::snprintf(buf, sizeof buf, "%llus", u);
    } else if (u < 3600) {
        std::snprintf(buf, sizeof buf, "%llum %02llus", u / 60, u % 60);
    } else if (u < 86400) {
        std::snprintf(buf, sizeof buf, "%lluh %02llum", u / 3600, u % 3600 / 60);
    } else {
        std::snprintf(buf, sizeof buf, "%llud %02lluh", u / 86400, u % 86400 / 3600);
    }
    return buf;
}

std::string humanMicros(std::uint64_t us) {
    const auto u = static_cast<unsigned long long>(us);
    char buf[32];
    if (u < 1000) {
        std::snprintf(buf, sizeof buf, "%llu \xc2\xb5s", u);
    } else if (u < 1'000'000) {
        std::snprintf(buf, sizeof buf, "%llu.%llu ms", u / 1000, u % 1000 / 100);
    } else {
        std::snprintf(buf, sizeof buf, "%llu.%02llu s", u / 1'000'000, u % 1'000'000 / 10'000);
    }
    return buf;
}

std::string utcTime(std::int64_t ms) {
    if (ms <= 0) return "-";
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return "-";
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace gorgon::status
