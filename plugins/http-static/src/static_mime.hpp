// Content types by file extension: /etc/mime.types (or another file in that format) over a
// built-in table of the common types, in a hash map built once per route. Each entry also
// records whether the type is worth compressing, so a request never matches patterns.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gorgon::httpstatic {

struct MimeType {
    std::string type;           // e.g. "text/html"
    bool compressible = false;  // matches one of gzip_types
};

// Patterns such as "text/*", "image/svg+xml" or "*/*", matched case-insensitively against a type
// without its parameters.
class TypePatterns {
  public:
    TypePatterns() = default;
    explicit TypePatterns(std::vector<std::string> patterns);
    [[nodiscard]] bool matches(std::string_view type) const noexcept;

  private:
    std::vector<std::string> patterns_;  // lower case
};

// Whether `s` is a media type a response may carry: type "/" subtype, both RFC 9110 tokens,
// optionally followed by parameters made of visible characters and spaces.
[[nodiscard]] bool isValidMediaType(std::string_view s) noexcept;

class MimeTable {
  public:
    // The built-in table, with `default_type` for unknown extensions.
    MimeTable(const std::string& default_type, const TypePatterns& compressible);

    // Reads a mime.types file ("type ext ext ..." per line, '#' comments) over the built-in
    // entries. Returns false (with `error` set) if the file cannot be read.
    bool loadFile(const std::string& path, std::string& error);

    // The type for a file name (by its last extension, case-insensitively), or the default.
    [[nodiscard]] const MimeType& lookup(std::string_view file_name) const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return by_ext_.size(); }

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    void add(std::string_view ext, std::string_view type);

    TypePatterns compressible_;
    MimeType default_;
    std::unordered_map<std::string, MimeType, Hash, std::equal_to<>> by_ext_;
};

}  // namespace gorgon::httpstatic
