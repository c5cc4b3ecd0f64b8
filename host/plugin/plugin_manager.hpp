// Discovery, load, reload, unload and retirement of plugin generations, and the service
// registry through which plugins find each other.
#pragma once

#include "config/config_node.hpp"
#include "plugin/generation.hpp"
#include "util/result.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gorgon {

class Host;

class PluginManager {
  public:
    struct Discovered {
        std::string path;
        std::string sha256;
        std::string name;
        std::string version;
        std::vector<std::string> provides;
        std::vector<std::string> depends;
    };

    explicit PluginManager(Host& host) : host_(host) {}
    PluginManager(const PluginManager&) = delete;
    PluginManager& operator=(const PluginManager&) = delete;
    ~PluginManager();

    struct Settings {
        std::string directory;
        std::string runtime_directory;
        uint64_t drain_ms = 30'000;
        bool probe = true;  // init each new plugin in a forked child first
        uint64_t probe_timeout_ms = 10'000;
    };
    void configure(Settings settings);
    [[nodiscard]] const std::string& directory() const noexcept { return directory_; }

    // Reads every *.so in the plugin directory: checks, descriptor, name. Refusals are logged.
    void discover();
    [[nodiscard]] const Discovered* discovered(const std::string& name) const;
    [[nodiscard]] const Discovered* discoveredProviding(const std::string& what) const;

    // Loads by name (from the plugin directory) or by path (contains '/').
    Result<Generation*> load(const std::string& name_or_path);
    // Builds a new generation beside the current one; the old one drains. All or nothing.
    Result<Generation*> reload(const std::string& name, const std::string& path);
    Result<void> unload(const std::string& name);
    // Makes sure something provides `what` ("protocol:chat"), loading a discovered plugin.
    Result<Generation*> ensureProvider(const std::string& what);

    [[nodiscard]] Generation* current(const std::string& name) const;
    [[nodiscard]] Generation* protocolOwner(const std::string& protocol) const;
    [[nodiscard]] std::vector<Generation*> generations() const;
    [[nodiscard]] std::vector<std::string> loadedNames() const;

    // A connection or a service pin of `gen` went away; finalises a drained generation.
    void referenceDropped(Generation& gen);

    gorgon_status publish(Generation& gen, const std::string& name, const void* iface);
    gorgon_status acquire(Generation& gen, const std::string& name, const void** iface);
    gorgon_status release(Generation& gen, const void* iface);
    // The newest generation's interface for `name`, not pinned; nullptr if none.
    [[nodiscard]] const void* currentService(const std::string& name) const;
    // Whether another plugin already holds protocol `name`.
    [[nodiscard]] bool protocolTaken(const Generation& gen, const std::string& name) const;

    // Retires everything; `done` runs once the last generation is gone.
    void retireAll(std::function<void()> done);
    // Finalises every generation now, references or not (last resort, and --check-config).
    void finalizeAllNow();
    [[nodiscard]] bool empty() const noexcept { return gens_.empty(); }
    // Counter totals of generations already finalised, by plugin name and counter name.
    using CounterTotals = std::map<std::string, std::map<std::string, int64_t>>;
    [[nodiscard]] const CounterTotals& retiredCounters() const noexcept {
        return retired_counters_;
    }

  private:
    // Opens a plugin file, refusing one that is quarantined.
    Result<PluginObject> openChecked(const std::string& path);
    // The fork probe, quarantining what crashes in it.
    Result<void> probe(PluginObject& object);
    void loadQuarantine();
    Result<void> checkDependencies(const DescriptorInfo& info, int depth);
    Result<std::unique_ptr<Generation>> instantiate(PluginObject object);
    void abandon(std::unique_ptr<Generation> gen, bool initialised);
    void sweep(Generation& gen);
    void retire(Generation& gen);
    void finalize(uint64_t serial);
    [[nodiscard]] Generation* bySerial(uint64_t serial) const;
    Result<Generation*> loadWithDepth(const std::string& name_or_path, int depth);

    Host& host_;
    std::string directory_;
    std::string runtime_directory_;
    uint64_t drain_ms_ = 30'000;
    bool probe_ = true;
    uint64_t probe_timeout_ms_ = 10'000;
    std::map<std::string, std::string> quarantine_;  // sha256 -> why

    std::vector<std::unique_ptr<Generation>> gens_;
    std::map<std::string, Generation*> current_;
    std::map<std::string, uint64_t> numbers_;
    uint64_t next_serial_ = 1;
    std::map<std::string, Discovered> discovered_;
    std::map<std::string, std::string> refused_;  // file name without .so -> why it was refused
    struct Service {
        std::string name;
        Generation* provider;
        const void* iface;
    };
    std::vector<Service> services_;
    std::function<void()> all_gone_;
    CounterTotals retired_counters_;
};

}  // namespace gorgon
