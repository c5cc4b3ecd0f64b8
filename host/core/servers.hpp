// Configured servers: each a name, a protocol and its listeners. A server hands every accepted
// connection to the current generation of the plugin that registered its protocol.
#pragma once

#include "config/config.hpp"
#include "net/listener.hpp"
#include "util/result.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gorgon {

class Host;
class Generation;

struct Server {
    uint64_t id = 0;
    ServerConfig config;
    std::shared_ptr<const ConfigNode> root;  // keeps config's nodes alive
    std::string canonical;                   // to tell whether a reload changed it
    std::vector<std::unique_ptr<Listener>> listeners;
    uint64_t total_connections = 0;
    uint64_t current_connections = 0;
    uint64_t requests_total = 0;
    uint64_t requests_inflight = 0;
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
};

class Servers {
  public:
    explicit Servers(Host& host) : host_(host) {}

    // Creates, binds and attaches servers of `config` that do not exist yet (or changed), and
    // removes those no longer in it. With bind = false (--check-config) nothing listens.
    Result<void> apply(const Config& config, bool bind);
    // Removes servers that `config` no longer has, or has changed.
    void removeStale(const Config& config);

    // Opens (server_open) every server whose protocol `gen` registered. All or nothing.
    Result<void> attach(Generation& gen);
    // Closes (server_close) every server state `gen` holds.
    void detach(Generation& gen);

    // Names of servers whose protocol is registered by `gen`.
    [[nodiscard]] std::vector<std::string> usersOf(const Generation& gen) const;
    void stopListening();
    [[nodiscard]] Server* byId(uint64_t id) const noexcept;
    [[nodiscard]] const std::vector<std::unique_ptr<Server>>& all() const noexcept {
        return servers_;
    }

  private:
    Result<void> openServer(Server& s, Generation& gen);
    void onAccept(Server& s, int fd, const sockaddr* peer, socklen_t len);
    void remove(Server& s);

    Host& host_;
    std::vector<std::unique_ptr<Server>> servers_;
    uint64_t next_id_ = 1;
};

}  // namespace gorgon
