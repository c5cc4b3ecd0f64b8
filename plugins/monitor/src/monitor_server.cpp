#include "monitor_server.hpp"

#include "monitor_format.hpp"
#include "monitor_plugin.hpp"
#include "monitor_secret.hpp"
#include "monitor_session.hpp"
#include "monitor_text.hpp"

#include <gorgon/status.hpp>

#include <unistd.h>

namespace gorgon::monitor {

bool isLoopbackAddress(std::string_view address) noexcept {
    return address.starts_with("127.") || address.starts_with("[::1]:") ||
           address.starts_with("[::ffff:127.");
}

MonitorServer::MonitorServer(MonitorPlugin& owner, Host host, const gorgon_server_info& info,
                             const Config& config)
    : owner_(&owner),
      host_(host),
      id_(info.id),
      name_(info.name != nullptr ? info.name : ""),
      config_(parseMonitorConfig(host, config)),
      lockout_(config_.lockout) {
    checkListeners(config);
    owner.addServer(*this);
}

MonitorServer::~MonitorServer() {
    wipeSecret(config_.secret);
    // Sessions outlive their server (the plugin owns them); each is told so and closes.
    const std::unordered_set<Session*> sessions = std::move(sessions_);
    sessions_.clear();
    for (Session* s : sessions) s->serverGone();
    if (owner_ != nullptr) owner_->removeServer(*this);
}

void MonitorServer::checkListeners(const Config& config) const {
    // The addresses are known only once bound; `gorgon --check-config` binds nothing, so there
    // the list is empty and a TCP connection without a secret is refused when it arrives.
    gorgon_status status = GORGON_OK;
    const auto servers = status::listServers(host_, status);
    if (!servers) return;
    for (const status::Server& s : *servers) {
        if (s.id != id_) continue;
        for (const std::string& address : splitList(s.listen)) {
            if (address.starts_with("unix:")) continue;
            if (!tcpEnabled()) {
                config.fail("server " + name_ + " listens on TCP address " + address +
                            " but has no secret_file: a TCP monitor needs one for its logins");
            }
            // The server's `tls:` block is not visible here (only on each connection): with
            // require_tls nothing can cross in plaintext; otherwise say what the risk is, and the
            // first plaintext connection on such an address is warned about again.
            if (!isLoopbackAddress(address) && !config_.require_tls) {
                host_.warn("monitor server " + name_ + " listens on " + address +
                           ", which is not a loopback address: unless the server has a tls: "
                           "block, commands and replies cross the network unencrypted (logins "
                           "are challenge-response; require_tls: true refuses plaintext)");
            }
        }
    }
}

PermissionSet MonitorServer::unixPermissions(std::uint32_t uid, std::uint32_t gid) const {
    if (config_.access) return config_.access->granted(uid, gid);
    return Acl::defaults(static_cast<std::uint32_t>(::geteuid())).granted(uid, gid);
}

std::string MonitorServer::userLabel(std::uint32_t uid) const {
    auto it = config_.user_names.find(uid);
    return it == config_.user_names.end() ? std::to_string(uid)
                                          : std::to_string(uid) + "(" + sanitize(it->second) + ")";
}

gorgon_status MonitorServer::accept(gorgon_conn_id id) {
    if (owner_ == nullptr) return GORGON_E_STALE;
    gorgon_status status = GORGON_OK;
    Session* session = owner_->createSession(*this, id, status);
    if (session == nullptr) return status;
    const bool full = sessions_.size() >= config_.max_clients;
    sessions_.insert(session);
    if (full) {
        session->refuse(kUnavailable, "too many clients (max_clients " +
                                          std::to_string(config_.max_clients) +
                                          "); try again later");
        return GORGON_OK;
    }
    session->start();
    return GORGON_OK;
}

}  // namespace gorgon::monitor
