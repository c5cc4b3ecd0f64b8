#include "http_server.hpp"

#include "http_connection.hpp"
#include "http_handoff.hpp"
#include "http_plugin.hpp"
#include "http_request.hpp"

namespace gorgon::http {

namespace {

std::unique_ptr<AccessLog> openLog(Host host, const ServerConfig& config) {
    if (!config.access_log) return nullptr;
    return std::make_unique<AccessLog>(host, config.access_log_file, config.access_log_format);
}

}  // namespace

Server::Server(HttpPlugin& owner, Host host, const gorgon_server_info& info, const Config& config)
    : owner_(&owner),
      host_(host),
      id_(info.id),
      name_(info.name != nullptr ? info.name : ""),
      config_(parseServerConfig(host, config)),
      log_(openLog(host, config_)) {
    // Opened in order; if one refuses, those already open close with sets_ as this throws.
    for (const VirtualHostConfig& vh : config_.virtual_hosts) {
        const std::size_t i = sets_.size();
        const std::string name = vh.names.empty() ? std::string("*") : vh.names.front();
        sets_.push_back(
            std::make_unique<RouteSet>(host, httpApi(), vh.routes, name, "virtual host " + name));
        for (const std::string& n : vh.names) (void)vhosts_.add(n, i);
        if (vh.is_default) vhosts_.setDefault(i);
    }
    // Without virtual hosts, the top-level routes answer everything, as they always have.
    if (config_.virtual_hosts.empty() || config_.routes_present) {
        vhosts_.setDefault(sets_.size());
        sets_.push_back(
            std::make_unique<RouteSet>(host, httpApi(), config_.routes, "*", std::string()));
    }
    owner.addServer(*this);
}

Server::~Server() {
    // Requests still with an extension are aborted before its routes close (routes_ is
    // destroyed after this body). Normally none are left: the host delivers every on_close
    // before server_close.
    for (Connection* c = first_; c != nullptr;) {
        Connection* next = c->next;
        if (c->state() == Connection::State::HandedOff || !c->owned()) {
            unlink(*c);
            std::unique_ptr<Connection> gone(c);
        } else {
            c->serverGone();
            unlink(*c);  // it frees itself on on_close, without us
        }
        c = next;
    }
    if (log_) log_->flush(host_.api()->now_ms(host_.self()));
    if (owner_ != nullptr) owner_->removeServer(*this);
}

gorgon_status Server::accept(gorgon_conn_id id) {
    if (owner_ == nullptr) return GORGON_E_STALE;
    const bool over = counted_ >= config_.max_connections;
    auto c = std::make_unique<Connection>(*this, *owner_, !over);
    const gorgon_status s = c->open(id);
    if (s != GORGON_OK) return s;
    // The host now calls it back with this pointer; it frees itself in onClose.
    Connection& conn = *c.release();
    link(conn);
    owner_->count(Stat::Connections);
    if (over) conn.refuse(503);
    return GORGON_OK;
}

bool Server::adopt(const HandoffEntry& entry) {
    if (owner_ == nullptr) return false;
    auto c = std::make_unique<Connection>(*this, *owner_, true);
    const gorgon_status s = c->adopt(entry);
    if (s != GORGON_OK) {
        host_.warn("cannot adopt connection " + std::to_string(entry.conn) + " (status " +
                   std::to_string(s) + "); it stays with the previous generation");
        return false;
    }
    // The host may still count it on an older configuration of this server.
    if (GORGON_HOST_HAS(host_.api(), conn_move_server)) {
        host_.api()->conn_move_server(host_.self(), entry.conn, id_);
    }
    link(*c.release());  // freed in its onClose, like an accepted one
    return true;
}

void Server::kickAdopted() {
    for (Connection* c = first_; c != nullptr;) {
        Connection* next = c->next;  // kick() may close it (the list entry stays until on_close)
        if (c->needs_kick) c->kick();
        c = next;
    }
}

void Server::moveIdle() {
    for (Connection* c = first_; c != nullptr;) {
        Connection* next = c->next;  // followServer() unlinks it from this list
        if (c->state() == Connection::State::Idle) c->followServer();
        c = next;
    }
}

void Server::link(Connection& c) noexcept {
    c.prev = nullptr;
    c.next = first_;
    if (first_ != nullptr) first_->prev = &c;
    first_ = &c;
    if (c.counted()) ++counted_;
}

void Server::unlink(Connection& c) noexcept {
    if (c.prev != nullptr) {
        c.prev->next = c.next;
    } else if (first_ == &c) {
        first_ = c.next;
    } else {
        return;  // not linked
    }
    if (c.next != nullptr) c.next->prev = c.prev;
    c.prev = c.next = nullptr;
    if (c.counted() && counted_ > 0) --counted_;
}

void Server::drain() {
    for (Connection* c = first_; c != nullptr; c = c->next) c->drain();
    releaseHandedOff();
}

void Server::releaseHandedOff() noexcept {
    for (Connection* c = first_; c != nullptr;) {
        Connection* next = c->next;
        if (c->state() == Connection::State::HandedOff) {
            unlink(*c);
            std::unique_ptr<Connection> gone(c);
        }
        c = next;
    }
}

void Server::exportIdle(std::vector<HandoffEntry>& out) const {
    for (const Connection* c = first_; c != nullptr; c = c->next) {
        if (c->exportable()) out.push_back(c->handoffEntry());
    }
}

RouteSet* Server::routeSet(std::string_view host, std::string_view sni) noexcept {
    // Without virtual hosts every name selects the default set: nothing to parse per request.
    if (vhosts_.noNames()) {
        const std::size_t set = vhosts_.defaultSet();
        return set < sets_.size() ? sets_[set].get() : nullptr;
    }
    char buf[256];
    std::string_view name = requestHostName(host, buf);
    // A request naming no host (HTTP/1.0) over TLS is for the host the client's SNI named.
    if (name.empty()) name = requestHostName(sni, buf);
    const std::size_t set = vhosts_.select(name);
    // Over TLS, the connection is authoritative for the virtual host its server name chose,
    // and only for that one: a Host of another (domain fronting) is misdirected.
    if (!sni.empty() && vhosts_.select(requestHostName(sni, buf)) != set) return nullptr;
    return set < sets_.size() ? sets_[set].get() : nullptr;
}

bool Server::housekeeping(std::int64_t now_ms) {
    if (log_) log_->flush(now_ms);
    bool retired = false;
    for (auto& set : sets_) {
        // Requests move a set to a reloaded extension; this moves the sets they do not reach
        // (another virtual host's), so the old generation can unload.
        set->routes.refresh(now_ms);
        if (set->routes.hasRetired()) set->routes.sweep();
        retired = retired || set->routes.hasRetired();
    }
    return retired;
}

}  // namespace gorgon::http
