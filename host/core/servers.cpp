#include "core/servers.hpp"

#include "core/host.hpp"
#include "core/server_admission.hpp"
#include "log/logger.hpp"
#include "net/socket_options.hpp"
#include "plugin/host_api.hpp"
#include "tls/tls_context.hpp"
#include "util/unique_fd.hpp"
#include "work/watchdog.hpp"

#include <cstring>

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

bool sameAddress(const ListenAddress& a, const ListenAddress& b) {
    return a.text == b.text && a.unix_mode == b.unix_mode;
}

}  // namespace

void Servers::removeStale(const Config& config) {
    std::vector<Server*> stale;
    for (const auto& s : servers_) {
        bool keep = false;
        for (const auto& c : config.servers) keep = keep || c.name == s->config.name;
        if (!keep) stale.push_back(s.get());
    }
    for (Server* s : stale) retire(*s, true);
}

Result<std::unique_ptr<Listener>> Servers::bind(const std::string& name, const ListenAddress& addr,
                                                const SocketOptions& opts) {
    // By name, not by instance: a listener kept across a reload hands its connections to the
    // server's newest configuration.
    auto l = Listener::open(
        host_.loop().base(), addr,
        [this, name](int fd, const sockaddr* peer, socklen_t len) {
            Server* s = byName(name);
            if (s == nullptr) {
                ::close(fd);
                return;
            }
            onAccept(*s, fd, peer, len);
        },
        &opts);
    if (!l) return fail("server " + name + ": " + l.error());
    return std::move(l.value());
}

Result<std::vector<Servers::Staged>> Servers::prepare(const Config& config, bool bind_now) {
    std::vector<Staged> staged;
    for (const auto& sc : config.servers) {
        Server* live = byName(sc.name);
        std::string canonical = identity(*sc.node);
        if (live != nullptr && live->canonical == canonical) continue;
        Staged st;
        st.replaces = live;
        st.server = std::make_unique<Server>();
        Server& s = *st.server;
        s.config = sc;
        s.root = config.root;
        s.canonical = std::move(canonical);
        if (live != nullptr) s.tls = live->tls;  // session keys carry over, as on a refresh
        // Unchanged limits keep one account across the configuration generations, so the
        // connections finishing on the old settings still count against the new ones.
        if (live != nullptr && live->admission && live->admission->limits() == sc.limits) {
            s.admission = live->admission;
        } else {
            s.admission = std::make_shared<Admission>(sc.name, sc.limits, host_.loop().base());
        }
        if (auto r = buildTls(s, sc); !r) return fail(r.error());
        if (bind_now) {
            for (const auto& addr : sc.listen) {
                bool kept = false;
                if (live != nullptr) {
                    for (const auto& l : live->listeners) {
                        kept = kept || (l && sameAddress(l->address(), addr));
                    }
                }
                if (kept) {
                    st.listeners.emplace_back();
                    continue;
                }
                auto l = bind(sc.name, addr, s.config.socket);
                if (!l) return fail(l.error());
                st.listeners.push_back(std::move(l.value()));
            }
        }
        staged.push_back(std::move(st));
    }
    return staged;
}

