// Setting up data connections: PASV and EPSV (a listener on the control connection's own
// address, taking only a connection from the client's address), PORT and EPRT (a connection to
// the client's own address only: no bounce, RFC 2577), and the data connection's events.
#include "ftp_plugin.hpp"
#include "ftp_server.hpp"
#include "ftp_session.hpp"

#include <sys/socket.h>

namespace gorgon::ftp {

namespace {

// The lowest port PORT and EPRT may name: below it are the services a bounce would attack.
constexpr std::uint16_t kLowestActivePort = 1024;

}  // namespace

// ---- Passive -----------------------------------------------------------------------------------

bool Session::openPassive() {
    resetData();
    const FtpConfig& c = shared_->config;
    std::uint16_t port = 0;
    gorgon_listener_id id = 0;
    gorgon_status s =
        host().api()->listen_open(host().self(), control_.id(), c.passive_min, c.passive_max,
                                  &Session::acceptThunk, this, &id, &port);
    if (s != GORGON_OK || id == 0) {
        host().warn("cannot open a passive data port for " + peer_host_ + " (status " +
                    std::to_string(s) + ")");
        return false;
    }
    listener_ = id;
    passive_port_ = port;
    setup_ = DataSetup::Passive;
    return true;
}

void Session::cmdPasv() {
    const FtpConfig& c = shared_->config;
    if (!c.passive) {
        reply(Reply::NotImplemented);
        return;
    }
    if (epsv_all_) {
        reply(Reply::EpsvAllActive);
        return;
    }
    const std::string& announce = c.passive_address.empty() ? local_host_ : c.passive_address;
    if (addressFamily(local_host_) != AF_INET || addressFamily(announce) != AF_INET) {
        reply(Reply::UseEpsv);
        return;
    }
    if (!openPassive()) {
        reply(Reply::PasvFailed);
        return;
    }
    std::optional<std::string> text = formatPasv(announce, passive_port_);
    if (!text) {
        resetData();
        reply(Reply::PasvFailed);
        return;
    }
    reply(Reply::Pasv, *text);
}

void Session::cmdEpsv(const CommandLine& cmd) {
    const FtpConfig& c = shared_->config;
    if (!c.passive) {
        reply(Reply::NotImplemented);
        return;
    }
    const int family = addressFamily(local_host_);
    const Reply wrong_family = family == AF_INET6 ? Reply::NetProtoIpv6 : Reply::NetProtoIpv4;
    switch (parseEpsvArg(cmd.arg)) {
        case EpsvArg::All:
            // RFC 2428 3: from now on only EPSV sets up data connections.
            epsv_all_ = true;
            resetData();
            reply(Reply::EpsvAllOk);
            return;
        case EpsvArg::Bad:
            reply(Reply::BadArguments);
            return;
        case EpsvArg::Unknown:
            reply(wrong_family);
            return;
        case EpsvArg::Inet:
            if (family != AF_INET) return reply(wrong_family);
            break;
        case EpsvArg::Inet6:
            if (family != AF_INET6) return reply(wrong_family);
            break;
        case EpsvArg::None:
            break;
    }
    if (!openPassive()) {
        reply(Reply::PasvFailed);
        return;
    }
    reply(Reply::Epsv, formatEpsv(passive_port_));
}

void Session::acceptThunk(void* user, gorgon_listener_id listener, gorgon_conn_id conn) noexcept {
    auto* self = static_cast<Session*>(user);
    try {
        self->dataAccepted(listener, conn);
    } catch (...) {
        self->host().api()->conn_close(self->host().self(), conn, GORGON_CLOSE_NOW);
    }
}

void Session::dataAccepted(gorgon_listener_id listener, gorgon_conn_id conn) {
    const Channel incoming(host(), conn);
    if (listener != listener_ || closing_) {
        incoming.close(GORGON_CLOSE_NOW);
        return;
    }
    // Only the client that asked for this port may use it: whoever else connects first (a
    // scanner, another user guessing ports) is turned away, and the port stays open for the
    // client (Medusa handed the data to whoever came first).
    std::optional<gorgon_conn_info> info = incoming.info();
    const std::string_view peer = info && info->peer_host != nullptr ? info->peer_host : "";
    if (!sameHost(peer, peer_host_)) {
        count(Stat::ForeignDataRefused);
        host().warn("refused a data connection from " + std::string(peer) + " to passive port " +
                    std::to_string(passive_port_) + " of " + peer_host_ + "'s session");
        incoming.close(GORGON_CLOSE_NOW);
        return;
    }
    if (link_ != nullptr) {
        incoming.close(GORGON_CLOSE_NOW);
        return;
    }
    link_ = DataLink::adopt(host(), conn, this);
    if (link_ == nullptr) return;
    closeListener();  // one connection per PASV
    // Nothing is read until a transfer wants it: a client cannot make us buffer an upload
    // nobody asked for.
    link_->channel().pauseReading(true);
    // PROT P: the client starts its handshake as soon as it is connected (the handshake goes
    // on while reading is paused).
    if (!secureLink()) return;
    linkReady();
}

void Session::closeListener() noexcept {
    if (listener_ != 0) host().api()->listen_close(host().self(), listener_);
    listener_ = 0;
}

void Session::resetData() noexcept {
    closeListener();
    accept_timer_.cancel();
    if (link_ != nullptr) {
        link_->detach();
        link_ = nullptr;
    }
    setup_ = DataSetup::None;
}

// ---- Active ------------------------------------------------------------------------------------

void Session::setActive(const HostPort& target, Reply ok) {
    if (!sameHost(target.host, peer_host_)) {
        // FTP bounce (RFC 2577 3): a data connection to a third party would let the client
        // use this server to reach what it cannot.
        count(Stat::BouncesRefused);
        host().warn("refused a data connection to " + target.host + ":" +
                    std::to_string(target.port) + " asked by " + peer_host_ + " (not its address)");
        reply(Reply::PortRefused);
        return;
    }
    if (target.port < kLowestActivePort) {
        count(Stat::BouncesRefused);
        reply(Reply::LowPortRefused);
        return;
    }
    resetData();
    active_ = target;
    setup_ = DataSetup::Active;
    reply(ok);
}

void Session::cmdPort(const CommandLine& cmd) {
    if (!shared_->config.active) {
        reply(Reply::NotImplemented);
        return;
    }
    if (epsv_all_) {
        reply(Reply::EpsvAllActive);
        return;
    }
    std::optional<HostPort> target = parsePortArg(cmd.arg);
    if (!target) {
        reply(Reply::BadArguments);
        return;
    }
    setActive(*target, Reply::PortOk);
}

void Session::cmdEprt(const CommandLine& cmd) {
    if (!shared_->config.active) {
        reply(Reply::NotImplemented);
        return;
    }
    if (epsv_all_) {
        reply(Reply::EpsvAllActive);
        return;
    }
    const int family = addressFamily(local_host_);
    const Reply wrong_family = family == AF_INET6 ? Reply::NetProtoIpv6 : Reply::NetProtoIpv4;
    EprtProblem problem = EprtProblem::None;
    std::optional<HostPort> target = parseEprtArg(cmd.arg, problem);
    if (!target) {
        reply(problem == EprtProblem::Protocol ? wrong_family : Reply::BadArguments);
        return;
    }
    // The data connection leaves from the control connection's address, so of its family.
    if (target->family != family) {
        reply(wrong_family);
        return;
    }
    setActive(*target, Reply::EprtOk);
}

// ---- The data connection's events --------------------------------------------------------------

void Session::linkConnected(DataLink& link) {
    if (&link != link_) return;
    linkReady();
}

void Session::linkReadable(DataLink& link) {
    if (&link != link_ || !transfer_ || !transfer_->flowing || transfer_->outbound()) return;
    storeInput();
}

void Session::linkDrained(DataLink&) {}

void Session::linkEvent(DataLink& link, gorgon_conn_event event) {
    if (&link != link_) return;
    switch (event) {
        case GORGON_CONN_TLS_READY:
            linkReady();
            break;
        case GORGON_CONN_EOF:
            // The end of an upload (stream mode: the sender closes). A download's client may
            // shut its side at any time: nothing to do then.
            if (transfer_ && transfer_->flowing && !transfer_->outbound()) {
                storeInput();
                if (transfer_) finishStore();
            }
            break;
        case GORGON_CONN_READ_TIMEOUT:
        case GORGON_CONN_WRITE_TIMEOUT:
            if (transfer_) {
                finishTransfer(false, Reply::DataTimeout);
            } else {
                resetData();
            }
            break;
        default:
            break;
    }
}

void Session::linkClosed(DataLink& link, gorgon_close_reason reason) {
    if (&link != link_) return;
    link_ = nullptr;
    setup_ = DataSetup::None;
    if (!transfer_) return;
    if (link.tlsStarted() && !link.tlsReady()) {
        // The host closes a data connection whose handshake failed, or did not resume the
        // control connection's session (another client's connection, or one that forgot).
        host().warn("the TLS handshake of a data connection of " + peer_host_ +
                    " failed (it must resume the control connection's TLS session)");
        finishTransfer(false, Reply::DataTlsFailed);
    } else if (!transfer_->flowing) {
        finishTransfer(false, Reply::CantOpenData);  // never connected, or gone before use
    } else if (transfer_->outbound()) {
        // A download is complete when everything was flushed and the link closed itself.
        finishTransfer(reason == GORGON_CLOSE_LOCAL, Reply::TransferAborted);
    } else {
        finishTransfer(false, Reply::TransferAborted);  // closed without an EOF: cut short
    }
}

}  // namespace gorgon::ftp
