#include "plugin/plugin_manager.hpp"

#include "core/host.hpp"
#include "log/logger.hpp"
#include "plugin/host_api.hpp"
#include "plugin/probe.hpp"
#include "work/watchdog.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>

#include <dirent.h>

namespace gorgon {

namespace {

constexpr int kMaxDependencyDepth = 16;

std::string statusText(gorgon_status s) {
    switch (s) {
        case GORGON_E_INVAL:
            return "invalid argument or configuration";
        case GORGON_E_NOMEM:
            return "out of memory";
        case GORGON_E_AGAIN:
            return "not ready";
        case GORGON_E_STALE:
            return "stale handle";
        case GORGON_E_UNSUPPORTED:
            return "unsupported";
        case GORGON_E_IO:
            return "I/O error";
        case GORGON_E_PERM:
            return "not permitted";
        case GORGON_E_NOTFOUND:
            return "not found";
        case GORGON_E_EXISTS:
            return "already exists";
        case GORGON_E_BUSY:
            return "busy";
        case GORGON_E_TOOBIG:
            return "too big";
        default:
            return "error " + std::to_string(s);
    }
}

}  // namespace

PluginManager::~PluginManager() {
    finalizeAllNow();
}

void PluginManager::configure(Settings settings) {
    directory_ = std::move(settings.directory);
    runtime_directory_ = std::move(settings.runtime_directory);
    drain_ms_ = settings.drain_ms;
    probe_ = settings.probe;
    probe_timeout_ms_ = settings.probe_timeout_ms;
    loadQuarantine();
}

namespace {

std::string quarantineFile(const std::string& runtime_directory) {
    return runtime_directory + "/quarantine";
}

}  // namespace

void PluginManager::loadQuarantine() {
    quarantine_.clear();
    std::ifstream in(quarantineFile(runtime_directory_));
    for (std::string line; std::getline(in, line);) {
        auto space = line.find(' ');
        if (space == 64) quarantine_[line.substr(0, 64)] = line.substr(65);
    }
}

Result<PluginObject> PluginManager::openChecked(const std::string& path) {
    auto obj = PluginObject::open(path, runtime_directory_);
    if (!obj) return obj;
    auto q = quarantine_.find(obj->sha256());
    if (q != quarantine_.end()) {
        return fail(path + ": quarantined (" + q->second + "); delete the line starting with " +
                    obj->sha256().substr(0, 16) + " from " + quarantineFile(runtime_directory_) +
                    " to try it again");
    }
    return obj;
}

Result<void> PluginManager::probe(PluginObject& object) {
    if (!probe_ || inProbeChild()) return {};
    auto r = probeInChild(host_, object, probe_timeout_ms_);
    if (r) return r;
    // Remember the bytes, not the name: a fixed build gets a new hash and is tried again.
    char when[32] = {};
    time_t now = time(nullptr);
    tm utc{};
    gmtime_r(&now, &utc);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
    std::string why = object.info().name + " " + r.error() + " on " + when;
    quarantine_[object.sha256()] = why;
    std::ofstream out(quarantineFile(runtime_directory_), std::ios::app);
    out << object.sha256() << ' ' << why << '\n';
    return fail(object.file() + ": plugin " + object.info().name + " " + r.error() +
                "; not loaded, and quarantined");
}

void PluginManager::discover() {
    std::map<std::string, Discovered> found;
    std::map<std::string, std::string> refused;
    std::vector<std::string> files;
    if (DIR* d = ::opendir(directory_.c_str())) {
        while (dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n.size() > 3 && n.ends_with(".so") && n[0] != '.') files.push_back(n);
        }
        ::closedir(d);
    } else {
        GLOG(Warn, "plugin directory %s cannot be read", directory_.c_str());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::string path = directory_ + "/" + f;
        // Reuse what we know when the content has not changed since the last scan.
        auto obj = openChecked(path);
        if (!obj) {
            GLOG(Warn, "plugin refused: %s", obj.error().c_str());
            refused[f.substr(0, f.size() - 3)] = obj.error();
            continue;
        }
        const auto& info = obj->info();
        if (found.count(info.name) != 0) {
            GLOG(Warn, "plugin %s: %s also holds a plugin named \"%s\"; using %s", path.c_str(),
                 found[info.name].path.c_str(), info.name.c_str(), found[info.name].path.c_str());
            continue;
        }
        found[info.name] =
            Discovered{path, obj->sha256(), info.name, info.version, info.provides, info.depends};
        if (!obj->close()) {
            GLOG(Warn, "plugin %s stays mapped after dlclose (unique symbols or TLS destructors?)",
                 path.c_str());
        }
    }
    discovered_ = std::move(found);
    refused_ = std::move(refused);
}

