// The plugin object: one per loaded generation. It registers the "monitor" protocol, owns every
// session (so none outlives the code or the callbacks that point at it) and keeps the counters.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace gorgon::monitor {

class MonitorServer;
class Session;

// The descriptor's name: also how the monitor finds its own generations in plugin_list.
inline constexpr const char* kPluginName = "monitor";

// The monitor's own counters, as the host's stats show them (`stats`).
enum class Counter { Commands, Denied, LoginsOk, LoginsFailed, Lockouts, Refused };

class MonitorPlugin {
  public:
    MonitorPlugin(Host host, const Config& config);
    ~MonitorPlugin();
    MonitorPlugin(const MonitorPlugin&) = delete;
    MonitorPlugin& operator=(const MonitorPlugin&) = delete;
    MonitorPlugin(MonitorPlugin&&) = delete;
    MonitorPlugin& operator=(MonitorPlugin&&) = delete;

    // This generation is retired (a reload or unload of the monitor, perhaps by one of its own
    // commands): every session says so once its current reply is out, then closes.
    void drain();

    [[nodiscard]] Host host() const noexcept { return host_; }

    void addServer(MonitorServer& server);
    void removeServer(const MonitorServer& server) noexcept;

    // Builds the session for `conn` and binds it. Returns null, with `status` set, if the host
    // refused.
    Session* createSession(MonitorServer& server, gorgon_conn_id conn, gorgon_status& status);
    // Frees the session of `conn`. Called last thing from that session's onClose.
    void destroySession(gorgon_conn_id conn) noexcept;

    void count(Counter counter) const noexcept;

  private:
    Host host_;
    std::vector<gorgon_stat_id> counters_;
    std::vector<MonitorServer*> servers_;  // not owned: the host owns them
    std::unordered_map<gorgon_conn_id, std::unique_ptr<Session>> sessions_;
    // Last, so the protocol is registered only once everything it can reach exists.
    ProtocolRegistration<MonitorServer, MonitorPlugin> protocol_;
};

}  // namespace gorgon::monitor
