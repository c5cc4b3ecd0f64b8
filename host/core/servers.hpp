// Configured servers: each a name, a protocol and its listeners. A server hands every accepted
// connection to the current generation of the plugin that registered its protocol; with
// implicit TLS, once the connection's handshake has succeeded.
#pragma once

#include "config/config.hpp"
#include "net/admission.hpp"
#include "net/listener.hpp"
#include "util/result.hpp"

#include <gorgon/plugin.h>

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
    // Replaced by a newer configuration of it, or removed: it has no listeners and serves only
    // the connections it has; server_close follows the last of them.
    bool retiring = false;
    bool close_scheduled = false;
};

class Servers {
  public:
    explicit Servers(Host& host) : host_(host) {}

    // A server of a new configuration, built and bound but not live yet: a reload prepares
    // every one before anything live changes, then activates them.
    struct Staged {
        std::unique_ptr<Server> server;
        Server* replaces = nullptr;  // the live server of that name, if its settings changed
        // In the order of its `listen:`; null where the address is the replaced server's,
        // whose listener is kept (not rebound, so no connection is refused in between).
        std::vector<std::unique_ptr<Listener>> listeners;
    };

    // Start and plugins.watch: the servers of `config` that do not exist yet (or changed) are
    // created, bound and opened; those no longer in it are removed. With bind = false
    // (--check-config) nothing listens.
    Result<void> apply(const Config& config, bool bind);
    // A reload, step 1: builds (TLS) and binds the servers `config` adds or changes, touching
    // nothing live. All or nothing.
    Result<std::vector<Staged>> prepare(const Config& config, bool bind);
    // Step 2: opens the staged servers (server_open) and makes them live. A changed server's old
    // instance retires: its connections finish on their settings. One that fails to open is
    // dropped, and the server it would replace keeps serving; the error says which.
    Result<void> activate(std::vector<Staged>& staged);
    // Removes servers that `config` no longer has: listeners closed at once, then the
    // protocol's goodbye (protocol_goodbye), then the connections close after a flush.
    void removeStale(const Config& config);
    // SIGHUP: re-reads the certificates of every server `config` keeps, into a new TLS context
    // for new handshakes. A server whose files fail keeps its current one; the error says why.
    Result<void> refreshTls(const Config& config);
    // Gives a connection to the server's protocol (its accept hook): at once, or after an
    // implicit TLS handshake. Closes it if no plugin serves the protocol any more.
    void handOver(Server& s, Connection& c);
    // A connection left `s` (closed or moved): a retiring server with none left is closed.
    void connectionLeft(Server& s);
    // conn_move_server: `c` goes to server `to`, a newer configuration of its server that
    // `gen` has opened.
    gorgon_status moveConnection(Connection& c, Generation& gen, uint64_t to);

    // Opens (server_open) every server whose protocol `gen` registered. All or nothing.
    Result<void> attach(Generation& gen);
    // Closes (server_close) every server state `gen` holds.
    void detach(Generation& gen);

    // Names of servers whose protocol is registered by `gen`.
    [[nodiscard]] std::vector<std::string> usersOf(const Generation& gen) const;
    void stopListening();
    // Live and retiring servers.
    [[nodiscard]] Server* byId(uint64_t id) const noexcept;
    [[nodiscard]] Server* byName(const std::string& name) const noexcept;
    // The live servers (one per name).
    [[nodiscard]] const std::vector<std::unique_ptr<Server>>& all() const noexcept {
        return servers_;
    }
    // The server whose server_open is running, not live yet (server_list shows it too).
    [[nodiscard]] const Server* opening() const noexcept { return opening_; }

  private:
    Result<void> openServer(Server& s, Generation& gen);
    Result<void> buildTls(Server& s, const ServerConfig& sc);
    // A kept listener keeps the socket settings it was opened with (backlog, deferred accept).
    Result<std::unique_ptr<Listener>> bind(const std::string& name, const ListenAddress& addr,
                                           const SocketOptions& opts);
    void onAccept(Server& s, int fd, const sockaddr* peer, socklen_t len);
    // Moves `s` from the live servers to the retiring ones.
    void retire(Server& s, bool removed);
    void closeWhenEmpty(Server& s);
    // A connection admitted by its server's limits (core/server_admission.cpp).
    void accepted(Server& s, int fd, const sockaddr* peer, socklen_t len,
                  std::unique_ptr<AdmissionTicket> ticket);

    Host& host_;
    std::vector<std::unique_ptr<Server>> servers_;
    std::vector<std::unique_ptr<Server>> retiring_;
    uint64_t next_id_ = 1;
    Server* opening_ = nullptr;
};

}  // namespace gorgon