const PluginManager::Discovered* PluginManager::discovered(const std::string& name) const {
    auto it = discovered_.find(name);
    return it == discovered_.end() ? nullptr : &it->second;
}

const PluginManager::Discovered* PluginManager::discoveredProviding(const std::string& what) const {
    for (const auto& [name, d] : discovered_) {
        if (std::find(d.provides.begin(), d.provides.end(), what) != d.provides.end()) return &d;
    }
    return nullptr;
}

Generation* PluginManager::current(const std::string& name) const {
    auto it = current_.find(name);
    return it == current_.end() ? nullptr : it->second;
}

Generation* PluginManager::protocolOwner(const std::string& protocol) const {
    for (const auto& [name, gen] : current_) {
        if (gen->protocols.count(protocol) != 0) return gen;
    }
    return nullptr;
}

bool PluginManager::protocolTaken(const Generation& gen, const std::string& name) const {
    Generation* owner = protocolOwner(name);
    return owner != nullptr && owner->name() != gen.name();
}

std::vector<Generation*> PluginManager::generations() const {
    std::vector<Generation*> out;
    for (const auto& g : gens_) out.push_back(g.get());
    return out;
}

std::vector<std::string> PluginManager::loadedNames() const {
    std::vector<std::string> out;
    for (const auto& [name, gen] : current_) out.push_back(name);
    return out;
}

Generation* PluginManager::bySerial(uint64_t serial) const {
    for (const auto& g : gens_) {
        if (g->serial == serial) return g.get();
    }
    return nullptr;
}

Result<Generation*> PluginManager::ensureProvider(const std::string& what) {
    for (const auto& [name, gen] : current_) {
        if (gen->provides(what)) return gen;
    }
    const Discovered* d = discoveredProviding(what);
    if (d == nullptr) {
        discover();
        d = discoveredProviding(what);
    }
    if (d == nullptr) {
        return fail("no plugin in " + directory_ + " provides " + what);
    }
    return load(d->name);
}

Result<void> PluginManager::checkDependencies(const DescriptorInfo& info, int depth) {
    for (const auto& need : info.depends) {
        bool met = false;
        for (const auto& [name, gen] : current_) met = met || gen->provides(need);
        if (met) continue;
        if (std::find(info.provides.begin(), info.provides.end(), need) != info.provides.end()) {
            continue;
        }
        const Discovered* d = discoveredProviding(need);
        if (d == nullptr || depth >= kMaxDependencyDepth) {
            return fail("plugin " + info.name + " depends on " + need +
                        ", which no loaded or discovered plugin provides");
        }
        auto loaded = loadWithDepth(d->name, depth + 1);
        if (!loaded)
            return fail("plugin " + info.name + " depends on " + need + ": " + loaded.error());
    }
    return {};
}

Result<std::unique_ptr<Generation>> PluginManager::instantiate(PluginObject object) {
    std::string name = object.info().name;
    auto gen = std::make_unique<Generation>(host_, std::move(object), numbers_[name] + 1);
    gen->serial = next_serial_++;
    gen->loaded_ms = host_.loop().nowMs();
    const ConfigNode* cfg = host_.pluginConfig(name);
    gen->config_canonical = cfg->canonical();
    gorgon_status s = GORGON_OK;
    {
        WatchScope w(gen.get(), "init");
        s = gen->hooks().init(&hostApi(), gen.get(), asConfig(cfg), &gen->plugin_state);
    }
    if (s != GORGON_OK) {
        std::string why = gen->last_error.empty() ? statusText(s) : gen->last_error;
        std::string file = gen->object().file();
        abandon(std::move(gen), false);
        return fail("plugin " + name + " (" + file + "): init failed: " + why);
    }
    gen->last_error.clear();
    if (auto r = host_.servers().attach(*gen); !r) {
        std::string file = gen->object().file();
        abandon(std::move(gen), true);
        return fail("plugin " + name + " (" + file + "): " + r.error());
    }
    numbers_[name] = gen->number();
    return gen;
}

