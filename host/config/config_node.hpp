// An immutable copy of a YAML document that remembers where each node came from, so any error
// (the host's or a plugin's) can name FILE:LINE:COL and the key path. Plugins see these nodes
// as the opaque gorgon_config.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Plugins see configuration nodes as the opaque ABI type gorgon_config; on the host side it is
// the base of ConfigNode, so conversions are static_casts.
struct gorgon_config {};

namespace gorgon {

class ConfigNode : public gorgon_config {
  public:
    enum class Type { Null, Scalar, Sequence, Map };

    // Parses a YAML file (or text, for tests). Errors say FILE:LINE:COL: message.
    // The file's text, refused above 16 MiB.
    static Result<std::string> readFile(const std::string& path);
    static Result<std::shared_ptr<const ConfigNode>> loadFile(const std::string& path);
    static Result<std::shared_ptr<const ConfigNode>> loadText(std::string_view text,
                                                              const std::string& name);
    // An empty map, for plugins that have no configuration.
    static std::shared_ptr<const ConfigNode> emptyMap(const std::string& path);

    [[nodiscard]] Type type() const noexcept { return type_; }
    [[nodiscard]] bool isNull() const noexcept { return type_ == Type::Null; }
    [[nodiscard]] bool isScalar() const noexcept { return type_ == Type::Scalar; }
    [[nodiscard]] bool isMap() const noexcept { return type_ == Type::Map; }
    [[nodiscard]] bool isSequence() const noexcept { return type_ == Type::Sequence; }
    [[nodiscard]] const std::string& scalar() const noexcept { return scalar_; }

    [[nodiscard]] size_t size() const noexcept { return children_.size(); }
    [[nodiscard]] const ConfigNode* at(size_t i) const noexcept {
        return i < children_.size() ? children_[i].get() : nullptr;
    }
    // Maps keep the order of the file.
    [[nodiscard]] const std::string* keyAt(size_t i) const noexcept {
        return (type_ == Type::Map && i < keys_.size()) ? &keys_[i] : nullptr;
    }
    [[nodiscard]] const ConfigNode* get(std::string_view key) const noexcept;

    // "FILE:LINE:COL: PATH" for error messages.
    [[nodiscard]] std::string where() const;
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    // A canonical text form, used to tell whether a subtree changed between two loads.
    [[nodiscard]] std::string canonical() const;

    // Typed reads. Each returns an error naming the node when the value is malformed.
    [[nodiscard]] Result<std::string> asString() const;
    [[nodiscard]] Result<int64_t> asInt(int64_t min, int64_t max) const;
    [[nodiscard]] Result<bool> asBool() const;
    [[nodiscard]] Result<uint64_t> asDurationMs() const;
    [[nodiscard]] Result<uint64_t> asSizeBytes() const;
    [[nodiscard]] Error error(std::string_view message) const;

    // Unknown keys of a map, each as an error line. Empty when all keys are allowed.
    [[nodiscard]] std::vector<std::string> unknownKeys(
        const std::vector<std::string_view>& allowed) const;

    struct Mark {
        std::shared_ptr<const std::string> file;
        int line = 0;
        int column = 0;
    };
    ConfigNode(Type type, Mark mark, std::string path)
        : type_(type), mark_(std::move(mark)), path_(std::move(path)) {}

  private:
    friend class ConfigBuilder;
    Type type_;
    Mark mark_;
    std::string path_;
    std::string scalar_;
    std::vector<std::string> keys_;
    std::vector<std::unique_ptr<ConfigNode>> children_;
};

}  // namespace gorgon
