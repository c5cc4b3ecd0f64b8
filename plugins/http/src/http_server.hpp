// One configured http server: its settings, routes and access log, and the connections it
// serves. The host builds one per server and per plugin generation.
#pragma once

#include "http_access_log.hpp"
#include "http_config.hpp"
#include "http_routes.hpp"
#include "http_vhost.hpp"

#include <gorgon/plugin.hpp>

#include <memory>
#include <string>
#include <vector>

namespace gorgon::http {

class Connection;
class HttpPlugin;
struct HandoffEntry;

// The routes that answer one virtual host (or the default set: the top-level `routes:`).
struct RouteSet {
    RouteSet(Host host, const gorgon_http_api* api, const std::vector<RouteConfig>& config,
             std::string set_name, std::string label)
        : name(std::move(set_name)), routes(host, api, config, std::move(label)) {}
    std::string name;  // for the access log: the virtual host's first name, "*" for the default
    Routes routes;
};

class Server {
  public:
    Server(HttpPlugin& owner, Host host, const gorgon_server_info& info, const Config& config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    Server(Server&&) = delete;
    Server& operator=(Server&&) = delete;

    gorgon_status accept(gorgon_conn_id id);
    // Takes over a connection the previous generation handed off. False if the host refused.
    bool adopt(const HandoffEntry& entry);
    // Processes what adopted connections received during the reload.
    void kickAdopted();
    // Idle connections move to the newest configuration of this server, if it is not this one.
    void moveIdle();

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] gorgon_server_id id() const noexcept { return id_; }
    [[nodiscard]] const ServerConfig& config() const noexcept { return config_; }
    // The route set that answers a request for `host` (the Host field or an absolute-form
    // authority, as parsed) on a connection whose TLS client asked for server name `sni` ("":
    // no TLS, or no SNI). Null when none does: no virtual host has the name and there is no
    // default set, or the SNI name belongs to another virtual host than `host` (421 both).
    [[nodiscard]] RouteSet* routeSet(std::string_view host, std::string_view sni) noexcept;
    [[nodiscard]] AccessLog* accessLog() noexcept { return log_.get(); }

    void link(Connection& c) noexcept;
    void unlink(Connection& c) noexcept;

    void drain();
    void exportIdle(std::vector<HandoffEntry>& out) const;
    // Once a second: flush the access log, move route sets to reloaded extensions, close
    // retired routes. True if it needs another pass.
    bool housekeeping(std::int64_t now_ms);
    void ownerGone() noexcept { owner_ = nullptr; }

  private:
    // Frees connections a newer generation owns now (they get no on_close from us).
    void releaseHandedOff() noexcept;

    HttpPlugin* owner_;
    Host host_;
    gorgon_server_id id_;
    std::string name_;
    ServerConfig config_;
    std::unique_ptr<AccessLog> log_;
    VirtualHostTable vhosts_;
    std::vector<std::unique_ptr<RouteSet>> sets_;  // [i] answers vhosts_'s set i
    Connection* first_ = nullptr;
    std::size_t counted_ = 0;  // connections holding a max_connections place
};

}  // namespace gorgon::http
