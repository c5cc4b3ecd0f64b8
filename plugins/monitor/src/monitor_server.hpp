// One configured monitor server: its settings (access list, secret, limits), the failed-login
// bookkeeping for its TCP listeners, and its sessions. The host builds one per server and per
// plugin generation.
#pragma once

#include "monitor_acl.hpp"
#include "monitor_config.hpp"
#include "monitor_lockout.hpp"

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>

namespace gorgon::monitor {

class MonitorPlugin;
class Session;

class MonitorServer {
  public:
    MonitorServer(MonitorPlugin& owner, Host host, const gorgon_server_info& info,
                  const Config& config);
    ~MonitorServer();
    MonitorServer(const MonitorServer&) = delete;
    MonitorServer& operator=(const MonitorServer&) = delete;
    MonitorServer(MonitorServer&&) = delete;
    MonitorServer& operator=(MonitorServer&&) = delete;

    gorgon_status accept(gorgon_conn_id id);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const MonitorConfig& config() const noexcept { return config_; }
    [[nodiscard]] MonitorPlugin* owner() const noexcept { return owner_; }
    [[nodiscard]] LockoutTable& lockout() noexcept { return lockout_; }
    [[nodiscard]] bool tcpEnabled() const noexcept { return !config_.secret.empty(); }
    // True the first time only: a plaintext TCP connection on a non-loopback address is warned
    // about once per server (the plugin cannot see the server's `tls:` block, only connections).
    [[nodiscard]] bool firstPlaintextWarning() noexcept {
        return !std::exchange(warned_plaintext_, true);
    }

    // What a Unix-socket caller may do: the access list, or root and the user gorgon runs as.
    [[nodiscard]] PermissionSet unixPermissions(std::uint32_t uid, std::uint32_t gid) const;
    // "1000(alice)" or "1000" for audit lines.
    [[nodiscard]] std::string userLabel(std::uint32_t uid) const;

    // The plugin object is going away before this server: stop calling it.
    void ownerGone() noexcept { owner_ = nullptr; }
    // The session is about to be freed.
    void detach(Session& session) noexcept { sessions_.erase(&session); }

  private:
    void checkListeners(const Config& config) const;

    MonitorPlugin* owner_;
    Host host_;
    gorgon_server_id id_;
    std::string name_;
    MonitorConfig config_;
    LockoutTable lockout_;
    bool warned_plaintext_ = false;
    std::unordered_set<Session*> sessions_;
};

// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 addresses written as the host writes them
// ("127.0.0.1:8023", "[::1]:8023").
[[nodiscard]] bool isLoopbackAddress(std::string_view address) noexcept;

}  // namespace gorgon::monitor
