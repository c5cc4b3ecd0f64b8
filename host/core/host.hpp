// The host: one event loop, the configuration, and the parts that serve it (plugins, servers,
// connections, timers). It knows no protocol; every behaviour comes from plugins.
#pragma once

#include "config/config.hpp"
#include "core/servers.hpp"
#include "loop/event_loop.hpp"
#include "loop/timers.hpp"
#include "net/connections.hpp"
#include "net/plugin_listeners.hpp"
#include "plugin/plugin_manager.hpp"
#include "plugin/plugin_watch.hpp"
#include "util/result.hpp"
#include "work/work_pool.hpp"

#include <memory>
#include <string>

namespace gorgon {

class Host {
  public:
    Host();
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;
    ~Host();

    // Loads the plugins and servers of `config`. With bind = false nothing listens and no
    // signal is handled: that is --check-config, which then calls teardown().
    Result<void> start(Config config, bool bind);
    // Runs the loop until a graceful stop completes. Returns the process exit code.
    int run();
    // Finalises every plugin now.
    void teardown();

    // SIGHUP: re-read the file; refuse it whole if invalid, otherwise apply the differences.
    // The error says what was refused or failed (it is also logged).
    Result<void> reloadConfig();
    // SIGTERM/SIGINT: stop accepting, drain, then stop. A second signal stops at once.
    void stop();
    // The monitor's shutdown: from the loop, after the current callback has returned (and its
    // reply has been written).
    void requestShutdown(bool graceful);

    EventLoop& loop() noexcept { return loop_; }
    Connections& connections() noexcept { return connections_; }
    Producers& producers() noexcept { return producers_; }
    Timers& timers() noexcept { return timers_; }
    WorkPool& work() noexcept { return work_; }
    PluginListeners& pluginListeners() noexcept { return plugin_listeners_; }
    PluginManager& plugins() noexcept { return plugins_; }
    Servers& servers() noexcept { return servers_; }
    [[nodiscard]] const Config& config() const noexcept { return config_; }
    [[nodiscard]] int64_t startedMs() const noexcept { return started_ms_; }
    [[nodiscard]] bool stopping() const noexcept { return stopping_; }
    // The plugin's subtree of plugins.load, or an empty map.
    [[nodiscard]] const ConfigNode* pluginConfig(const std::string& name) const;

    // Where plugins are found when the configuration does not say.
    static std::string defaultPluginDirectory();

  private:
    // Loads what `next` names and is missing, reloads what changed on disk or in its settings,
    // and with `prune` unloads what it no longer needs.
    Result<void> applyPlugins(const Config& next, bool prune);
    void installSignals();
    // work_pool: and watchdog: of config_.
    void applyWorkSettings();
    // plugins.watch: starts, stops or keeps the directory watch to match the configuration.
    void updateWatch();
    // A plugin file was added or replaced: load or reload what the configuration asks for.
    void pluginFilesChanged();

    EventLoop loop_;
    Config config_;
    Producers producers_;
    Connections connections_{loop_, producers_};
    Timers timers_{loop_};
    WorkPool work_{loop_};
    PluginListeners plugin_listeners_{*this};
    Servers servers_{*this};
    PluginManager plugins_{*this};
    bool stopping_ = false;
    int64_t started_ms_ = loop_.nowMs();
    int exit_code_ = 0;
    EventPtr stop_deadline_;
    std::unique_ptr<PluginWatch> watch_;
};

}  // namespace gorgon
