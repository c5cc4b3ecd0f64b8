#include "ftp_session.hpp"

#include "ftp_path.hpp"
#include "ftp_plugin.hpp"
#include "ftp_server.hpp"

#include <utility>

namespace gorgon::ftp {

namespace {

// A client that stops reading its replies may not make us hold more than this for it.
constexpr std::uint64_t kMaxControlOutput = 1024 * 1024;

}  // namespace

Session::Session(FtpPlugin& plugin, FtpServer& server, std::shared_ptr<ServerShared> shared)
    : plugin_(plugin), server_(&server), shared_(std::move(shared)) {}

Session::~Session() {
    // Nothing of ours may call back into a freed session: the listener and the data link go
    // first, and the link (which outlives us until the host's on_close) forgets us.
    abandonTransfer();
    resetData();
}

void Session::start(std::string_view peer_host) {
    control_ = Channel(host(), conn().id());
    peer_host_ = std::string(peer_host);
    if (auto info = control_.info(); info && info->local != nullptr) {
        local_host_ = std::string(hostOf(info->local));
    }
    probeTls();
    const FtpConfig& c = shared_->config;
    control_.setTimeouts(c.idle_timeout_ms, c.write_timeout_ms);
    if (c.login_timeout_ms != 0) {
        login_timer_.start(host(), c.login_timeout_ms, false, [this] { loginTimedOut(); });
    }
    reply(Reply::Greeting, c.banner);
}

void Session::refuse(Reply why) {
    server_ = nullptr;  // never counted: nothing to give back
    control_ = Channel(host(), conn().id());
    control_.setTimeouts(0, shared_->config.write_timeout_ms);
    closeSession(why);
}

void Session::serverGone() noexcept {
    server_ = nullptr;
    if (closing_) return;
    try {
        abandonTransfer();
        resetData();
        closeSession(Reply::ShuttingDown);
    } catch (...) {
        control_.close(GORGON_CLOSE_NOW);
    }
}

void Session::goodbye() noexcept {
    if (closing_) return;
    try {
        abandonTransfer();
        resetData();
        closeSession(Reply::ServiceClosing);
    } catch (...) {
        control_.close(GORGON_CLOSE_NOW);
    }
}

void Session::drain() {
    if (closing_) return;
    if (transfer_) {
        draining_ = true;  // closed once the transfer's final reply is out
        return;
    }
    closeSession(Reply::ShuttingDown);
}

// ---- Input ------------------------------------------------------------------------------------

void Session::onData() {
    processInput();
}

bool Session::takeLine(std::string& line, bool peek) {
    const std::size_t available = control_.inputLength();
    if (available == 0) return false;
    const std::string_view input = control_.peek(std::min(available, kMaxLine + 2));
    std::size_t len = 0;
    std::size_t consumed = 0;
    if (!findLineEnd(input, len, consumed)) return false;
    if (after_bare_cr_ && consumed == 1 && input.front() == '\n') {
        // The "\n" of a line that ended at its "\r" ("ABOR\r", its "\n" sent as urgent data):
        // the rest of that line end, not an empty command.
        after_bare_cr_ = false;
        control_.consume(1);
        return takeLine(line, peek);
    }
    line = stripTelnet(input.substr(0, len));
    if (!peek) {
        // Read before consume(): it frees what `input` views.
        after_bare_cr_ = input[consumed - 1] == '\r';
        control_.consume(consumed);
    }
    return true;
}

void Session::discardOverlong() {
    const std::size_t available = control_.inputLength();
    if (available == 0) return;
    const std::int64_t at = conn().find("\n", available);
    if (at < 0) {
        control_.consume(available);
        return;
    }
    control_.consume(static_cast<std::size_t>(at) + 1);
    discarding_ = false;
}

void Session::processInput() {
    if (in_input_) return;  // the loop below is running further up the stack: it goes on
    in_input_ = true;
    struct Leave {
        bool& flag;
        ~Leave() { flag = false; }
    } leave{in_input_};
    while (!closing_ && !paused_ && !tls_pending_) {
        if (discarding_) {
            discardOverlong();
            if (discarding_) return;
            continue;
        }
        std::string line;
        if (transfer_) {
            // While a transfer runs only ABOR, STAT and QUIT are acted on (RFC 959 4.1.3);
            // anything else waits in the input until the transfer's final reply.
            if (!takeLine(line, /*peek=*/true)) return;
            LineProblem problem = LineProblem::None;
            auto cmd = parseCommandLine(line, problem);
            const CommandSpec* spec = cmd ? findCommand(cmd->verb) : nullptr;
            if (spec == nullptr || (spec->flags & kDuringTransfer) == 0) return;
            (void)takeLine(line, /*peek=*/false);
            handleLine(line);
            continue;
        }
        if (!takeLine(line, /*peek=*/false)) {
            if (control_.inputLength() > kMaxLine + 1) {
                discarding_ = true;
                badCommand(Reply::LineTooLong);
                continue;
            }
            return;
        }
        if (line.size() > kMaxLine) {
            badCommand(Reply::LineTooLong);
            continue;
        }
        handleLine(line);
    }
}

void Session::handleLine(std::string_view line) {
    LineProblem problem = LineProblem::None;
    std::optional<CommandLine> cmd = parseCommandLine(line, problem);
    if (!cmd) {
        // An empty line is answered too (RFC 959 4.2: every command gets a reply); the "\n"
        // left of an urgent "ABOR\r\n" never gets here (takeLine).
        badCommand(problem == LineProblem::BadBytes ? Reply::BadBytes : Reply::BadSyntax);
        return;
    }
    const CommandSpec* spec = findCommand(cmd->verb);
    if (spec == nullptr) {
        badCommand(Reply::Unknown);
        return;
    }
    bad_commands_ = 0;
    beginRequest();
    dispatch(*spec, *cmd);
    // A transfer or a failed-login pause keeps its request open until its final reply.
    if (!transfer_ && !paused_) endRequest();
}

void Session::badCommand(Reply why) {
    const std::uint32_t limit = shared_->config.max_bad_commands;
    if (limit != 0 && ++bad_commands_ >= limit) {
        // A client sending garbage (or another protocol) gets no stream of errors back.
        host().info("closed the control connection of " + peer_host_ + " after " +
                    std::to_string(bad_commands_) + " unrecognized commands in a row");
        abandonTransfer();
        resetData();
        closeSession(Reply::TooManyBad);
        return;
    }
    reply(why);
}

void Session::dispatch(const CommandSpec& spec, const CommandLine& cmd) {
    // RNTO must follow RNFR at once, and REST the transfer it is for (RFC 959, RFC 3659 5.5).
    // RNTO must come right after RNFR. A REST offset waits for the transfer it is for, across
    // the commands clients send in between (TYPE, PASV, ...), as vsftpd lets it; anything else
    // forgets it (RFC 3659 5.5 wants REST right before the transfer).
    std::string rnfr = std::exchange(rnfr_, {});
    if (spec.cmd == Cmd::RNTO) rnfr_ = std::move(rnfr);
    switch (spec.cmd) {
        case Cmd::REST:
        case Cmd::RETR:
        case Cmd::STOR:
        case Cmd::TYPE:
        case Cmd::PASV:
        case Cmd::EPSV:
        case Cmd::PORT:
        case Cmd::EPRT:
        case Cmd::MODE:
        case Cmd::STRU:
        case Cmd::NOOP:
            break;
        default:
            rest_ = 0;
    }

    if ((spec.flags & kNotImplemented) != 0) {
        reply(Reply::NotImplemented);
        return;
    }
    // Without a `tls:` block on the server, RFC 4217 is not there at all.
    if (!tls_available_) {
        switch (spec.cmd) {
            case Cmd::AUTH:
                return reply(Reply::AuthNotAvailable);
            case Cmd::PBSZ:
            case Cmd::PROT:
            case Cmd::CCC:
                return reply(Reply::NotImplemented);
            default:
                break;
        }
    }
    if ((spec.flags & kNeedsLogin) != 0 && access_ == Access::None) {
        reply(Reply::NotLoggedIn);
        return;
    }
    if ((spec.flags & kArgRequired) != 0 && !cmd.has_arg) {
        reply(Reply::BadArguments);
        return;
    }
    if ((spec.flags & kNoArg) != 0 && cmd.has_arg) {
        reply(Reply::NoArgumentsAllowed);
        return;
    }
    switch (spec.cmd) {
        case Cmd::USER:
            return cmdUser(cmd);
        case Cmd::PASS:
            return cmdPass(cmd);
        case Cmd::QUIT:
            abandonTransfer();
            resetData();
            closeSession(Reply::Goodbye);
            return;
        case Cmd::SYST:
            return cmdSyst();
        case Cmd::FEAT:
            return cmdFeat();
        case Cmd::OPTS:
            return cmdOpts(cmd);
        case Cmd::HELP:
            return cmdHelp(cmd);
        case Cmd::NOOP:
            return reply(Reply::NoopOk);
        case Cmd::TYPE:
            return cmdType(cmd);
        case Cmd::MODE:
            return cmdMode(cmd);
        case Cmd::STRU:
            return cmdStru(cmd);
        case Cmd::ALLO:
            return reply(Reply::AlloOk);
        case Cmd::REST:
            return cmdRest(cmd);
        case Cmd::STAT:
            return cmdStat(cmd);
        case Cmd::CWD:
            return cmdCwd(cmd);
        case Cmd::CDUP:
            return cmdCdup();
        case Cmd::PWD:
            return cmdPwd();
        case Cmd::MKD:
            return cmdMkd(cmd);
        case Cmd::RMD:
            return cmdRmd(cmd);
        case Cmd::DELE:
            return cmdDele(cmd);
        case Cmd::RNFR:
            return cmdRnfr(cmd);
        case Cmd::RNTO:
            return cmdRnto(cmd);
        case Cmd::SIZE:
            return cmdSize(cmd);
        case Cmd::MDTM:
            return cmdMdtm(cmd);
        case Cmd::MLST:
            return cmdMlst(cmd);
        case Cmd::PASV:
            return cmdPasv();
        case Cmd::EPSV:
            return cmdEpsv(cmd);
        case Cmd::PORT:
            return cmdPort(cmd);
        case Cmd::EPRT:
            return cmdEprt(cmd);
        case Cmd::RETR:
            return cmdRetr(cmd);
        case Cmd::STOR:
            return cmdStore(cmd, TransferKind::Stor);
        case Cmd::APPE:
            return cmdStore(cmd, TransferKind::Appe);
        case Cmd::STOU:
            return cmdStore(cmd, TransferKind::Stou);
        case Cmd::LIST:
            return cmdList(cmd, TransferKind::List);
        case Cmd::NLST:
            return cmdList(cmd, TransferKind::Nlst);
        case Cmd::MLSD:
            return cmdList(cmd, TransferKind::Mlsd);
        case Cmd::ABOR:
            return cmdAbor();
        case Cmd::AUTH:
            return cmdAuth(cmd);
        case Cmd::PBSZ:
            return cmdPbsz(cmd);
        case Cmd::PROT:
            return cmdProt(cmd);
        case Cmd::CCC:
            // RFC 4217 12.3: a server may refuse to drop protection; this one always does
            // (a cleartext control connection after TLS helps only NAT helpers, and lets an
            // attacker inject commands).
            return reply(Reply::CccRefused);
        default:
            reply(Reply::NotImplemented);
            return;
    }
}

// ---- Output -----------------------------------------------------------------------------------

void Session::reply(Reply r, std::string_view detail) {
    sendRaw(formatReply(r, detail));
}

void Session::replyLines(Reply r, std::string_view first, std::string_view body,
                         std::string_view last) {
    std::string out = formatReplyStart(r, first);
    out += body;
    out += formatReplyEnd(r, last);
    sendRaw(out);
}

void Session::sendRaw(std::string_view bytes) {
    if (closing_) return;
    if (control_.pending() + bytes.size() > kMaxControlOutput) {
        // The client has stopped reading its replies: nothing said now would arrive.
        closing_ = true;
        control_.close(GORGON_CLOSE_NOW);
        return;
    }
    control_.write(bytes);
}

void Session::closeSession(Reply why) {
    if (closing_) return;
    reply(why);
    closing_ = true;
    login_timer_.cancel();
    delay_timer_.cancel();
    control_.close(GORGON_CLOSE_AFTER_FLUSH);
}

void Session::beginRequest() noexcept {
    if (in_request_) return;
    in_request_ = host().api()->conn_request_begin(host().self(), control_.id()) == GORGON_OK;
}

void Session::endRequest() noexcept {
    if (!in_request_) return;
    in_request_ = false;
    host().api()->conn_request_end(host().self(), control_.id());
}

std::int64_t Session::nowMs() const noexcept {
    return host().api()->now_ms(host().self());
}

std::optional<std::string> Session::pathArg(const CommandLine& cmd) {
    std::optional<std::string> p = resolvePath(cwd_, cmd.arg);
    if (!p) reply(Reply::BadPath);
    return p;
}

void Session::setIdleTimeout(bool on) {
    const FtpConfig& c = shared_->config;
    control_.setTimeouts(on ? c.idle_timeout_ms : 0, c.write_timeout_ms);
}

void Session::count(Stat which, std::int64_t delta) const noexcept {
    plugin_.count(which, delta);
}

// ---- Events -----------------------------------------------------------------------------------

void Session::onEvent(gorgon_conn_event event) {
    switch (event) {
        case GORGON_CONN_EOF:
            // The client's last commands may still be waiting ("QUIT" before the EOF).
            processInput();
            if (!closing_) {
                abandonTransfer();
                resetData();
                closing_ = true;
                control_.close(GORGON_CLOSE_AFTER_FLUSH);
            }
            break;
        case GORGON_CONN_READ_TIMEOUT:
            if (transfer_) break;  // the control connection is quiet during transfers
            abandonTransfer();
            resetData();
            closeSession(Reply::IdleTimeout);
            break;
        case GORGON_CONN_WRITE_TIMEOUT:
            closing_ = true;
            control_.close(GORGON_CLOSE_NOW);
            break;
        case GORGON_CONN_TLS_READY:
            controlTlsReady();
            break;
        default:
            break;
    }
}

void Session::onClose(gorgon_close_reason) {
    closing_ = true;
    abandonTransfer();
    resetData();
    login_timer_.cancel();
    delay_timer_.cancel();
    if (server_ != nullptr) server_->sessionGone(*this);
    server_ = nullptr;
    // The owner (detail::OwnedHandler) frees this object when we return.
}

}  // namespace gorgon::ftp