// Undoes a generation that never became active: nothing has routed work to it yet.
void PluginManager::abandon(std::unique_ptr<Generation> gen, bool initialised) {
    gen->state = Generation::State::Finalizing;
    gen->host().work().finishAllOf(*gen);
    sweep(*gen);
    if (initialised) {
        WatchScope w(gen.get(), "shutdown");
        gen->hooks().shutdown(gen->plugin_state);
    }
    host_.timers().cancelAllOf(*gen);
    if (!gen->object().close()) {
        GLOG(Warn, "plugin %s stays mapped after a failed load", gen->name().c_str());
    }
}

// Removes everything the generation registered, except its own state.
void PluginManager::sweep(Generation& gen) {
    host_.timers().cancelAllOf(gen);
    host_.pluginListeners().closeAllOf(gen);
    host_.servers().detach(gen);
    for (const auto& a : gen.acquired) {
        a.provider->pinned_by--;
        referenceDropped(*a.provider);
    }
    gen.acquired.clear();
    std::erase_if(services_, [&](const Service& s) { return s.provider == &gen; });
    gen.protocols.clear();
}

Result<Generation*> PluginManager::load(const std::string& name_or_path) {
    return loadWithDepth(name_or_path, 0);
}

Result<Generation*> PluginManager::loadWithDepth(const std::string& name_or_path, int depth) {
    std::string path = name_or_path;
    if (name_or_path.find('/') == std::string::npos) {
        const Discovered* d = discovered(name_or_path);
        if (d == nullptr) {
            discover();
            d = discovered(name_or_path);
        }
        if (d == nullptr) {
            // A file of that name that was refused says more than "not found".
            if (auto it = refused_.find(name_or_path); it != refused_.end()) {
                return fail(it->second);
            }
            return fail("no plugin named " + name_or_path + " in " + directory_);
        }
        path = d->path;
    }
    auto obj = openChecked(path);
    if (!obj) return fail(obj.error());
    const std::string name = obj->info().name;
    if (Generation* cur = current(name)) {
        return fail("plugin " + name + " is already loaded (generation " +
                    std::to_string(cur->number()) + "); use reload to replace it");
    }
    if (auto r = checkDependencies(obj->info(), depth); !r) return fail(r.error());
    if (auto r = probe(obj.value()); !r) return fail(r.error());
    auto gen = instantiate(std::move(obj.value()));
    if (!gen) return fail(gen.error());
    Generation* g = gen->get();
    g->state = Generation::State::Active;
    current_[name] = g;
    gens_.push_back(std::move(gen.value()));
    GLOG(Info, "plugin %s %s loaded: generation %llu (%s)", name.c_str(), g->info().version.c_str(),
         static_cast<unsigned long long>(g->number()), g->object().file().c_str());
    return g;
}

Result<Generation*> PluginManager::reload(const std::string& name, const std::string& path) {
    Generation* old = current(name);
    if (old == nullptr) return fail("plugin " + name + " is not loaded");
    std::string file = path.empty() ? old->object().file() : path;
    auto obj = openChecked(file);
    if (!obj) return fail(obj.error());
    if (obj->info().name != name) {
        return fail(file + " holds plugin \"" + obj->info().name + "\", not \"" + name + "\"");
    }
    if (auto r = checkDependencies(obj->info(), 0); !r) return fail(r.error());
    if (auto r = probe(obj.value()); !r) return fail(r.error());
    auto created = instantiate(std::move(obj.value()));
    if (!created) return fail(created.error());
    std::unique_ptr<Generation> gen = std::move(created.value());

    // Hand-off: the old generation describes what it holds; the new one adopts connections.
    const auto& oh = old->hooks();
    const auto& nh = gen->hooks();
    if (oh.handoff_export != nullptr && nh.handoff_import != nullptr) {
        gorgon_buffer buffer;
        gorgon_status s = GORGON_OK;
        {
            WatchScope w(old, "handoff_export");
            s = oh.handoff_export(old->plugin_state, &buffer);
        }
        if (s != GORGON_OK) {
            GLOG(Warn,
                 "plugin %s: generation %llu could not export its state (%s); its "
                 "connections stay with it and drain",
                 name.c_str(), static_cast<unsigned long long>(old->number()),
                 (old->last_error.empty() ? statusText(s) : old->last_error).c_str());
        } else {
            {
                WatchScope w(gen.get(), "handoff_import");
                s = nh.handoff_import(gen->plugin_state, buffer.data.data(), buffer.data.size());
            }
            if (s != GORGON_OK) {
                GLOG(Warn,
                     "plugin %s: generation %llu refused the hand-off (%s); connections "
                     "it did not adopt stay with generation %llu",
                     name.c_str(), static_cast<unsigned long long>(gen->number()),
                     (gen->last_error.empty() ? statusText(s) : gen->last_error).c_str(),
                     static_cast<unsigned long long>(old->number()));
            }
        }
    }
    Generation* g = gen.get();
    g->state = Generation::State::Active;
    current_[name] = g;
    gens_.push_back(std::move(gen));
    GLOG(Info, "plugin %s reloaded: generation %llu (%s %s, sha256 %.16s)", name.c_str(),
         static_cast<unsigned long long>(g->number()), g->info().version.c_str(),
         g->object().file().c_str(), g->object().sha256().c_str());
    retire(*old);
    return g;
}

