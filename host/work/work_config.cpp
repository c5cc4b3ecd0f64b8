#include "work/work_config.hpp"

namespace gorgon {

namespace {

const ConfigNode* section(const ConfigNode& root, std::string_view key,
                          std::vector<std::string>& errors) {
    const ConfigNode* node = root.get(key);
    if (node == nullptr || node->isNull()) return nullptr;
    if (!node->isMap()) {
        errors.push_back(node->error("expected a map").message);
        return nullptr;
    }
    return node;
}

}  // namespace

std::vector<std::string> readWorkSettings(const ConfigNode& root, WorkSettings& out) {
    std::vector<std::string> errors;
    if (const ConfigNode* pool = section(root, "work_pool", errors)) {
        for (auto& e : pool->unknownKeys({"threads"})) errors.push_back(std::move(e));
        if (const ConfigNode* n = pool->get("threads")) {
            if (auto r = n->asInt(1, 256)) {
                out.threads = static_cast<unsigned>(r.value());
            } else {
                errors.push_back(r.error());
            }
        }
    }
    if (const ConfigNode* dog = section(root, "watchdog", errors)) {
        for (auto& e : dog->unknownKeys({"warn_ms"})) errors.push_back(std::move(e));
        if (const ConfigNode* n = dog->get("warn_ms")) {
            if (auto r = n->asInt(0, 3'600'000)) {
                out.warn_ms = static_cast<uint64_t>(r.value());
            } else {
                errors.push_back(r.error());
            }
        }
    }
    return errors;
}

}  // namespace gorgon
