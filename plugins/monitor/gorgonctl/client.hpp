// One connection to the monitor: connect with a deadline (Unix socket or TCP), read the
// greeting, log in over TCP, send a command line and read its framed reply with a deadline.
// Every failure is a ClientError carrying the exit code it should end gorgonctl with.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

struct ssl_st;
struct ssl_ctx_st;

namespace gorgonctl {

class ClientError : public std::runtime_error {
  public:
    ClientError(int exit_code, const std::string& message)
        : std::runtime_error(message), exit_code_(exit_code) {}
    [[nodiscard]] int exitCode() const noexcept { return exit_code_; }

  private:
    int exit_code_;
};

struct Message {
    int code = 0;
    std::string text;
    std::string body;
};

// TLS over TCP: the server's certificate is verified after the handshake, before anything is
// read or sent over it.
struct TlsSettings {
    bool enabled = false;
    std::string ca_file;            // empty: the system's CAs, unless pins are given
    std::string server_name;        // SNI and the name verified; empty: the host
    std::vector<std::string> pins;  // SHA-256 of the certificate's DER, 64 lower-case hex digits
};

struct Endpoint {
    std::string socket;  // a Unix socket path, or empty for TCP
    std::string host;
    std::uint16_t port = 0;
    TlsSettings tls;
    [[nodiscard]] std::string describe() const;
};

class Client {
  public:
    Client() = default;
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Connects and reads the greeting. Over TCP the greeting is a challenge: `secret` answers
    // it (an empty secret is an authentication error). Throws ClientError.
    void connect(const Endpoint& endpoint, const std::string& secret, double connect_timeout_s,
                 double reply_timeout_s);
    void close() noexcept;
    [[nodiscard]] bool connected() const noexcept { return fd_ >= 0; }
    // Over TCP: the greeting asked for a login (so a secret is needed to reconnect).
    [[nodiscard]] bool loginRequired() const noexcept { return login_required_; }

    // Sends one command line and returns its reply. Throws ClientError.
    Message command(const std::string& line);

    // A message the server sent without being asked (a 421 before it closes), or the end of
    // the connection (out.code 0), noticed without waiting. Returns true and fills `out` when
    // either is there; the connection is closed afterwards.
    bool pollUnsolicited(Message& out);

  private:
    void connectSocket(const Endpoint& endpoint, double timeout_s);
    void startTls(const Endpoint& endpoint, double timeout_s);
    // Waits until fd_ is ready for `events`; false on timeout.
    bool waitFor(short events, int timeout_ms);
    // Reads what has arrived without waiting: 1 when bytes were added to in_, 0 at the end of
    // the stream, -1 when there is nothing yet (wait for `wait_events`). Throws ClientError.
    int readSome(short& wait_events, const char* what);
    void sendAll(const std::string& data);
    Message readMessage();
    std::string readLine(std::size_t max);
    void fill(const char* what);

    int fd_ = -1;
    ssl_ctx_st* ctx_ = nullptr;  // TLS only
    ssl_st* ssl_ = nullptr;
    bool login_required_ = false;
    double reply_timeout_s_ = 30;
    std::string in_;  // bytes read but not yet consumed
};

}  // namespace gorgonctl
