#include "core/server_admission.hpp"

#include "core/host.hpp"
#include "core/servers.hpp"
#include "net/address.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace gorgon {

namespace {

void resetAndClose(int fd) {
    linger lg{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::close(fd);
}

// Idle and nothing on its way out: closing it loses nothing the client was promised.
bool reclaimable(const Connections& conns, gorgon_conn_id id) {
    Connection* c = conns.find(id);
    return c != nullptr && c->state == Connection::State::Open && !c->in_request &&
           !c->connecting && conns.pending(*c) == 0;
}

}  // namespace

AdmitResult admitClient(Host& host, Server& s, int fd, const sockaddr* peer, socklen_t len) {
    Admission& a = *s.admission;
    Admission::Decision d = a.check(peer);
    int64_t now = host.loop().nowMs();
    if (d.verdict == Admission::Verdict::ReclaimIdle) {
        Connections& conns = host.connections();
        gorgon_conn_id victim =
            a.oldestIdle([&](gorgon_conn_id id) { return reclaimable(conns, id); });
        if (Connection* c = victim != 0 ? conns.find(victim) : nullptr) {
            // Closed before the line is written: a reader of the log finds the socket closed.
            conns.close(*c, GORGON_CLOSE_SHUTDOWN, false);
            a.reclaimed(c->peer, now - c->active_ms, now);
            return {a.admit(d), true};
        }
        d.verdict = Admission::Verdict::ServerFull;
    }
    if (d.verdict != Admission::Verdict::Admit) {
        std::string who = formatAddress(peer, len);
        resetAndClose(fd);
        a.refused(d, who, now);
        return {};
    }
    return {a.admit(d), false};
}

}  // namespace gorgon