Result<void> PluginManager::unload(const std::string& name) {
    Generation* gen = current(name);
    if (gen == nullptr) return fail("plugin " + name + " is not loaded");
    for (const auto& [other_name, other] : current_) {
        if (other == gen) continue;
        for (const auto& need : other->info().depends) {
            if (!gen->provides(need)) continue;
            bool elsewhere = false;
            for (const auto& [n, g] : current_)
                elsewhere = elsewhere || (g != gen && g->provides(need));
            if (!elsewhere) {
                return fail("plugin " + name + " is needed by " + other_name + " (depends on " +
                            need + "); unload " + other_name + " first");
            }
        }
    }
    auto users = host_.servers().usersOf(*gen);
    if (!users.empty()) {
        return fail("server " + users.front() + " uses a protocol of plugin " + name +
                    "; remove the server from the configuration first");
    }
    current_.erase(name);
    retire(*gen);
    return {};
}

void PluginManager::retire(Generation& gen) {
    if (gen.state == Generation::State::Draining || gen.state == Generation::State::Finalizing) {
        return;
    }
    gen.state = Generation::State::Draining;
    // Drain from the loop: retire may be reached from inside a plugin's own host call.
    uint64_t serial = gen.serial;
    host_.loop().defer([this, serial] {
        Generation* g = bySerial(serial);
        if (g == nullptr || g->state != Generation::State::Draining) return;
        if (g->hooks().drain != nullptr) {
            WatchScope w(g, "drain");
            g->hooks().drain(g->plugin_state);
        }
        if (g->references() == 0) {
            referenceDropped(*g);
            return;
        }
        g->drain_timer.reset(event_new(
            host_.loop().base(), -1, 0,
            [](evutil_socket_t, short, void* arg) noexcept {
                auto* gg = static_cast<Generation*>(arg);
                GLOG(Warn,
                     "plugin %s generation %llu: drain deadline passed; closing %zu "
                     "connections",
                     gg->name().c_str(), static_cast<unsigned long long>(gg->number()),
                     gg->connections.size());
                gg->host().connections().closeAllOf(*gg, GORGON_CLOSE_SHUTDOWN);
                gg->host().work().cancelQueuedOf(*gg);
            },
            g));
        timeval tv{static_cast<time_t>(drain_ms_ / 1000),
                   static_cast<suseconds_t>((drain_ms_ % 1000) * 1000)};
        if (g->drain_timer) event_add(g->drain_timer.get(), &tv);
    });
}

void PluginManager::referenceDropped(Generation& gen) {
    if (gen.state != Generation::State::Draining || gen.references() != 0 ||
        gen.finalize_scheduled) {
        return;
    }
    gen.finalize_scheduled = true;
    uint64_t serial = gen.serial;
    host_.loop().defer([this, serial] { finalize(serial); });
}

