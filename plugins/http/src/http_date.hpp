// Times for the Date field and the access log, formatted at most once a second: a request only
// compares one integer. The Date field (IMF-fixdate) comes from the SDK's <gorgon/http_date.hpp>;
// the local-time stamps the access log needs are made here.
#pragma once

#include <gorgon/http_date.hpp>

#include <cstdint>
#include <string_view>

namespace gorgon::http {

class DateCache {
  public:
    // Brings the cache to `now_ms` (wall clock). Formatting happens when a text is asked for,
    // once per second.
    void update(std::int64_t now_ms) noexcept { second_ = now_ms / 1000; }
    // The Date field: "Sun, 06 Nov 1994 08:49:37 GMT". Valid until the next call.
    [[nodiscard]] std::string_view http() noexcept { return imf_.text(second_); }
    // Local time for the Common Log Format: "10/Oct/2000:13:55:36 -0700".
    [[nodiscard]] std::string_view clf() noexcept;
    // Local time, ISO 8601 with the offset, for JSON logs: "2000-10-10T13:55:36-07:00".
    [[nodiscard]] std::string_view iso() noexcept;

  private:
    void refreshLocal() noexcept;

    std::int64_t second_ = 0;
    std::int64_t local_second_ = INT64_MIN;  // the second clf_ and iso_ were made for
    HttpDateCache imf_;
    char clf_[26] = {};
    char iso_[25] = {};
};

}  // namespace gorgon::http
