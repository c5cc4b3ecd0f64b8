// Response header fields assembled without touching the heap: a fixed array of fields whose
// values point either at strings that outlive the respond() call (the route's settings) or into
// a small arena inside this object.
#pragma once

#include <gorgon/http.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace gorgon::httpstatic {

class ResponseHeaders {
  public:
    // `value` must stay valid until respond() returns.
    void add(std::string_view name, std::string_view value) noexcept {
        if (count_ == fields_.size()) return;  // more than any response here sends
        fields_[count_++] = {{name.data(), name.size()}, {value.data(), value.size()}};
    }
    // Copies `value` into the arena first (dropped if the arena is full).
    void addCopy(std::string_view name, std::string_view value) noexcept {
        char* p = scratch(value.size());
        if (p == nullptr) return;
        if (!value.empty()) std::memcpy(p, value.data(), value.size());
        addFormatted(name, value.size());
    }
    // Room for `n` bytes of a value being formatted; commit with addFormatted.
    [[nodiscard]] char* scratch(std::size_t n) noexcept {
        return used_ + n <= arena_.size() ? arena_.data() + used_ : nullptr;
    }
    void addFormatted(std::string_view name, std::size_t len) noexcept {
        add(name, {arena_.data() + used_, len});
        used_ += len;
    }

    [[nodiscard]] const gorgon_http_header* data() const noexcept { return fields_.data(); }
    [[nodiscard]] std::size_t size() const noexcept { return count_; }

  private:
    std::array<gorgon_http_header, 12> fields_{};
    std::size_t count_ = 0;
    std::array<char, 512> arena_{};
    std::size_t used_ = 0;
};

}  // namespace gorgon::httpstatic
