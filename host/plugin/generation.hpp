// One load of one plugin. Everything the plugin registers with the host is recorded here, so
// retiring a generation is a sweep of this record, not a hope.
#pragma once

#include "loop/event_loop.hpp"
#include "plugin/plugin_object.hpp"

#include <gorgon/plugin.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

// The opaque ABI types are, on the host side, bases of our own objects, so the host converts
// them with static_cast and never with reinterpret_cast.
struct gorgon_plugin {};

namespace gorgon {

class Host;

struct ProtocolRegistration {
    gorgon_protocol hooks{};  // zero-filled past what the plugin's version knows
    void* user = nullptr;
    gorgon_server_goodbye_fn goodbye = nullptr;  // protocol_goodbye (ABI 1.3)
};

class Generation : public gorgon_plugin {
  public:
    enum class State { Loading, Active, Draining, Finalizing };

    Generation(Host& host, PluginObject object, uint64_t number)
        : host_(host), object_(std::move(object)), number_(number) {}

    [[nodiscard]] Host& host() const noexcept { return host_; }
    [[nodiscard]] const DescriptorInfo& info() const noexcept { return object_.info(); }
    [[nodiscard]] const gorgon_plugin_descriptor& hooks() const noexcept {
        return object_.info().hooks;
    }
    [[nodiscard]] const std::string& name() const noexcept { return object_.info().name; }
    [[nodiscard]] const PluginObject& object() const noexcept { return object_; }
    PluginObject& object() noexcept { return object_; }
    [[nodiscard]] uint64_t number() const noexcept { return number_; }
    [[nodiscard]] bool provides(std::string_view what) const {
        for (const auto& p : info().provides) {
            if (p == what) return true;
        }
        return false;
    }
    // Everything that keeps the generation from being finalised.
    [[nodiscard]] uint64_t references() const noexcept {
        return connections.size() + pinned_by + work_pending;
    }

    uint64_t serial = 0;  // unique across all generations of all plugins
    State state = State::Loading;
    bool finalize_scheduled = false;
    void* plugin_state = nullptr;  // what init() returned
    std::string last_error;        // set_error / config_error, for the failing hook's message
    std::string config_canonical;  // the plugin's config subtree when it was initialised

    std::map<std::string, ProtocolRegistration> protocols;
    struct ServerState {
        std::string protocol;
        void* state = nullptr;  // from server_open
    };
    std::map<uint64_t, ServerState> server_states;  // by server id
    std::set<gorgon_conn_id> connections;
    std::set<gorgon_timer_id> timers;
    std::set<gorgon_listener_id> listeners;  // listen_open
    int64_t loaded_ms = 0;
    uint64_t requests_inflight = 0;
    uint64_t requests_total = 0;
    std::vector<std::string> published;  // service names
    struct Acquired {
        Generation* provider;
        const void* iface;
    };
    std::vector<Acquired> acquired;
    uint64_t pinned_by = 0;
    uint64_t work_pending = 0;  // work_submit jobs whose completion has not run yet
    std::map<std::string, int64_t> counters;
    std::vector<std::string> counter_names;  // stat id - 1 -> name
    EventPtr drain_timer;

  private:
    Host& host_;
    PluginObject object_;
    uint64_t number_;
};

}  // namespace gorgon
