// Configured servers: each a name, a protocol and its listeners. A server hands every accepted
// connection to the current generation of the plugin that registered its protocol; with
// implicit TLS, once the connection's handshake has succeeded.
#pragma once

#include "config/config.hpp"
#include "net/admission.hpp"
#include "net/listener.hpp"
#include "util/result.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gorgon {

class Connection;
class Host;
class Generation;
class TlsContext;

struct Server {
    uint64_t id = 0;
    ServerConfig config;
    std::shared_ptr<const ConfigNode> root;  // keeps config's nodes alive
    std::string canonical;                   // to tell whether a reload changed it (not tls:)
    std::vector<std::unique_ptr<Listener>> listeners;
    // The `tls:` block made live, or null. Replaced on SIGHUP (connections keep the one they
    // started with), which is why a change of `tls:` alone does not recreate the server.
    std::shared_ptr<const TlsContext> tls;
    // Its connection limits and idle connections (shared: each connection's ticket holds it).
    std::shared_ptr<Admission> admission;
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
    // SIGHUP: re-reads the certificates of every server `config` keeps, into a new TLS context
    // for new handshakes. A server whose files fail keeps its current one; the error says why.
    Result<void> refreshTls(const Config& config);
    // Gives a connection to the server's protocol (its accept hook): at once, or after an
    // implicit TLS handshake. Closes it if no plugin serves the protocol any more.
    void handOver(Server& s, Connection& c);

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
    Result<void> buildTls(Server& s, const ServerConfig& sc);
    void onAccept(Server& s, int fd, const sockaddr* peer, socklen_t len);
    // A connection admitted by its server's limits (core/server_admission.cpp).
    void accepted(Server& s, int fd, const sockaddr* peer, socklen_t len,
                  std::unique_ptr<AdmissionTicket> ticket);
    void remove(Server& s);

    Host& host_;
    std::vector<std::unique_ptr<Server>> servers_;
    uint64_t next_id_ = 1;
};

}  // namespace gorgon
