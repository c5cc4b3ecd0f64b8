#include "core/servers.hpp"

#include "core/host.hpp"
#include "log/logger.hpp"
#include "plugin/host_api.hpp"
#include "tls/tls_context.hpp"
#include "work/watchdog.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace gorgon {

namespace {

// What makes a server the same server across a reload: everything but `tls:`, whose changes
// (new certificates) apply to new connections without closing the others.
std::string identity(const ConfigNode& node) {
    if (!node.isMap()) return node.canonical();
    std::string out = "{";
    for (size_t i = 0; i < node.size(); ++i) {
        const std::string* key = node.keyAt(i);
        if (key == nullptr || *key == "tls") continue;
        out += "\"" + *key + "\":" + node.at(i)->canonical() + ",";
    }
    return out + "}";
}

}  // namespace

void Servers::removeStale(const Config& config) {
    std::vector<Server*> stale;
    for (const auto& s : servers_) {
        bool keep = false;
        for (const auto& c : config.servers) {
            keep = keep || (c.name == s->config.name && identity(*c.node) == s->canonical);
        }
        if (!keep) stale.push_back(s.get());
    }
    for (Server* s : stale) remove(*s);
}

Result<void> Servers::apply(const Config& config, bool bind) {
    removeStale(config);
    for (const auto& sc : config.servers) {
        bool exists = false;
        for (const auto& s : servers_) exists = exists || s->config.name == sc.name;
        if (exists) continue;

        auto provider = host_.plugins().ensureProvider("protocol:" + sc.protocol);
        if (!provider) {
            return fail(sc.node->where() + ": server " + sc.name + ": " + provider.error());
        }
        Generation* gen = host_.plugins().protocolOwner(sc.protocol);
        if (gen == nullptr) {
            return fail(sc.node->where() + ": server " + sc.name + ": plugin " +
                        provider.value()->name() + " declares protocol:" + sc.protocol +
                        " but did not register it");
        }
        auto s = std::make_unique<Server>();
        s->id = next_id_++;
        s->config = sc;
        s->root = config.root;
        s->canonical = identity(*sc.node);
        if (auto r = buildTls(*s, sc); !r) return r;
        if (bind) {
            for (const auto& addr : sc.listen) {
                Server* raw = s.get();
                auto l = Listener::open(host_.loop().base(), addr,
                                        [this, raw](int fd, const sockaddr* peer, socklen_t len) {
                                            onAccept(*raw, fd, peer, len);
                                        });
                if (!l) return fail("server " + sc.name + ": " + l.error());
                s->listeners.push_back(std::move(l.value()));
            }
        }
        Server& ref = *s;
        servers_.push_back(std::move(s));
        if (auto r = openServer(ref, *gen); !r) {
            remove(ref);
            return fail(r.error());
        }
        for (const auto& l : ref.listeners) {
            GLOG(Info, "server %s listening on %s", ref.config.name.c_str(),
                 l->boundAddress().c_str());
        }
    }
    return {};
}

Result<void> Servers::buildTls(Server& s, const ServerConfig& sc) {
    if (!sc.tls) {
        if (s.tls) GLOG(Info, "server %s: TLS off for new connections", sc.name.c_str());
        s.tls.reset();
        return {};
    }
    auto ctx = TlsContext::build(*sc.tls, sc.name, s.tls.get());
    if (!ctx) return fail(ctx.error());  // located at the key, which names the server
    for (const auto& w : ctx.value()->warnings()) {
        GLOG(Warn, "%s: server %s: %s", sc.tls->node->where().c_str(), sc.name.c_str(), w.c_str());
    }
    GLOG(Info, "server %s: TLS with %s", sc.name.c_str(), ctx.value()->describe().c_str());
    s.tls = std::move(ctx.value());
    return {};
}

Result<void> Servers::refreshTls(const Config& config) {
    std::string errors;
    for (const auto& s : servers_) {
        for (const auto& sc : config.servers) {
            if (sc.name != s->config.name) continue;
            if (auto r = buildTls(*s, sc); !r) {
                GLOG(Error, "server %s: TLS not reloaded, the certificates in use stay: %s",
                     sc.name.c_str(), r.error().c_str());
                errors += (errors.empty() ? "" : "\n") + r.error();
            }
        }
    }
    if (!errors.empty()) return fail(errors + "\n(the certificates in use stay)");
    return {};
}

Result<void> Servers::openServer(Server& s, Generation& gen) {
    auto it = gen.protocols.find(s.config.protocol);
    if (it == gen.protocols.end()) return {};
    gorgon_server_info info{sizeof(gorgon_server_info), s.id, s.config.name.c_str()};
    void* state = nullptr;
    gen.last_error.clear();
    gorgon_status st = GORGON_OK;
    {
        WatchScope w(&gen, "server_open");
        st =
            it->second.hooks.server_open(it->second.user, &info, asConfig(s.config.config), &state);
    }
    if (st != GORGON_OK) {
        std::string why = gen.last_error.empty()
                              ? "server_open failed (status " + std::to_string(st) + ")"
                              : gen.last_error;
        gen.last_error.clear();
        return fail("server " + s.config.name + ": " + why);
    }
    gen.server_states[s.id] = {s.config.protocol, state};
    return {};
}

