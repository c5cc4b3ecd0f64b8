// A minimal JSON writer for the monitor's --json replies. Pure code: unit-tested directly.
//
// Every string that reaches a reply (plugin names, file paths, peer addresses, configuration
// text) passes through the SDK's gorgon::escape::appendJson (sdk/include/gorgon/escape.hpp),
// which always yields valid JSON, so a hostile file name cannot break a script's parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon::monitor {

// Builds one JSON document. Commas are placed by the writer; keys are given before values
// inside objects. Misuse (a value without a key in an object) is a bug in the caller, not
// input, so it is not checked beyond what keeps the output well-formed.
class JsonWriter {
  public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);
    JsonWriter& string(std::string_view value);
    JsonWriter& integer(std::int64_t value);
    JsonWriter& unsignedInteger(std::uint64_t value);
    JsonWriter& boolean(bool value);
    JsonWriter& null();

    // key(name) then the value, for the common case.
    JsonWriter& field(std::string_view name, std::string_view value) {
        return key(name).string(value);
    }
    JsonWriter& field(std::string_view name, const char* value) { return key(name).string(value); }
    JsonWriter& field(std::string_view name, std::uint64_t value) {
        return key(name).unsignedInteger(value);
    }
    JsonWriter& field(std::string_view name, std::int64_t value) {
        return key(name).integer(value);
    }
    JsonWriter& field(std::string_view name, bool value) { return key(name).boolean(value); }

    [[nodiscard]] const std::string& str() const noexcept { return out_; }
    [[nodiscard]] std::string take() { return std::move(out_); }

  private:
    void beforeValue();

    std::string out_;
    bool need_comma_ = false;  // a value was written at this nesting level
    bool after_key_ = false;   // the next value belongs to a key just written
};

}  // namespace gorgon::monitor
