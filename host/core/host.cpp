#include "core/host.hpp"

#include "core/config_check.hpp"
#include "core/open_files.hpp"
#include "log/logger.hpp"
#include "work/watchdog.hpp"

#include <algorithm>
#include <csignal>
#include <set>

#include <sys/stat.h>
#include <unistd.h>

namespace gorgon {

namespace {

// After the graceful deadline has closed every connection, how long plugins get to finish.
constexpr timeval kFinalGrace{2, 0};

bool isDirectory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Host::Host() {
    connections_.onServerLeft([this](Server& s) { servers_.connectionLeft(s); });
}

Host::~Host() {
    teardown();
}

std::string Host::defaultPluginDirectory() {
    // bin/../lib/gorgon/plugins: true of the build tree and of a /usr or /usr/local install;
    // otherwise the compiled-in path.
    char exe[4096] = {};
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        std::string dir(exe, static_cast<size_t>(n));
        dir = dir.substr(0, dir.rfind('/'));
        std::string beside = dir.substr(0, dir.rfind('/')) + "/lib/gorgon/plugins";
        if (isDirectory(beside)) return beside;
    }
    return GORGON_DEFAULT_PLUGIN_DIR;
}

const ConfigNode* Host::pluginConfig(const std::string& name) const {
    static const std::shared_ptr<const ConfigNode> empty = ConfigNode::emptyMap("");
    const PluginLoadConfig* p = config_.plugin(name);
    return p != nullptr ? p->config : empty.get();
}

Result<void> Host::start(Config config, bool bind) {
    // Before anything slow (probes, plugin inits): a SIGTERM during start-up must be a graceful
    // stop once the loop runs, not death by the signal's default action.
    if (bind) installSignals();
    config_ = std::move(config);
    applyWorkSettings();
    std::string dir =
        config_.plugin_directory.empty() ? defaultPluginDirectory() : config_.plugin_directory;
    plugins_.configure({dir, config_.runtime_directory, config_.drain_timeout_ms,
                        config_.probe && bind, config_.probe_timeout_ms});
    plugins_.discover();
    for (const auto& p : config_.plugins) {
        if (plugins_.current(p.name) != nullptr) continue;  // loaded as another's dependency
        if (config_.watch && bind && plugins_.discovered(p.name) == nullptr &&
            p.name.find('/') == std::string::npos) {
            // With a watched directory, a plugin may arrive after the server has started.
            GLOG(Warn, "%s: plugin %s is not in %s yet; it is loaded when it arrives",
                 p.config->where().c_str(), p.name.c_str(), plugins_.directory().c_str());
            continue;
        }
        auto r = plugins_.load(p.name);
        if (!r) return fail(p.config->where() + ": " + r.error());
    }
    if (bind) checkOpenFiles(config_);
    if (auto r = servers_.apply(config_, bind); !r) return r;
    if (bind) updateWatch();
    return {};
}

void Host::applyWorkSettings() {
    work_.configure(config_.work.threads != 0 ? config_.work.threads : WorkPool::defaultThreads());
    watchdog().setWarnMs(config_.work.warn_ms);
}

void Host::updateWatch() {
    if (!config_.watch) {
        if (watch_) GLOG(Info, "no longer watching %s", watch_->directory().c_str());
        watch_.reset();
        return;
    }
    if (watch_ && watch_->directory() == plugins_.directory()) return;
    auto w = PluginWatch::open(loop_, plugins_.directory(), [this] { pluginFilesChanged(); });
    if (!w) {
        GLOG(Error, "plugins.watch: %s", w.error().c_str());
        watch_.reset();
        return;
    }
    watch_ = std::move(w.value());
}

void Host::pluginFilesChanged() {
    if (stopping_) return;
    GLOG(Info, "plugin directory changed: checking plugins against the configuration");
    // The same rules as SIGHUP with an unchanged file: load what the configuration names and is
    // missing, reload what changed on disk; a file that fails leaves the old one serving.
    if (auto r = applyPlugins(config_, false); !r)
        GLOG(Error, "plugins.watch: %s", r.error().c_str());
    if (auto r = servers_.apply(config_, true); !r)
        GLOG(Error, "plugins.watch: %s", r.error().c_str());
    GLOG(Debug, "plugin directory checked");
}

void Host::installSignals() {
    loop_.onSignal(SIGTERM, [this] { stop(); });
    loop_.onSignal(SIGINT, [this] { stop(); });
    loop_.onSignal(SIGHUP, [this] { (void)reloadConfig(); });
    loop_.onSignal(SIGUSR1, [] {
        if (auto r = Logger::reopen(); !r) GLOG(Error, "%s", r.error().c_str());
        GLOG(Info, "log file reopened");
    });
}

int Host::run() {
    GLOG(Info, "gorgon %s running (pid %d)", GORGON_HOST_VERSION, static_cast<int>(getpid()));
    loop_.run();
    teardown();
    GLOG(Info, "gorgon stopped");
    return exit_code_;
}

void Host::teardown() {
    servers_.stopListening();
    plugins_.finalizeAllNow();
}

void Host::stop() {
    if (stopping_) {
        GLOG(Warn, "second stop signal: stopping now");
        loop_.stop();
        return;
    }
    stopping_ = true;
    GLOG(Info, "shutting down: %zu connections, waiting up to %llu ms", connections_.count(),
         static_cast<unsigned long long>(config_.shutdown_timeout_ms));
    servers_.stopListening();
    plugins_.retireAll([this] { loop_.stop(); });
    stop_deadline_.reset(event_new(
        loop_.base(), -1, 0,
        [](evutil_socket_t, short, void* arg) noexcept {
            auto* self = static_cast<Host*>(arg);
            if (self->connections_.count() != 0) {
                GLOG(Warn, "shutdown deadline passed: closing %zu connections",
                     self->connections_.count());
                for (Generation* g : self->plugins_.generations()) {
                    self->connections_.closeAllOf(*g, GORGON_CLOSE_SHUTDOWN);
                }
            }
            // Last resort: whatever still holds on (service pins) is finalised by teardown().
            self->stop_deadline_.reset(event_new(
                self->loop_.base(), -1, 0,
                [](evutil_socket_t, short, void* a) noexcept {
                    static_cast<Host*>(a)->loop_.stop();
                },
                self));
            if (self->stop_deadline_) event_add(self->stop_deadline_.get(), &kFinalGrace);
        },
        this));
    timeval tv{static_cast<time_t>(config_.shutdown_timeout_ms / 1000),
               static_cast<suseconds_t>((config_.shutdown_timeout_ms % 1000) * 1000)};
    if (stop_deadline_) event_add(stop_deadline_.get(), &tv);
}

Result<void> Host::reloadConfig() {
    if (stopping_) return fail("the server is shutting down");
    GLOG(Info, "re-reading the configuration %s", config_.file.c_str());
    auto refuse = [](const std::string& why) -> Result<void> {
        GLOG(Error, "config reload refused, the running configuration stays: %s", why.c_str());
        return fail("refused, the running configuration stays: " + why);
    };
    auto next = loadConfig(config_.file);
    if (!next) return refuse(next.error());
    // Every setting of every plugin and server is validated before anything live changes, by
    // --check-config in a fresh process: nothing the check loads or initialises touches this one.
    ConfigCheckResult check = checkConfigInChild(config_.file, kConfigCheckTimeoutMs);
    if (!check.ok) {
        while (!check.output.empty() && check.output.back() == '\n') check.output.pop_back();
        return refuse(check.output);
    }
    // What is applied must be what was checked.
    auto checked = loadConfig(config_.file);
    if (!checked || checked->text != next->text) {
        return refuse(config_.file + " changed while it was being checked; reload again");
    }
    // New and changed servers are built and bound before anything live changes, too.
    auto staged = servers_.prepare(next.value(), true);
    if (!staged) return refuse(staged.error());

    std::string errors;
    auto note = [&](const std::string& e) {
        GLOG(Error, "config reload: %s", e.c_str());
        errors += (errors.empty() ? "" : "\n") + e;
    };
    // The level is applied even when unchanged in the file: `log level` lasts until a reload.
    if (next->log_level != Logger::level() || next->log_file != config_.log_file) {
        if (auto r = Logger::configure(next->log_level, next->log_file); !r) note(r.error());
    }
    Config previous = std::move(config_);  // server nodes keep their own tree alive
    config_ = std::move(next.value());
    applyWorkSettings();
    config_.plugin_directory =
        config_.plugin_directory.empty() ? previous.plugin_directory : config_.plugin_directory;
    checkOpenFiles(config_);
    servers_.removeStale(config_);
    // Certificates are re-read on every SIGHUP (renewed files keep their names): new
    // handshakes use the new ones, connections keep theirs.
    if (auto r = servers_.refreshTls(config_); !r) note(r.error());
    if (auto r = applyPlugins(config_, true); !r) note(r.error());
    // Changed servers switch now: new connections get the new settings, the others finish on
    // theirs.
    if (auto r = servers_.activate(staged.value()); !r) note(r.error());
    updateWatch();
    GLOG(Info, "configuration reloaded from %s", config_.file.c_str());
    if (!errors.empty()) return fail("applied with errors:\n" + errors);
    return {};
}

void Host::requestShutdown(bool graceful) {
    loop_.defer([this, graceful] {
        stop();
        if (!graceful) stop();  // the second stop does not wait
    });
}

Result<void> Host::applyPlugins(const Config& next, bool prune) {
    plugins_.discover();
    // What the new configuration needs: named plugins, protocol providers, their dependencies.
    std::set<std::string> needed;
    for (const auto& p : next.plugins) needed.insert(p.name);
    for (const auto& s : next.servers) {
        if (Generation* g = plugins_.protocolOwner(s.protocol)) {
            needed.insert(g->name());
        } else if (const auto* d = plugins_.discoveredProviding("protocol:" + s.protocol)) {
            needed.insert(d->name);
        }
    }
    // Closed over dependencies and over services acquired: an extension loaded on demand by
    // service_acquire is needed as long as what acquired it is.
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& name : std::vector<std::string>(needed.begin(), needed.end())) {
            Generation* g = plugins_.current(name);
            if (g == nullptr) continue;
            for (const auto& a : g->acquired) {
                if (needed.insert(a.provider->name()).second) grew = true;
            }
            for (const auto& dep : g->info().depends) {
                for (const auto& other : plugins_.loadedNames()) {
                    Generation* o = plugins_.current(other);
                    if (o != nullptr && o->provides(dep) && needed.insert(other).second) {
                        grew = true;
                    }
                }
            }
        }
    }
    std::string errors;
    auto note = [&](const std::string& e) { errors += (errors.empty() ? "" : "; ") + e; };
    // Unload what is no longer needed; dependents first, so try until nothing changes.
    for (bool changed = prune; changed;) {
        changed = false;
        for (const auto& name : plugins_.loadedNames()) {
            if (needed.count(name) != 0) continue;
            if (plugins_.unload(name)) {
                GLOG(Info, "plugin %s unloaded: no longer in the configuration", name.c_str());
                changed = true;
            }
        }
    }
    // Reload what changed on disk or in its configuration.
    for (const auto& name : plugins_.loadedNames()) {
        Generation* g = plugins_.current(name);
        const auto* d = plugins_.discovered(name);
        bool file_changed = d != nullptr && d->sha256 != g->object().sha256();
        bool config_changed = pluginConfig(name)->canonical() != g->config_canonical;
        if (!file_changed && !config_changed) continue;
        auto r = plugins_.reload(name, d != nullptr ? d->path : "");
        if (!r)
            note("reload of plugin " + name +
                 " failed, the old generation keeps serving: " + r.error());
    }
    for (const auto& p : next.plugins) {
        if (plugins_.current(p.name) != nullptr) continue;
        if (auto r = plugins_.load(p.name); !r) note(r.error());
    }
    if (!errors.empty()) return fail(errors);
    return {};
}

}  // namespace gorgon
