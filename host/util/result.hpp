// Errors as values: GCC 12 has no std::expected in C++20, so a small one of our own.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace gorgon {

struct Error {
    std::string message;
};

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] T& value() & { return std::get<0>(v_); }
    [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
    [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
    T* operator->() { return &std::get<0>(v_); }
    [[nodiscard]] const std::string& error() const { return std::get<1>(v_).message; }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error.message)), ok_(false) {}  // NOLINT

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    [[nodiscard]] const std::string& error() const { return error_; }

  private:
    std::string error_;
    bool ok_ = true;
};

inline Error fail(std::string message) {
    return Error{std::move(message)};
}

}  // namespace gorgon
