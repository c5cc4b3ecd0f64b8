#include "http_date.hpp"

#include <ctime>

namespace gorgon::http {

namespace {

constexpr char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* p, int v) noexcept {
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
}

void put4(char* p, int v) noexcept {
    put2(p, v / 100);
    put2(p + 2, v % 100);
}

void put3(char* p, const char (&name)[4]) noexcept {
    p[0] = name[0];
    p[1] = name[1];
    p[2] = name[2];
}

// "+hhmm" (separator 0) or "+hh:mm".
int putOffset(char* p, long gmtoff, bool colon) noexcept {
    char sign = '+';
    if (gmtoff < 0) {
        sign = '-';
        gmtoff = -gmtoff;
    }
    const int minutes = static_cast<int>(gmtoff / 60);
    p[0] = sign;
    put2(p + 1, minutes / 60);
    int n = 3;
    if (colon) p[n++] = ':';
    put2(p + n, minutes % 60);
    return n + 2;
}

}  // namespace

void DateCache::refreshLocal() noexcept {
    if (local_second_ == second_) return;
    local_second_ = second_;
    std::tm tm{};
    const auto t = static_cast<std::time_t>(second_);
    localtime_r(&t, &tm);
    // "10/Oct/2000:13:55:36 -0700"
    put2(clf_, tm.tm_mday);
    clf_[2] = '/';
    put3(clf_ + 3, kMonths[tm.tm_mon % 12]);
    clf_[6] = '/';
    put4(clf_ + 7, tm.tm_year + 1900);
    clf_[11] = ':';
    put2(clf_ + 12, tm.tm_hour);
    clf_[14] = ':';
    put2(clf_ + 15, tm.tm_min);
    clf_[17] = ':';
    put2(clf_ + 18, tm.tm_sec);
    clf_[20] = ' ';
    putOffset(clf_ + 21, tm.tm_gmtoff, false);
    // "2000-10-10T13:55:36-07:00"
    put4(iso_, tm.tm_year + 1900);
    iso_[4] = '-';
    put2(iso_ + 5, tm.tm_mon + 1);
    iso_[7] = '-';
    put2(iso_ + 8, tm.tm_mday);
    iso_[10] = 'T';
    put2(iso_ + 11, tm.tm_hour);
    iso_[13] = ':';
    put2(iso_ + 14, tm.tm_min);
    iso_[16] = ':';
    put2(iso_ + 17, tm.tm_sec);
    putOffset(iso_ + 19, tm.tm_gmtoff, true);
}

std::string_view DateCache::clf() noexcept {
    refreshLocal();
    return {clf_, sizeof clf_};
}

std::string_view DateCache::iso() noexcept {
    refreshLocal();
    return {iso_, sizeof iso_};
}

}  // namespace gorgon::http