Result<void> Servers::attach(Generation& gen) {
    for (const auto& s : servers_) {
        if (gen.protocols.count(s->config.protocol) == 0) continue;
        if (auto r = openServer(*s, gen); !r) {
            detach(gen);
            return r;
        }
    }
    return {};
}

void Servers::detach(Generation& gen) {
    auto states = std::move(gen.server_states);
    gen.server_states.clear();
    for (auto& [id, ss] : states) {
        auto it = gen.protocols.find(ss.protocol);
        if (it != gen.protocols.end() && it->second.hooks.server_close != nullptr) {
            WatchScope w(&gen, "server_close");
            it->second.hooks.server_close(ss.state);
        }
    }
}

std::vector<std::string> Servers::usersOf(const Generation& gen) const {
    std::vector<std::string> out;
    for (const auto& s : servers_) {
        if (gen.protocols.count(s->config.protocol) != 0) out.push_back(s->config.name);
    }
    return out;
}

Server* Servers::byId(uint64_t id) const noexcept {
    for (const auto& s : servers_) {
        if (s->id == id) return s.get();
    }
    return nullptr;
}

void Servers::stopListening() {
    for (const auto& s : servers_) s->listeners.clear();
}

void Servers::onAccept(Server& s, int fd, const sockaddr* peer, socklen_t len) {
    Generation* gen = host_.plugins().protocolOwner(s.config.protocol);
    if (gen == nullptr || gen->server_states.count(s.id) == 0) {
        GLOG(Warn, "server %s: no plugin serves protocol %s; connection refused",
             s.config.name.c_str(), s.config.protocol.c_str());
        ::close(fd);
        return;
    }
    Connection* c = host_.connections().create(fd, peer, len, s, *gen);
    if (c == nullptr) {
        GLOG(Error, "server %s: cannot set up a connection", s.config.name.c_str());
        return;
    }
    // Implicit TLS on TCP listeners (a Unix socket is already private to the machine): the
    // protocol gets the connection once the handshake is done (handOver), so it never sees a
    // client that fails it, nor a plaintext probe.
    if (s.tls && s.tls->implicit() && peer->sa_family != AF_UNIX) {
        if (host_.connections().startTls(*c, s.tls, false, 0) != GORGON_OK) {
            host_.connections().close(*c, GORGON_CLOSE_ERROR, false);
        }
        return;
    }
    handOver(s, *c);
}

void Servers::handOver(Server& s, Connection& c) {
    Generation* gen = host_.plugins().protocolOwner(s.config.protocol);
    if (gen == nullptr || gen->server_states.count(s.id) == 0) {
        GLOG(Warn, "server %s: no plugin serves protocol %s; connection closed",
             s.config.name.c_str(), s.config.protocol.c_str());
        host_.connections().close(c, GORGON_CLOSE_SHUTDOWN, false);
        return;
    }
    // A reload during the handshake: the generation current now takes the connection.
    host_.connections().rehome(c, *gen);
    gorgon_conn_id id = c.id;
    gorgon_status st = GORGON_OK;
    {
        WatchScope w(gen, "accept");
        st = gen->protocols[s.config.protocol].hooks.accept(gen->server_states[s.id].state, id);
    }
    Connection* live = host_.connections().find(id);
    if (live == nullptr || !live->open()) return;
    if (st != GORGON_OK || live->callbacks.on_close == nullptr) {
        if (st == GORGON_OK) {
            GLOG(Error, "plugin %s accepted a connection without setting its callbacks",
                 gen->name().c_str());
        }
        host_.connections().close(*live, GORGON_CLOSE_LOCAL, false);
    }
}

void Servers::remove(Server& s) {
    s.listeners.clear();
    host_.connections().closeAllOf(s, GORGON_CLOSE_SHUTDOWN);
    // Close per-server plugin state after the connections' on_close calls, which may use it.
    uint64_t id = s.id;
    auto it = std::find_if(servers_.begin(), servers_.end(),
                           [&](const auto& p) { return p.get() == &s; });
    std::shared_ptr<Server> keep(std::move(*it));
    servers_.erase(it);
    GLOG(Info, "server %s removed", keep->config.name.c_str());
    host_.loop().defer([this, id, keep] {
        for (Generation* g : host_.plugins().generations()) {
            auto st = g->server_states.find(id);
            if (st == g->server_states.end()) continue;
            auto reg = g->protocols.find(st->second.protocol);
            void* state = st->second.state;
            g->server_states.erase(st);
            if (reg != g->protocols.end() && reg->second.hooks.server_close != nullptr) {
                WatchScope w(g, "server_close");
                reg->second.hooks.server_close(state);
            }
        }
    });
}

}  // namespace gorgon
