// One monitor connection: the greeting, the TCP login, line framing with limits, access checks,
// running each command, the reply, and the audit line. Output is bounded per client: while more
// than output_limit is queued, no further command is read.
#pragma once

#include "monitor_acl.hpp"
#include "monitor_reply.hpp"

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon::monitor {

class MonitorPlugin;
class MonitorServer;

class Session final : public ConnHandler {
  public:
    enum class State {
        Login,     // TCP: the challenge is out, the answer is awaited
        Ready,     // commands are read and answered
        Delaying,  // a failed login is being answered late
        Closing,   // the last reply is queued; nothing more is read or sent
    };

    Session(MonitorPlugin& plugin, MonitorServer& server);

    // Identifies the caller and sends the greeting (or the challenge).
    void start();
    // Sends one message with `code` and an empty body, then closes once it is sent.
    void refuse(int code, std::string_view why);
    // The generation is being retired: say so and close, unless a login answer is pending.
    void drain();
    // The server was removed (its state is freed): close.
    void serverGone() noexcept;

    void onData() override;
    void onDrained() override;
    void onEvent(gorgon_conn_event event) override;
    void onClose(gorgon_close_reason reason) override;

    [[nodiscard]] const std::string& who() const noexcept { return who_; }
    [[nodiscard]] PermissionSet granted() const noexcept { return granted_; }

  private:
    void processInput();
    void handleLine(std::string_view line);
    void handleLogin(std::string_view line);
    void handleCommand(std::string_view line);
    [[nodiscard]] bool verifyLogin(std::string_view line);
    void answerFailedLogin(std::uint64_t locked_ms);
    void send(const Reply& reply);
    void audit(gorgon_log_level level, std::string_view line, const Reply& reply) const;

    MonitorPlugin& plugin_;
    MonitorServer* server_;  // null once the server is gone
    State state_ = State::Ready;
    std::string who_;        // for audit lines: "uid=1000(alice) gid=1000 pid=42" or "tcp ADDR"
    std::string peer_host_;  // TCP: the address failed logins are counted against
    std::string tls_;        // TLS: "TLSv1.3 TLS_AES_256_GCM_SHA384", else empty
    PermissionSet granted_ = kPermNone;
    std::string nonce_;    // TCP: the challenge, hex; emptied by the first answer
    bool paused_ = false;  // reading stopped while output above the limit drains
    Timer delay_;          // answers a failed login
    // Copied from the server, which may go away before the session.
    std::size_t max_line_;
    std::size_t max_args_;
    std::size_t output_limit_;
    std::uint64_t idle_timeout_ms_;
    std::uint64_t login_timeout_ms_;
    std::uint64_t write_timeout_ms_;
};

}  // namespace gorgon::monitor
