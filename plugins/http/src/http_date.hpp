// Times for the Date field and the access log, formatted at most once a second: a request only
// compares one integer. Pure code apart from the C library's time conversion.
#pragma once

#include <cstdint>
#include <string_view>

namespace gorgon::http {

// Writes the IMF-fixdate of `unix_seconds` (RFC 9110 5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT":
// exactly 29 bytes, no NUL.
void formatImfFixdate(std::int64_t unix_seconds, char out[29]) noexcept;

class DateCache {
  public:
    // Brings the cache to `now_ms` (wall clock). Reformats only when the second changed.
    void update(std::int64_t now_ms) noexcept {
        const std::int64_t s = now_ms / 1000;
        if (s != second_) refresh(s);
    }
    [[nodiscard]] std::string_view http() const noexcept { return {imf_, sizeof imf_}; }
    // Local time for the Common Log Format: "10/Oct/2000:13:55:36 -0700".
    [[nodiscard]] std::string_view clf() noexcept;
    // Local time, ISO 8601 with the offset, for JSON logs: "2000-10-10T13:55:36-07:00".
    [[nodiscard]] std::string_view iso() noexcept;

  private:
    void refresh(std::int64_t second) noexcept;
    void refreshLocal() noexcept;

    std::int64_t second_ = INT64_MIN;
    std::int64_t local_second_ = INT64_MIN;  // the second clf_ and iso_ were made for
    char imf_[29] = {};
    char clf_[26] = {};
    char iso_[25] = {};
};

}  // namespace gorgon::http
