#include "config/config_node.hpp"

#include "util/units.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace gorgon {

// Converts yaml-cpp's tree into ours, keeping marks and key paths.
class ConfigBuilder {
  public:
    // Our tree copies what an alias refers to, so a few lines of nested aliases would expand to
    // billions of nodes ("billion laughs"). Every node of a document without aliases takes at
    // least a byte of its text, so a budget of the text's size plus a margin for honest aliases
    // only ever refuses such an expansion, and keeps the work linear in the file's size.
    static constexpr size_t kAliasMargin = 100'000;

    static std::unique_ptr<ConfigNode> build(const YAML::Node& node,
                                             const std::shared_ptr<const std::string>& file,
                                             const std::string& path, int depth, size_t& budget) {
        if (depth > 64) throw std::runtime_error(path + ": nesting deeper than 64 levels");
        if (budget == 0) {
            throw std::runtime_error(path + ": aliases expand to too many values");
        }
        --budget;
        ConfigNode::Mark mark{file, node.Mark().line + 1, node.Mark().column + 1};
        switch (node.Type()) {
            case YAML::NodeType::Scalar: {
                auto n = std::make_unique<ConfigNode>(ConfigNode::Type::Scalar, mark, path);
                n->scalar_ = node.Scalar();
                return n;
            }
            case YAML::NodeType::Sequence: {
                auto n = std::make_unique<ConfigNode>(ConfigNode::Type::Sequence, mark, path);
                size_t i = 0;
                for (const auto& child : node) {
                    n->children_.push_back(build(
                        child, file, path + "[" + std::to_string(i++) + "]", depth + 1, budget));
                }
                return n;
            }
            case YAML::NodeType::Map: {
                auto n = std::make_unique<ConfigNode>(ConfigNode::Type::Map, mark, path);
                for (const auto& kv : node) {
                    if (!kv.first.IsScalar()) {
                        throw YAML::ParserException(kv.first.Mark(), "map keys must be scalars");
                    }
                    std::string key = kv.first.Scalar();
                    for (const auto& existing : n->keys_) {
                        if (existing == key) {
                            throw YAML::ParserException(kv.first.Mark(),
                                                        "duplicate key \"" + key + "\"");
                        }
                    }
                    n->keys_.push_back(key);
                    n->children_.push_back(build(
                        kv.second, file, path.empty() ? key : path + "." + key, depth + 1, budget));
                }
                return n;
            }
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined:
                break;
        }
        return std::make_unique<ConfigNode>(ConfigNode::Type::Null, mark, path);
    }
};

Result<std::shared_ptr<const ConfigNode>> ConfigNode::loadText(std::string_view text,
                                                               const std::string& name) {
    auto file = std::make_shared<const std::string>(name);
    try {
        YAML::Node doc = YAML::Load(std::string(text));
        size_t budget = text.size() + ConfigBuilder::kAliasMargin;
        std::shared_ptr<const ConfigNode> root = ConfigBuilder::build(doc, file, "", 0, budget);
        if (root->isNull()) return emptyMap(name);
        return root;
    } catch (const YAML::Exception& e) {
        return fail(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                    std::to_string(e.mark.column + 1) + ": " + e.msg);
    } catch (const std::exception& e) {
        return fail(name + ": " + e.what());
    }
}

Result<std::string> ConfigNode::readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(path + ": cannot read the file");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > (16u << 20)) return fail(path + ": larger than 16 MiB");
    return text.str();
}

Result<std::shared_ptr<const ConfigNode>> ConfigNode::loadFile(const std::string& path) {
    auto text = readFile(path);
    if (!text) return fail(text.error());
    return loadText(text.value(), path);
}

std::shared_ptr<const ConfigNode> ConfigNode::emptyMap(const std::string& path) {
    return std::make_shared<const ConfigNode>(
        Type::Map, Mark{std::make_shared<const std::string>("<default>"), 0, 0}, path);
}

const ConfigNode* ConfigNode::get(std::string_view key) const noexcept {
    for (size_t i = 0; i < keys_.size(); ++i) {
        if (keys_[i] == key) return children_[i].get();
    }
    return nullptr;
}

std::string ConfigNode::where() const {
    std::string out = mark_.file ? *mark_.file : std::string("<config>");
    if (mark_.line > 0)
        out += ":" + std::to_string(mark_.line) + ":" + std::to_string(mark_.column);
    if (!path_.empty()) out += ": " + path_;
    return out;
}

Error ConfigNode::error(std::string_view message) const {
    return Error{where() + ": " + std::string(message)};
}

std::string ConfigNode::canonical() const {
    switch (type_) {
        case Type::Null:
            return "~";
        case Type::Scalar:
            return "\"" + scalar_ + "\"";
        case Type::Sequence: {
            std::string out = "[";
            for (const auto& c : children_) out += c->canonical() + ",";
            return out + "]";
        }
        case Type::Map: {
            std::string out = "{";
            for (size_t i = 0; i < keys_.size(); ++i) {
                out += "\"" + keys_[i] + "\":" + children_[i]->canonical() + ",";
            }
            return out + "}";
        }
    }
    return {};
}

Result<std::string> ConfigNode::asString() const {
    if (!isScalar()) return error("expected a string");
    return scalar_;
}

Result<int64_t> ConfigNode::asInt(int64_t min, int64_t max) const {
    auto v = isScalar() ? parseInt(scalar_) : std::nullopt;
    if (!v) return error("expected an integer");
    if (*v < min || *v > max) {
        return error("must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    return *v;
}

Result<bool> ConfigNode::asBool() const {
    if (isScalar()) {
        if (scalar_ == "true" || scalar_ == "yes" || scalar_ == "on") return true;
        if (scalar_ == "false" || scalar_ == "no" || scalar_ == "off") return false;
    }
    return error("expected true or false");
}

Result<uint64_t> ConfigNode::asDurationMs() const {
    auto v = isScalar() ? parseDurationMs(scalar_) : std::nullopt;
    if (!v) return error("expected a duration such as 500ms, 10s, 5m or 1h");
    return *v;
}

Result<uint64_t> ConfigNode::asSizeBytes() const {
    auto v = isScalar() ? parseSizeBytes(scalar_) : std::nullopt;
    if (!v) return error("expected a size such as 512, 64k, 16M or 1G");
    return *v;
}

std::vector<std::string> ConfigNode::unknownKeys(
    const std::vector<std::string_view>& allowed) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < keys_.size(); ++i) {
        bool known = false;
        for (auto a : allowed) known = known || a == keys_[i];
        if (!known) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            out.push_back(
                children_[i]->where() + ": unknown key \"" + keys_[i] + "\"" +
                (list.empty() ? " (no keys are allowed here)" : " (known keys: " + list + ")"));
        }
    }
    return out;
}

}  // namespace gorgon
