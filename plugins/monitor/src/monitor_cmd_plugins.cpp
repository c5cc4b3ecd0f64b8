// Plugin management: load, unload, reload. Each checks its argument and the current state first,
// so the common mistakes get a precise code (404 not loaded, 409 already loaded), then asks the
// host, whose message explains any refusal.
#include "monitor_commands.hpp"
#include "monitor_json.hpp"
#include "monitor_text.hpp"

#include <gorgon/status.hpp>

#include <array>

namespace gorgon::monitor {

namespace {

constexpr std::size_t kErrorCap = 2048;

bool isPath(std::string_view s) noexcept {
    return s.find('/') != std::string_view::npos;
}

// The newest generation of `name` that is active, or null.
const status::Generation* activeGeneration(const std::vector<status::Generation>& gens,
                                           std::string_view name) {
    const status::Generation* out = nullptr;
    for (const status::Generation& g : gens) {
        if (g.name == name && g.state == "active" &&
            (out == nullptr || g.generation > out->generation)) {
            out = &g;
        }
    }
    return out;
}

bool listed(const std::vector<status::Generation>& gens, const status::Generation& g) {
    for (const status::Generation& o : gens) {
        if (o.name == g.name && o.generation == g.generation) return true;
    }
    return false;
}

int codeFor(gorgon_status status) noexcept {
    switch (status) {
        case GORGON_E_NOTFOUND:
            return kNotFound;
        case GORGON_E_BUSY:
        case GORGON_E_EXISTS:
            return kConflict;
        case GORGON_E_PERM:
            return kForbidden;
        default:
            return kFailed;
    }
}

// What the host wrote into err, or its status when it wrote nothing.
std::string hostMessage(const std::array<char, kErrorCap>& err, gorgon_status status) {
    std::string_view text(err.data());
    return text.empty() ? "host status " + std::to_string(status) : sanitize(text);
}

void describe(JsonWriter& w, const status::Generation& g) {
    w.beginObject()
        .field("name", g.name)
        .field("version", g.version)
        .field("generation", g.generation)
        .field("state", g.state)
        .field("file", g.file)
        .field("sha256", g.sha256)
        .field("connections", g.connections)
        .endObject();
}

std::string draining(const status::Generation& g) {
    return "generation " + std::to_string(g.generation) +
           (g.connections == 0 ? " holds no connections and is unloaded"
                               : " drains its " + std::to_string(g.connections) +
                                     (g.connections == 1 ? " connection" : " connections"));
}

}  // namespace

Reply cmdLoad(const Request& r) {
    const std::string& what = r.args[0];
    if (!isPluginName(what) && !isPath(what)) {
        return failure(kBadRequest,
                       "expected a plugin name (a-z, 0-9, - and _) or a path containing /, not " +
                           quoteForLog(what, 64),
                       r.json);
    }
    gorgon_status status = GORGON_OK;
    const auto before = status::listPlugins(r.host, status);
    if (!before) return hostFailure(r, "listing the plugins", status);
    if (!isPath(what)) {
        if (const status::Generation* g = activeGeneration(*before, what)) {
            return failure(kConflict,
                           "plugin " + what + " is already loaded (generation " +
                               std::to_string(g->generation) + "); use \"reload " + what + "\"",
                           r.json);
        }
    }
    std::array<char, kErrorCap> err{};
    status = r.host.api()->plugin_load(r.host.self(), what.c_str(), err.data(), err.size());
    err.back() = '\0';
    if (status != GORGON_OK) {
        return failure(codeFor(status), "cannot load " + what + ": " + hostMessage(err, status),
                       r.json);
    }
    const auto after = status::listPlugins(r.host, status);
    if (!after) return hostFailure(r, "listing the plugins", status);
    std::vector<const status::Generation*> added;
    for (const status::Generation& g : *after) {
        if (!listed(*before, g)) added.push_back(&g);
    }
    std::string text = "loaded " + what;
    std::string body;
    JsonWriter w;
    w.beginObject().key("loaded").beginArray();
    for (const status::Generation* g : added) {
        describe(w, *g);
        body += "loaded " + sanitize(g->name) + " " + sanitize(g->version) + " as generation " +
                std::to_string(g->generation) + " (" + sanitize(g->file) + ")\n";
        if (g == added.front()) {
            text = "loaded " + g->name + " generation " + std::to_string(g->generation);
        }
    }
    w.endArray().endObject();
    if (added.empty()) body = "loaded " + sanitize(what) + "\n";
    return success(text, r.json ? w.take() + "\n" : body);
}

Reply cmdUnload(const Request& r) {
    const std::string& name = r.args[0];
    if (!isPluginName(name)) {
        return failure(kBadRequest, "expected a plugin name, not " + quoteForLog(name, 64), r.json);
    }
    gorgon_status status = GORGON_OK;
    const auto before = status::listPlugins(r.host, status);
    if (!before) return hostFailure(r, "listing the plugins", status);
    const status::Generation* old = activeGeneration(*before, name);
    if (old == nullptr) {
        return failure(kNotFound, "plugin " + name + " is not loaded", r.json);
    }
    std::array<char, kErrorCap> err{};
    status = r.host.api()->plugin_unload(r.host.self(), name.c_str(), err.data(), err.size());
    err.back() = '\0';
    if (status != GORGON_OK) {
        return failure(codeFor(status), "cannot unload " + name + ": " + hostMessage(err, status),
                       r.json);
    }
    std::string text = "unloaded " + name + " generation " + std::to_string(old->generation);
    if (r.json) {
        JsonWriter w;
        w.beginObject().key("unloaded");
        describe(w, *old);
        w.endObject();
        return success(text, w.take() + "\n");
    }
    return success(text, "unloaded " + sanitize(name) + ": " + draining(*old) + "\n");
}

Reply cmdReload(const Request& r) {
    const std::string& name = r.args[0];
    const std::string path = r.args.size() > 1 ? r.args[1] : std::string();
    if (!isPluginName(name)) {
        return failure(kBadRequest, "expected a plugin name, not " + quoteForLog(name, 64), r.json);
    }
    gorgon_status status = GORGON_OK;
    const auto before = status::listPlugins(r.host, status);
    if (!before) return hostFailure(r, "listing the plugins", status);
    const status::Generation* found = activeGeneration(*before, name);
    if (found == nullptr) {
        return failure(kNotFound, "plugin " + name + " is not loaded; use \"load " + name + "\"",
                       r.json);
    }
    const status::Generation old = *found;
    std::array<char, kErrorCap> err{};
    status = r.host.api()->plugin_reload(
        r.host.self(), name.c_str(), path.empty() ? nullptr : path.c_str(), err.data(), err.size());
    err.back() = '\0';
    if (status != GORGON_OK) {
        return failure(codeFor(status),
                       "reload of " + name + " failed, generation " +
                           std::to_string(old.generation) +
                           " keeps serving: " + hostMessage(err, status),
                       r.json);
    }
    const auto after = status::listPlugins(r.host, status);
    if (!after) return hostFailure(r, "listing the plugins", status);
    const status::Generation* current = activeGeneration(*after, name);
    const status::Generation* previous = &old;
    for (const status::Generation& g : *after) {
        if (g.name == name && g.generation == old.generation) previous = &g;
    }
    const std::uint64_t generation = current != nullptr ? current->generation : 0;
    std::string text = "reloaded " + name + " generation " + std::to_string(generation);
    if (r.json) {
        JsonWriter w;
        w.beginObject().key("reloaded");
        if (current != nullptr) {
            describe(w, *current);
        } else {
            w.null();
        }
        w.key("previous");
        describe(w, *previous);
        w.endObject();
        return success(text, w.take() + "\n");
    }
    std::string body = "reloaded " + sanitize(name);
    if (current != nullptr) {
        body += ": generation " + std::to_string(current->generation) + " (" +
                sanitize(current->version) + ", sha256 " + current->sha256.substr(0, 12) +
                ") is active; ";
    } else {
        body += "; ";
    }
    body += draining(*previous) + "\n";
    return success(text, body);
}

}  // namespace gorgon::monitor
