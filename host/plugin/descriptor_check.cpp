#include "plugin/descriptor_check.hpp"

#include <algorithm>
#include <cstring>

namespace gorgon {

namespace {

constexpr size_t kMaxListEntries = 64;
constexpr size_t kMaxStringLength = 256;

std::string version(uint32_t major, uint32_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

// Reads a plugin-supplied C string with a bound, so a missing terminator cannot run away.
Result<std::string> boundedString(const char* s, const char* what) {
    if (s == nullptr) return fail(std::string(what) + " is missing");
    size_t n = strnlen(s, kMaxStringLength + 1);
    if (n > kMaxStringLength) {
        return fail(std::string(what) + " is longer than " + std::to_string(kMaxStringLength));
    }
    return std::string(s, n);
}

Result<std::vector<std::string>> stringList(const char* const* list, const char* what) {
    std::vector<std::string> out;
    if (list == nullptr) return out;
    for (size_t i = 0; list[i] != nullptr; ++i) {
        if (i >= kMaxListEntries) {
            return fail(std::string(what) + " has more than " + std::to_string(kMaxListEntries) +
                        " entries");
        }
        auto s = boundedString(list[i], what);
        if (!s) return fail(s.error());
        out.push_back(std::move(s.value()));
    }
    return out;
}

}  // namespace

bool validPluginName(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9'))) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

Result<DescriptorInfo> checkDescriptor(const gorgon_plugin_descriptor* d) {
    if (d == nullptr) return fail("gorgon_plugin_entry() returned NULL");
    // The version fields come right after struct_size; read them only once we know they exist.
    if (d->struct_size < offsetof(gorgon_plugin_descriptor, name)) {
        return fail("descriptor is " + std::to_string(d->struct_size) +
                    " bytes, too short to hold a version (is this a Gorgon plugin?)");
    }
    if (d->abi_major != GORGON_ABI_MAJOR || d->abi_minor > GORGON_ABI_MINOR) {
        return fail("built for plugin ABI " + version(d->abi_major, d->abi_minor) +
                    "; this host provides " + version(GORGON_ABI_MAJOR, GORGON_ABI_MINOR) +
                    (d->abi_major != GORGON_ABI_MAJOR
                         ? " (the major version must match: rebuild it against GorgonSDK " +
                               std::to_string(GORGON_ABI_MAJOR) + ".x)"
                         : " (rebuild it against this host's SDK, or upgrade the host)"));
    }
    if (d->struct_size < GORGON_DESCRIPTOR_MIN_SIZE) {
        return fail("descriptor is " + std::to_string(d->struct_size) + " bytes; ABI " +
                    version(d->abi_major, d->abi_minor) + " needs at least " +
                    std::to_string(GORGON_DESCRIPTOR_MIN_SIZE));
    }
    DescriptorInfo info;
    // Copy only what the plugin's version of the struct holds; newer members stay zero (NULL).
    std::memcpy(&info.hooks, d, std::min<size_t>(d->struct_size, sizeof info.hooks));
    info.hooks.struct_size = sizeof info.hooks;
    info.abi_major = d->abi_major;
    info.abi_minor = d->abi_minor;

    auto name = boundedString(d->name, "name");
    if (!name) return fail(name.error());
    if (!validPluginName(name.value())) {
        return fail("name \"" + name.value() +
                    "\" is not 1-63 characters of a-z, 0-9, - and _ starting with a letter or "
                    "digit");
    }
    info.name = std::move(name.value());
    auto ver = boundedString(d->version, "version");
    if (!ver) return fail(ver.error());
    info.version = std::move(ver.value());
    if (d->description != nullptr) {
        auto desc = boundedString(d->description, "description");
        if (!desc) return fail(desc.error());
        info.description = std::move(desc.value());
    }
    auto provides = stringList(d->provides, "provides");
    if (!provides) return fail(provides.error());
    info.provides = std::move(provides.value());
    auto depends = stringList(d->depends, "depends");
    if (!depends) return fail(depends.error());
    info.depends = std::move(depends.value());
    if (info.hooks.init == nullptr) return fail("descriptor has no init hook");
    if (info.hooks.shutdown == nullptr) return fail("descriptor has no shutdown hook");
    if ((info.hooks.handoff_export == nullptr) != (info.hooks.handoff_import == nullptr)) {
        return fail("descriptor has only one of handoff_export and handoff_import");
    }
    return info;
}

}  // namespace gorgon