Result<void> Servers::activate(std::vector<Staged>& staged) {
    std::string errors;
    auto note = [&](const std::string& e) { errors += (errors.empty() ? "" : "\n") + e; };
    for (auto& st : staged) {
        Server& s = *st.server;
        const ServerConfig& sc = s.config;
        auto provider = host_.plugins().ensureProvider("protocol:" + sc.protocol);
        if (!provider) {
            note(sc.node->where() + ": server " + sc.name + ": " + provider.error());
            continue;
        }
        Generation* gen = host_.plugins().protocolOwner(sc.protocol);
        if (gen == nullptr) {
            note(sc.node->where() + ": server " + sc.name + ": plugin " + provider.value()->name() +
                 " declares protocol:" + sc.protocol + " but did not register it");
            continue;
        }
        s.id = next_id_++;
        // Every listener joins the new instance before server_open, so that the protocol sees
        // each address it will serve (server_list: the monitor refuses a TCP address without a
        // secret). Accepts still reach `old` until the switch below (they find their server by
        // name), and kept listeners go back to it if the open fails.
        Server* old = st.replaces;
        std::vector<const Listener*> kept;
        for (size_t i = 0; i < st.listeners.size() && i < sc.listen.size(); ++i) {
            if (st.listeners[i] || old == nullptr) continue;
            for (auto& l : old->listeners) {
                if (l && sameAddress(l->address(), sc.listen[i])) {
                    kept.push_back(l.get());
                    st.listeners[i] = std::move(l);
                    break;
                }
            }
        }
        for (auto& l : st.listeners) {
            if (l) s.listeners.push_back(std::move(l));
        }
        auto isKept = [&](const std::unique_ptr<Listener>& l) {
            return std::find(kept.begin(), kept.end(), l.get()) != kept.end();
        };
        opening_ = &s;
        auto opened = openServer(s, *gen);
        opening_ = nullptr;
        if (!opened) {
            for (auto& l : s.listeners) {
                if (!isKept(l)) continue;
                auto slot = std::find(old->listeners.begin(), old->listeners.end(), nullptr);
                if (slot != old->listeners.end()) *slot = std::move(l);
            }
            note(opened.error() + (old != nullptr ? " (its running settings stay)" : ""));
            continue;
        }
        // Live from here.
        for (const auto& l : s.listeners) {
            if (!isKept(l)) {
                GLOG(Info, "server %s listening on %s", sc.name.c_str(), l->boundAddress().c_str());
            }
        }
        if (old != nullptr) {
            auto it = std::find_if(servers_.begin(), servers_.end(),
                                   [&](const auto& p) { return p.get() == old; });
            std::unique_ptr<Server> previous = std::move(*it);
            *it = std::move(st.server);
            retiring_.push_back(std::move(previous));
            GLOG(Info,
                 "server %s: new settings for new connections; %llu connections finish on "
                 "the previous ones",
                 sc.name.c_str(), static_cast<unsigned long long>(old->current_connections));
            retire(*old, false);
        } else {
            servers_.push_back(std::move(st.server));
        }
    }
    staged.clear();
    if (!errors.empty()) return fail(errors);
    return {};
}

Result<void> Servers::apply(const Config& config, bool bind_now) {
    removeStale(config);
    auto staged = prepare(config, bind_now);
    if (!staged) return fail(staged.error());
    return activate(staged.value());
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
    for (const auto* list : {&servers_, &retiring_}) {
        for (const auto& s : *list) {
            if (s->id == id) return s.get();
        }
    }
    return nullptr;
}

Server* Servers::byName(const std::string& name) const noexcept {
    for (const auto& s : servers_) {
        if (s->config.name == name) return s.get();
    }
    return nullptr;
}

void Servers::stopListening() {
    for (const auto& s : servers_) s->listeners.clear();
}

void Servers::onAccept(Server& s, int fd, const sockaddr* peer, socklen_t len) {
    AdmitResult admitted = admitClient(host_, s, fd, peer, len);
    if (!admitted.ticket) return;
    if (!admitted.after_reclaim) {
        accepted(s, fd, peer, len, std::move(admitted.ticket));
        return;
    }
    // Deferred behind the closed connection's on_close (the loop runs deferred work in order).
    sockaddr_storage addr{};
    std::memcpy(&addr, peer, std::min<size_t>(len, sizeof addr));
    auto held = std::make_shared<std::pair<UniqueFd, std::unique_ptr<AdmissionTicket>>>(
        UniqueFd(fd), std::move(admitted.ticket));
    host_.loop().defer([this, id = s.id, addr, len, held] {
        Server* server = byId(id);
        if (server == nullptr) return;  // removed meanwhile: the socket and place go with `held`
        accepted(*server, held->first.release(), reinterpret_cast<const sockaddr*>(&addr), len,
                 std::move(held->second));
    });
}

