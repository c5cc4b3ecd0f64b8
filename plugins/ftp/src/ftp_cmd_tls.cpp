// FTPS (RFC 4217): AUTH TLS, PBSZ, PROT and the TLS of data connections. The host owns the TLS
// sessions, with the certificates of the server's `tls:` block: the control connection is
// upgraded in place (mode starttls) or is TLS from the start (mode implicit), and every data
// connection under PROT P is a TLS server that must resume the control connection's session.
#include "ftp_server.hpp"
#include "ftp_session.hpp"

#include <algorithm>

namespace gorgon::ftp {

namespace {

std::string upperCase(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return out;
}

bool anonymousName(std::string_view name) {
    const std::string n = upperCase(name);
    return n == "ANONYMOUS" || n == "FTP";
}

}  // namespace

void Session::probeTls() {
    if (auto info = control_.info(); info && info->struct_size >= sizeof(gorgon_conn_info)) {
        if (info->tls != 0) {
            // mode: implicit: the host finished the handshake before we met the connection.
            tls_available_ = true;
            control_tls_ = true;
            return;
        }
    }
    // Whether the server has a `tls:` block, without starting anything: conn_start_tls refuses
    // a server without one (GORGON_E_UNSUPPORTED) before it looks at `resume_from`, and a
    // connection that is not TLS yet cannot be resumed from (GORGON_E_INVAL), so asking to
    // resume from the control connection itself answers the question and changes nothing.
    const gorgon_status s = control_.startTls(control_.id(), 0);
    tls_available_ = s != GORGON_E_UNSUPPORTED && s != GORGON_OK;
}

bool Session::tlsExempt() const noexcept {
    const TlsPolicy& p = shared_->config.tls;
    if (!p.anonymous_exempt) return false;
    if (access_ == Access::Anonymous) return true;
    return access_ == Access::None && have_user_ && anonymousName(user_);
}

void Session::cmdAuth(const CommandLine& cmd) {
    if (control_tls_) {
        reply(Reply::AlreadyTls);
        return;
    }
    // RFC 4217 4: "TLS"; "TLS-C", "SSL" and "TLS-P" are what older clients send for the same
    // thing (as vsftpd and ProFTPD take them). PROT stays C until the client says otherwise.
    const std::string mech = upperCase(cmd.arg);
    if (mech != "TLS" && mech != "TLS-C" && mech != "SSL" && mech != "TLS-P") {
        reply(Reply::AuthUnknown);
        return;
    }
    if (transfer_) {
        reply(Reply::AuthFailed);
        return;
    }
    reply(Reply::AuthOk);
    if (closing_) return;
    const gorgon_status s = control_.startTls(0, 0);
    if (s != GORGON_OK) {
        // The client, told 234, is starting its handshake: no plaintext reply can reach it.
        host().warn("cannot start TLS on the control connection of " + peer_host_ + " (status " +
                    std::to_string(s) + "); closed");
        closing_ = true;
        control_.close(GORGON_CLOSE_NOW);
        return;
    }
    // RFC 4217 4: the security exchange resets the login in progress.
    tls_pending_ = true;
    if (access_ == Access::None) {
        have_user_ = false;
        user_.clear();
    }
    pbsz_ = false;
    prot_private_ = false;
}

void Session::controlTlsReady() {
    tls_pending_ = false;
    control_tls_ = true;
    if (auto info = control_.info(); info && info->struct_size >= sizeof(gorgon_conn_info)) {
        host().debug("AUTH TLS with " + peer_host_ + ": " + info->tls_version + " " +
                     info->tls_cipher);
    }
    processInput();
}

void Session::cmdPbsz(const CommandLine& cmd) {
    if (!control_tls_) {
        reply(Reply::AuthFirst);
        return;
    }
    // RFC 4217 8: streaming TLS has no buffer size; any decimal is answered with PBSZ=0.
    if (cmd.arg.empty() || cmd.arg.size() > 10 ||
        !std::all_of(cmd.arg.begin(), cmd.arg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        reply(Reply::BadArguments);
        return;
    }
    pbsz_ = true;
    reply(Reply::PbszOk);
}

void Session::cmdProt(const CommandLine& cmd) {
    if (!pbsz_) {
        reply(control_tls_ ? Reply::PbszFirst : Reply::AuthFirst);
        return;
    }
    const std::string level = upperCase(cmd.arg);
    if (level == "P") {
        prot_private_ = true;
        reply(Reply::ProtOk, "Private");
    } else if (level == "C") {
        if (shared_->config.tls.require_data && !tlsExempt()) {
            reply(Reply::ProtPolicy);
            return;
        }
        prot_private_ = false;
        reply(Reply::ProtOk, "Clear");
    } else if (level == "S" || level == "E") {
        reply(Reply::ProtUnsupported);
    } else {
        reply(Reply::ProtUnknown);
    }
}

bool Session::dataProtectionOk() {
    if (prot_private_ || !shared_->config.tls.require_data || tlsExempt()) return true;
    reply(Reply::DataNeedsProt);
    return false;
}

bool Session::secureLink() {
    if (link_ == nullptr || !prot_private_ || link_->tlsStarted()) return true;
    const gorgon_status s = link_->startTls(control_.id());
    if (s == GORGON_OK) return true;
    host().warn("cannot start TLS on the data connection of " + peer_host_ + " (status " +
                std::to_string(s) + ")");
    if (transfer_) {
        finishTransfer(false, Reply::DataTlsFailed);
    } else {
        resetData();
    }
    return false;
}

void Session::linkReady() {
    if (!transfer_ || transfer_->flowing || link_ == nullptr) return;
    if (!secureLink() || link_ == nullptr) return;
    if (link_->ready()) beginFlow();
}

}  // namespace gorgon::ftp
