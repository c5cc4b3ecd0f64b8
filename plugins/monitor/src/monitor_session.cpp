#include "monitor_session.hpp"

#include "monitor_commands.hpp"
#include "monitor_framing.hpp"
#include "monitor_plugin.hpp"
#include "monitor_server.hpp"
#include "monitor_text.hpp"
#include "monitor_tokens.hpp"

#include <gorgon/status.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
#include <utility>

#include <sys/socket.h>

namespace gorgon::monitor {

namespace {

constexpr std::size_t kNonceBytes = 32;  // 256 bits from the kernel's CSPRNG
constexpr std::size_t kMacBytes = 32;

std::string greetingText(std::string_view rest) {
    return std::string(kProtocolName) + " " + std::to_string(kProtocolVersion) + " " +
           std::string(rest);
}

// The active generation of the monitor plugin (0 if none): it changes only when the current one
// is retired.
std::uint64_t currentGeneration(Host host) {
    gorgon_status status = GORGON_OK;
    const auto generations = status::listPlugins(host, status);
    std::uint64_t out = 0;
    if (!generations) return out;
    for (const status::Generation& g : *generations) {
        if (g.name == kPluginName && g.state == "active") out = std::max(out, g.generation);
    }
    return out;
}

std::string seconds(std::uint64_t ms) {
    return std::to_string((ms + 999) / 1000) + " s";
}

}  // namespace

Session::Session(MonitorPlugin& plugin, MonitorServer& server)
    : plugin_(plugin),
      server_(&server),
      max_line_(server.config().max_line),
      max_args_(server.config().max_args),
      output_limit_(server.config().output_limit),
      idle_timeout_ms_(server.config().idle_timeout_ms),
      login_timeout_ms_(server.config().login_timeout_ms),
      write_timeout_ms_(server.config().write_timeout_ms) {}

void Session::start() {
    const std::optional<gorgon_conn_info> info = conn().info();
    if (!info || server_ == nullptr) {
        refuse(kUnavailable, "cannot identify this connection");
        return;
    }
    if (info->family == AF_UNIX) {
        if (info->peer_uid < 0 || info->peer_gid < 0) {
            who_ = "unix (no peer credentials)";
            host().warn("monitor " + server_->name() +
                        ": refused a Unix-socket caller the kernel did not identify");
            refuse(kUnavailable, "cannot identify the caller (no peer credentials)");
            return;
        }
        const auto uid = static_cast<std::uint32_t>(info->peer_uid);
        const auto gid = static_cast<std::uint32_t>(info->peer_gid);
        who_ = "uid=" + server_->userLabel(uid) + " gid=" + std::to_string(gid) +
               " pid=" + std::to_string(info->peer_pid);
        granted_ = server_->unixPermissions(uid, gid);
        state_ = State::Ready;
        conn().setTimeouts(idle_timeout_ms_, write_timeout_ms_);
        conn().write(formatMessage(kReady, greetingText("ready"), {}));
        if (host().logEnabled(GORGON_LOG_DEBUG)) {
            host().debug("monitor " + server_->name() + ": session opened by " + who_);
        }
        return;
    }

    peer_host_ = info->peer_host != nullptr ? info->peer_host : "";
    // ABI 1.2 appended the TLS fields: an older host leaves them zero (plaintext).
    const bool tls =
        info->struct_size >= offsetof(gorgon_conn_info, tls) + sizeof info->tls && info->tls != 0;
    if (tls) {
        tls_ = sanitize(info->tls_version != nullptr ? info->tls_version : "") + " " +
               sanitize(info->tls_cipher != nullptr ? info->tls_cipher : "");
    }
    who_ = std::string(tls ? "tls " : "tcp ") + sanitize(info->peer != nullptr ? info->peer : "?");
    if (!tls && server_->config().require_tls) {
        plugin_.count(Counter::Refused);
        host().warn("monitor " + server_->name() + ": refused " + who_ +
                    ": plaintext TCP, and require_tls is set (give the server a tls: block)");
        refuse(kTlsRequired, "this monitor requires TLS; connect with TLS (gorgonctl --tls)");
        return;
    }
    if (!tls && info->local != nullptr && !isLoopbackAddress(info->local) &&
        server_->firstPlaintextWarning()) {
        host().warn("monitor " + server_->name() + ": plaintext TCP connection from " + who_ +
                    " on " + sanitize(info->local) +
                    ", not a loopback address: its commands and replies are not encrypted "
                    "(give the server a tls: block; warned once)");
    }
    if (!server_->tcpEnabled()) {
        host().error("monitor " + server_->name() + ": TCP connection from " + who_ +
                     " refused: the server has no secret_file");
        refuse(kUnavailable, "TCP logins are not enabled on this server (it has no secret_file)");
        return;
    }
    const std::int64_t now = host().api()->now_ms(host().self());
    if (const std::uint64_t locked = server_->lockout().lockedFor(peer_host_, now); locked > 0) {
        plugin_.count(Counter::Refused);
        host().warn("monitor " + server_->name() + ": refused " + who_ +
                    ": locked out after failed logins for " + seconds(locked) + " more");
        refuse(kAuthFailed, "too many failed logins from " + sanitize(peer_host_) +
                                "; try again in " + seconds(locked));
        return;
    }
    std::array<std::uint8_t, kNonceBytes> nonce{};
    if (host().api()->random_bytes(host().self(), nonce.data(), nonce.size()) != GORGON_OK) {
        host().error("monitor " + server_->name() + ": no random bytes for a login challenge");
        refuse(kUnavailable, "the server cannot make a login challenge now");
        return;
    }
    nonce_ = hexEncode(nonce);
    state_ = State::Login;
    conn().setTimeouts(login_timeout_ms_, write_timeout_ms_);
    conn().write(formatMessage(kLoginFirst, greetingText("login hmac-sha256 " + nonce_), {}));
}

void Session::refuse(int code, std::string_view why) {
    if (state_ == State::Closing) return;
    Reply r;
    r.code = code;
    r.text = std::string(why);
    r.close = true;
    send(r);
}

void Session::drain() {
    // A late login answer is still given (by its timer), and closes anyway.
    if (state_ == State::Delaying || state_ == State::Closing) return;
    refuse(kUnavailable, "the monitor is being reloaded or unloaded; reconnect");
}

void Session::serverGone() noexcept {
    server_ = nullptr;
    delay_.cancel();
    if (state_ == State::Closing) return;
    state_ = State::Closing;
    conn().close(GORGON_CLOSE_AFTER_FLUSH);
}

// ---- Input ------------------------------------------------------------------------------------

void Session::onData() {
    processInput();
}

void Session::onDrained() {
    if (paused_) {
        paused_ = false;
        conn().pauseReading(false);
        processInput();
    }
}

void Session::processInput() {
    while ((state_ == State::Ready || state_ == State::Login) && server_ != nullptr) {
        // Replies are bounded per client: with output_limit queued, the next command waits
        // until the client has read what it asked for.
        if (conn().outputLength() >= output_limit_) {
            paused_ = true;
            conn().pauseReading(true);
            return;
        }
        bool too_long = false;
        std::optional<std::string> line = conn().readLine(max_line_, too_long);
        if (!line) {
            if (too_long) {
                host().warn("monitor " + server_->name() + ": " + who_ +
                            " sent a line over max_line; closing");
                refuse(kTooLarge, "line too long: at most " + std::to_string(max_line_) + " bytes");
            }
            return;
        }
        handleLine(*line);
    }
}

void Session::handleLine(std::string_view line) {
    if (state_ == State::Login) {
        handleLogin(line);
        return;
    }
    // Blank lines get no reply, so that a script may space its commands out.
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;
    handleCommand(line);
}

// ---- Login ------------------------------------------------------------------------------------

bool Session::verifyLogin(std::string_view line) {
    // The challenge is used once, whatever the answer: a second try on this connection, or a
    // replay of an answer seen before, has nothing to match.
    const std::string nonce = std::exchange(nonce_, std::string());
    const TokenResult t = tokenize(line, 3);
    if (t.error != TokenError::None || t.words.size() != 2 || t.words[0] != "login" ||
        nonce.empty() || server_ == nullptr) {
        return false;
    }
    const auto answer = hexDecode(t.words[1], kMacBytes);
    if (!answer) return false;
    const std::string& secret = server_->config().secret;
    std::array<std::uint8_t, kMacBytes> expected{};
    if (host().api()->hmac_sha256(host().self(), secret.data(), secret.size(), nonce.data(),
                                  nonce.size(), expected.data()) != GORGON_OK) {
        host().error("monitor: HMAC-SHA256 failed");
        return false;
    }
    const bool ok = host().api()->mem_equal(expected.data(), answer->data(), kMacBytes) == 1;
    explicit_bzero(expected.data(), expected.size());
    return ok;
}

void Session::handleLogin(std::string_view line) {
    const bool ok = verifyLogin(line);
    if (server_ == nullptr) return;
    if (ok) {
        server_->lockout().recordSuccess(peer_host_);
        plugin_.count(Counter::LoginsOk);
        granted_ = server_->config().secret_permissions;
        state_ = State::Ready;
        conn().setTimeouts(idle_timeout_ms_, write_timeout_ms_);
        host().info("audit: " + who_ + " on " + server_->name() + ": login -> " +
                    std::to_string(kLoggedIn) + " logged in" +
                    (tls_.empty() ? std::string() : " (" + tls_ + ")"));
        send(Reply{kLoggedIn, "logged in", {}, false});
        return;
    }
    plugin_.count(Counter::LoginsFailed);
    const std::int64_t now = host().api()->now_ms(host().self());
    const FailureOutcome outcome = server_->lockout().recordFailure(peer_host_, now);
    if (outcome.locked_now) plugin_.count(Counter::Lockouts);
    host().warn(
        "audit: " + who_ + " on " + server_->name() + ": login -> " + std::to_string(kAuthFailed) +
        " authentication failed (" + std::to_string(outcome.failures) + " of " +
        std::to_string(server_->config().lockout.max_failures) + " failures" +
        (outcome.locked_ms > 0 ? "; locked out for " + seconds(outcome.locked_ms) : "") + ")");
    // Nothing more is read from this client; it gets its answer late, then is closed.
    state_ = State::Delaying;
    conn().pauseReading(true);
    conn().setTimeouts(0, write_timeout_ms_);
    const std::uint64_t locked = outcome.locked_ms;
    if (outcome.delay_ms == 0 || !delay_.start(host(), outcome.delay_ms, false,
                                               [this, locked] { answerFailedLogin(locked); })) {
        answerFailedLogin(locked);
    }
}

void Session::answerFailedLogin(std::uint64_t locked_ms) {
    if (state_ != State::Delaying) return;
    std::string why = "authentication failed";
    if (locked_ms > 0) {
        why += "; too many failures: this address is locked out for " + seconds(locked_ms);
    }
    refuse(kAuthFailed, why);
}

// ---- Commands ---------------------------------------------------------------------------------

void Session::handleCommand(std::string_view line) {
    if (server_ == nullptr) return;
    MonitorServer& server = *server_;
    plugin_.count(Counter::Commands);
    const std::uint64_t generation = currentGeneration(host());
    const bool begun = host().api()->conn_request_begin(host().self(), conn().id()) == GORGON_OK;
    CommandOutcome outcome = runCommand(host(), server, granted_, line);
    if (begun) host().api()->conn_request_end(host().self(), conn().id());
    if (outcome.denied) plugin_.count(Counter::Denied);
    // A command that retired this very generation (reload or unload of the monitor, or a
    // configuration reload that replaced it) is answered with 221 instead of 200: done, and the
    // connection closes after this reply. The client knows to reconnect (to the new generation)
    // before its next command, instead of racing the close.
    if (outcome.changes && currentGeneration(host()) != generation) {
        if (outcome.reply.code == kOk) outcome.reply.code = kClosing;
        outcome.reply.close = true;
    }
    const bool warn = outcome.changes || outcome.denied || outcome.reply.code >= 400;
    audit(warn ? GORGON_LOG_WARN : GORGON_LOG_INFO, line, outcome.reply);
    send(outcome.reply);
}

void Session::audit(gorgon_log_level level, std::string_view line, const Reply& reply) const {
    if (!host().logEnabled(level)) return;
    host().log(level, "audit: " + who_ + " on " + (server_ != nullptr ? server_->name() : "?") +
                          ": " + quoteForLog(line, 512) + " -> " + std::to_string(reply.code) +
                          " " + statusText(reply.text));
}

// ---- Output -----------------------------------------------------------------------------------

void Session::send(const Reply& reply) {
    if (state_ == State::Closing) return;
    std::string message;
    if (reply.body.size() > output_limit_) {
        // One reply may not exceed what a client may have queued; say so instead.
        message = formatMessage(kTooLarge,
                                "the reply (" + std::to_string(reply.body.size()) +
                                    " bytes) exceeds output_limit (" +
                                    std::to_string(output_limit_) + " bytes)",
                                {});
    } else {
        message = formatMessage(reply.code, reply.text, reply.body);
    }
    const gorgon_status status = conn().write(message);
    if (reply.close || status != GORGON_OK) {
        state_ = State::Closing;
        delay_.cancel();
        conn().close(GORGON_CLOSE_AFTER_FLUSH);
    }
}

// ---- Events -----------------------------------------------------------------------------------

void Session::onEvent(gorgon_conn_event event) {
    switch (event) {
        case GORGON_CONN_EOF:
            // The client sent its last command and shut its side ("printf 'status\n' | nc -U"):
            // answer what came, then close. A last line without a newline is still run.
            processInput();
            if (state_ == State::Ready && server_ != nullptr) {
                const std::size_t rest = conn().inputLength();
                if (rest > 0 && rest <= max_line_) {
                    std::string line(conn().peek(rest));
                    conn().consume(rest);
                    if (!line.empty() && line.back() == '\r') line.pop_back();
                    handleLine(line);
                }
            }
            if (state_ != State::Delaying && state_ != State::Closing) {
                state_ = State::Closing;
                conn().close(GORGON_CLOSE_AFTER_FLUSH);
            }
            break;
        case GORGON_CONN_READ_TIMEOUT:
            if (state_ == State::Login) {
                refuse(kUnavailable,
                       "login timeout: no answer within " + seconds(login_timeout_ms_));
            } else if (state_ == State::Ready) {
                refuse(kUnavailable,
                       "idle timeout: nothing received for " + seconds(idle_timeout_ms_));
            }
            break;
        case GORGON_CONN_WRITE_TIMEOUT:
            // The client stopped reading: nothing more it is sent would arrive.
            state_ = State::Closing;
            delay_.cancel();
            conn().close(GORGON_CLOSE_NOW);
            break;
        default:
            // Events of connections the monitor does not make (conn_connect), or added by later
            // ABI minors: nothing to do.
            break;
    }
}

void Session::onClose(gorgon_close_reason /*reason*/) {
    delay_.cancel();
    if (server_ != nullptr) server_->detach(*this);
    plugin_.destroySession(conn().id());  // frees *this: nothing may follow
}

}  // namespace gorgon::monitor
