// Listening sockets that plugins open for themselves (listen_open; FTP passive data channels).
// Each belongs to a generation, which closes what is left when it is retired, and to the server
// of the connection it was opened for, whose accounting the accepted connections join.
#pragma once

#include "net/listener.hpp"
#include "util/handle_table.hpp"

#include <gorgon/plugin.h>

#include <memory>

namespace gorgon {

class Host;
class Generation;
class Connection;

class PluginListeners {
  public:
    explicit PluginListeners(Host& host) : host_(host) {}

    // Listens on `related`'s local address, on a free port in [port_min, port_max] tried
    // from a random start (0, 0: a port the kernel picks).
    gorgon_status open(Generation& owner, Connection& related, uint16_t port_min, uint16_t port_max,
                       gorgon_accept_fn fn, void* user, gorgon_listener_id* out, uint16_t* port);
    gorgon_status close(Generation& owner, gorgon_listener_id id);
    void closeAllOf(Generation& owner);
    [[nodiscard]] size_t count() const noexcept { return table_.size(); }

  private:
    struct Record {
        gorgon_listener_id id = 0;
        Generation* owner = nullptr;
        uint64_t server_id = 0;
        gorgon_accept_fn fn = nullptr;
        void* user = nullptr;
        std::unique_ptr<Listener> listener;
    };
    void accepted(gorgon_listener_id id, int fd, const sockaddr* peer, socklen_t len);

    Host& host_;
    HandleTable<Record> table_;
};

}  // namespace gorgon
