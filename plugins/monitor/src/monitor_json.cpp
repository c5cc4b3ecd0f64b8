#include "monitor_json.hpp"

#include <gorgon/escape.hpp>

namespace gorgon::monitor {

void JsonWriter::beforeValue() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (need_comma_) out_ += ',';
}

JsonWriter& JsonWriter::beginObject() {
    beforeValue();
    out_ += '{';
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::endObject() {
    out_ += '}';
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::beginArray() {
    beforeValue();
    out_ += '[';
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::endArray() {
    out_ += ']';
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    if (need_comma_) out_ += ',';
    escape::appendJson(out_, name);
    out_ += ':';
    after_key_ = true;
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
    beforeValue();
    escape::appendJson(out_, value);
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
    beforeValue();
    out_ += std::to_string(value);
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::unsignedInteger(std::uint64_t value) {
    beforeValue();
    out_ += std::to_string(value);
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
    beforeValue();
    out_ += value ? "true" : "false";
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::null() {
    beforeValue();
    out_ += "null";
    need_comma_ = true;
    return *this;
}

}  // namespace gorgon::monitor