void PluginManager::finalize(uint64_t serial) {
    Generation* gen = bySerial(serial);
    if (gen == nullptr || gen->state == Generation::State::Finalizing) return;
    gen->state = Generation::State::Finalizing;
    gen->drain_timer.reset();
    host_.connections().forgetAllOf(*gen);
    host_.work().finishAllOf(*gen);  // no completion may reach an unloaded plugin
    sweep(*gen);
    {
        WatchScope w(gen, "shutdown");
        gen->hooks().shutdown(gen->plugin_state);
    }
    host_.timers().cancelAllOf(*gen);  // anything started by shutdown itself
    host_.pluginListeners().closeAllOf(*gen);
    host_.producers().sweep(*gen);
    std::string name = gen->name();
    // Counters outlive generations: status reports them since start.
    for (const auto& [counter, value] : gen->counters) retired_counters_[name][counter] += value;
    auto number = static_cast<unsigned long long>(gen->number());
    bool gone = gen->object().close();
    if (gone) {
        GLOG(Info, "plugin %s generation %llu unloaded", name.c_str(), number);
    } else {
        GLOG(Warn,
             "plugin %s generation %llu unloaded but stays mapped (unique symbols, "
             "thread_local destructors or NODELETE); build it with gorgon_add_plugin()",
             name.c_str(), number);
    }
    if (current(name) == gen) current_.erase(name);
    std::erase_if(gens_, [&](const auto& g) { return g.get() == gen; });
    if (gens_.empty() && all_gone_) {
        auto done = std::move(all_gone_);
        all_gone_ = nullptr;
        done();
    }
}

gorgon_status PluginManager::publish(Generation& gen, const std::string& name, const void* iface) {
    if (iface == nullptr || name.empty()) return GORGON_E_INVAL;
    for (const auto& s : services_) {
        if (s.name == name && s.provider->name() != gen.name()) return GORGON_E_EXISTS;
        if (s.name == name && s.provider == &gen) return GORGON_E_EXISTS;
    }
    services_.push_back({name, &gen, iface});
    gen.published.push_back(name);
    return GORGON_OK;
}

gorgon_status PluginManager::acquire(Generation& gen, const std::string& name, const void** iface) {
    if (iface == nullptr) return GORGON_E_INVAL;
    const Service* best = nullptr;
    for (const auto& s : services_) {
        if (s.name != name) continue;
        if (current(s.provider->name()) == s.provider) {
            best = &s;
            break;
        }
        if (best == nullptr || s.provider->number() > best->provider->number()) best = &s;
    }
    if (best == nullptr) {
        // Load the plugin that declares it, once; then look again.
        if (auto loaded = ensureProvider(name); !loaded) {
            GLOG(Warn, "plugin %s asked for service %s: %s", gen.name().c_str(), name.c_str(),
                 loaded.error().c_str());
            return GORGON_E_NOTFOUND;
        }
        for (const auto& s : services_) {
            if (s.name == name && current(s.provider->name()) == s.provider) best = &s;
        }
        if (best == nullptr) return GORGON_E_NOTFOUND;
    }
    best->provider->pinned_by++;
    gen.acquired.push_back({best->provider, best->iface});
    *iface = best->iface;
    return GORGON_OK;
}

const void* PluginManager::currentService(const std::string& name) const {
    for (const auto& s : services_) {
        if (s.name == name && current(s.provider->name()) == s.provider) return s.iface;
    }
    return nullptr;
}

gorgon_status PluginManager::release(Generation& gen, const void* iface) {
    for (auto it = gen.acquired.begin(); it != gen.acquired.end(); ++it) {
        if (it->iface != iface) continue;
        Generation* provider = it->provider;
        gen.acquired.erase(it);
        provider->pinned_by--;
        referenceDropped(*provider);
        return GORGON_OK;
    }
    return GORGON_E_STALE;
}

void PluginManager::retireAll(std::function<void()> done) {
    all_gone_ = std::move(done);
    current_.clear();
    for (auto* g : generations()) retire(*g);
    if (gens_.empty() && all_gone_) {
        auto d = std::move(all_gone_);
        all_gone_ = nullptr;
        d();
    }
}

void PluginManager::finalizeAllNow() {
    // Consumers before the providers they pin: load order does not tell (service_acquire loads
    // providers on demand, after their consumer), the pins do. Finalising a consumer releases
    // its pins. Only a cycle leaves nothing unpinned; then the newest goes first.
    while (!gens_.empty()) {
        Generation* next = gens_.back().get();
        for (auto it = gens_.rbegin(); it != gens_.rend(); ++it) {
            if ((*it)->pinned_by == 0) {
                next = it->get();
                break;
            }
        }
        next->state = Generation::State::Draining;
        next->finalize_scheduled = true;
        finalize(next->serial);
    }
    current_.clear();
}

}  // namespace gorgon
