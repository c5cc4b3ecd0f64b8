#include "fuzz_config_api.hpp"

#include "config/config_node.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace gorgon::fuzz {

namespace {

const ConfigNode* node(const gorgon_config* c) {
    return static_cast<const ConfigNode*>(c);
}

// The opaque handle is the Reported itself. (Not a definition of gorgon_plugin: the unit tests
// link this file beside the host's own.)
void report(gorgon_plugin* self, const std::string& line) {
    Reported& out = *reinterpret_cast<Reported*>(self);
    out.errors += line;
    out.errors += '\n';
    out.count++;
}

void logLine(gorgon_plugin*, gorgon_log_level, const char*, size_t) noexcept {}

int logEnabled(gorgon_plugin*, gorgon_log_level) noexcept {
    return 0;
}

void setError(gorgon_plugin* self, const char* msg, size_t len) noexcept {
    report(self, std::string(msg, len));
}

gorgon_config_type type(const gorgon_config* c) noexcept {
    if (c == nullptr) return GORGON_CONFIG_MISSING;
    switch (node(c)->type()) {
        case ConfigNode::Type::Null:
            return GORGON_CONFIG_NULL;
        case ConfigNode::Type::Scalar:
            return GORGON_CONFIG_SCALAR;
        case ConfigNode::Type::Sequence:
            return GORGON_CONFIG_SEQUENCE;
        case ConfigNode::Type::Map:
            return GORGON_CONFIG_MAP;
    }
    return GORGON_CONFIG_MISSING;
}

const gorgon_config* get(const gorgon_config* c, const char* key) noexcept {
    return c == nullptr || key == nullptr ? nullptr : node(c)->get(key);
}

size_t size(const gorgon_config* c) noexcept {
    return c == nullptr || node(c)->isScalar() ? 0 : node(c)->size();
}

const gorgon_config* at(const gorgon_config* c, size_t i) noexcept {
    return c == nullptr ? nullptr : node(c)->at(i);
}

const char* keyAt(const gorgon_config* c, size_t i) noexcept {
    const std::string* k = c == nullptr ? nullptr : node(c)->keyAt(i);
    return k == nullptr ? nullptr : k->c_str();
}

gorgon_status string(const gorgon_config* c, const char** out, size_t* len) noexcept {
    if (c == nullptr || !node(c)->isScalar()) return GORGON_E_INVAL;
    *out = node(c)->scalar().c_str();
    *len = node(c)->scalar().size();
    return GORGON_OK;
}

template <class T, class R>
gorgon_status typed(const gorgon_config* c, T* out, R (ConfigNode::*read)() const) noexcept {
    if (c == nullptr) return GORGON_E_INVAL;
    auto r = (node(c)->*read)();
    if (!r) return GORGON_E_INVAL;
    *out = static_cast<T>(r.value());
    return GORGON_OK;
}

gorgon_status integer(const gorgon_config* c, int64_t* out) noexcept {
    if (c == nullptr) return GORGON_E_INVAL;
    auto r = node(c)->asInt(INT64_MIN, INT64_MAX);
    if (!r) return GORGON_E_INVAL;
    *out = r.value();
    return GORGON_OK;
}

gorgon_status boolean(const gorgon_config* c, int* out) noexcept {
    return typed(c, out, &ConfigNode::asBool);
}

gorgon_status duration(const gorgon_config* c, uint64_t* out) noexcept {
    return typed(c, out, &ConfigNode::asDurationMs);
}

gorgon_status sizeBytes(const gorgon_config* c, uint64_t* out) noexcept {
    return typed(c, out, &ConfigNode::asSizeBytes);
}

void configError(gorgon_plugin* self, const gorgon_config* c, const char* msg,
                 size_t len) noexcept {
    const std::string m(msg, len);
    report(self, c == nullptr ? m : node(c)->error(m).message);
}

gorgon_status checkKeys(gorgon_plugin* self, const gorgon_config* c,
                        const char* const* allowed) noexcept {
    if (c == nullptr || !node(c)->isMap()) return GORGON_E_INVAL;
    std::vector<std::string_view> keys;
    for (size_t i = 0; allowed != nullptr && allowed[i] != nullptr; ++i)
        keys.emplace_back(allowed[i]);
    const auto unknown = node(c)->unknownKeys(keys);
    for (const auto& line : unknown) report(self, line);
    return unknown.empty() ? GORGON_OK : GORGON_E_INVAL;
}

gorgon_status servicePublish(gorgon_plugin*, const char*, const void*) noexcept {
    return GORGON_OK;
}

size_t where(const gorgon_config* c, char* buf, size_t cap) noexcept {
    const std::string w = c == nullptr ? std::string("<config>") : node(c)->where();
    if (buf != nullptr && cap != 0) {
        const size_t n = std::min(cap - 1, w.size());
        std::memcpy(buf, w.data(), n);
        buf[n] = '\0';
    }
    return w.size();
}

gorgon_host_api makeApi() noexcept {
    gorgon_host_api api{};
    api.struct_size = sizeof api;
    api.abi_major = GORGON_ABI_MAJOR;
    api.abi_minor = GORGON_ABI_MINOR;
    api.host_version = "fuzz";
    api.log = &logLine;
    api.log_enabled = &logEnabled;
    api.set_error = &setError;
    api.config_type = &type;
    api.config_get = &get;
    api.config_size = &size;
    api.config_at = &at;
    api.config_key_at = &keyAt;
    api.config_string = &string;
    api.config_int = &integer;
    api.config_bool = &boolean;
    api.config_duration_ms = &duration;
    api.config_size_bytes = &sizeBytes;
    api.config_error = &configError;
    api.config_check_keys = &checkKeys;
    api.service_publish = &servicePublish;
    api.config_where = &where;
    return api;
}

const gorgon_host_api kApi = makeApi();

}  // namespace

const gorgon_host_api* configApi() noexcept {
    return &kApi;
}

gorgon_plugin* reporter(Reported& out) noexcept {
    return reinterpret_cast<gorgon_plugin*>(&out);
}

}  // namespace gorgon::fuzz