void Servers::accepted(Server& s, int fd, const sockaddr* peer, socklen_t len,
                       std::unique_ptr<AdmissionTicket> ticket) {
    const SocketOptions& opts = s.config.socket;
    SocketBuffers buffers = opts.anyPerAddress() ? opts.buffersFor(peer) : opts.buffers;
    if (opts.anyPerAddress()) applyClientBuffers(fd, opts, buffers);
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
    c->admission = std::move(ticket);
    c->admission->attach(c->id);
    c->read_size = buffers.read_buffer.value_or(SocketOptions::kDefaultReadBuffer);
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

void Servers::retire(Server& s, bool removed) {
    auto it = std::find_if(servers_.begin(), servers_.end(),
                           [&](const auto& p) { return p.get() == &s; });
    if (it != servers_.end()) {
        retiring_.push_back(std::move(*it));
        servers_.erase(it);
    }
    s.retiring = true;
    s.listeners.clear();  // a replaced server's kept ones have moved to its successor
    if (removed) {
        GLOG(Info, "server %s removed: closing its %llu connections", s.config.name.c_str(),
             static_cast<unsigned long long>(s.current_connections));
        // The protocol says goodbye while every connection is open; what it writes is flushed.
        for (Generation* g : host_.plugins().generations()) {
            auto st = g->server_states.find(s.id);
            if (st == g->server_states.end()) continue;
            auto reg = g->protocols.find(st->second.protocol);
            if (reg != g->protocols.end() && reg->second.goodbye != nullptr) {
                reg->second.goodbye(st->second.state);
            }
        }
        // From the loop: a reload asked for by one of these connections (the monitor's own
        // server) writes its reply first.
        uint64_t id = s.id;
        host_.loop().defer([this, id] {
            if (Server* gone = byId(id)) {
                host_.connections().closeAllOf(*gone, GORGON_CLOSE_SHUTDOWN, true);
            }
        });
    }
    closeWhenEmpty(s);
}

void Servers::connectionLeft(Server& s) {
    if (s.retiring) closeWhenEmpty(s);
}

void Servers::closeWhenEmpty(Server& s) {
    if (s.current_connections != 0 || s.close_scheduled) return;
    s.close_scheduled = true;
    // From the loop, after the on_close that emptied it, which may still use the state.
    uint64_t id = s.id;
    host_.loop().defer([this, id] {
        auto it = std::find_if(retiring_.begin(), retiring_.end(),
                               [&](const auto& p) { return p->id == id; });
        if (it == retiring_.end()) return;
        Server& srv = **it;
        srv.close_scheduled = false;
        if (srv.current_connections != 0) return;  // a data channel arrived meanwhile
        std::unique_ptr<Server> keep = std::move(*it);
        retiring_.erase(it);
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
        GLOG(Info, "server %s (id %llu): closed, its last connection has ended",
             keep->config.name.c_str(), static_cast<unsigned long long>(id));
    });
}

gorgon_status Servers::moveConnection(Connection& c, Generation& gen, uint64_t to) {
    Server* target = byId(to);
    if (target == nullptr || target->retiring) return GORGON_E_STALE;
    Server* from = c.server;
    if (from == target) return GORGON_OK;
    // One status, several causes: the cause goes to the debug log (plugin.h's conventions).
    const char* why = nullptr;
    if (from == nullptr) {
        why = "the connection belongs to no server";
    } else if (from->config.name != target->config.name) {
        why = "it is another server's configuration";
    } else if (from->config.protocol != target->config.protocol) {
        why = "it speaks another protocol";
    } else if (gen.server_states.count(target->id) == 0) {
        why = "this generation has not opened it";
    }
    if (why != nullptr) {
        GLOG(Debug,
             "plugin %s: conn_move_server: cannot move connection %llu to server %s (id %llu): %s",
             gen.name().c_str(), static_cast<unsigned long long>(c.id), target->config.name.c_str(),
             static_cast<unsigned long long>(to), why);
        return GORGON_E_INVAL;
    }
    c.server = target;
    from->current_connections--;
    target->current_connections++;
    if (c.in_request) {
        from->requests_inflight--;
        target->requests_inflight++;
    }
    connectionLeft(*from);
    return GORGON_OK;
}

}  // namespace gorgon
