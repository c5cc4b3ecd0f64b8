#include "client.hpp"

#include "exit_codes.hpp"
#include "monitor_framing.hpp"
#include "monitor_text.hpp"
#include "monitor_tokens.hpp"
#include "secret.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace gorgonctl {

namespace mon = gorgon::monitor;

namespace {

// The largest reply body accepted: the server's output_limit cannot exceed 1 GiB.
constexpr std::uint64_t kMaxBody = std::uint64_t{1} << 30;

using Clock = std::chrono::steady_clock;

int msLeft(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

Clock::time_point after(double seconds) {
    return Clock::now() + std::chrono::microseconds(static_cast<long long>(seconds * 1e6));
}

std::string errnoText(int e) {
    return std::strerror(e);
}

// Connects non-blocking and waits for the outcome until `deadline`. Returns 0 or an errno.
int connectWithin(int fd, const sockaddr* addr, socklen_t len, Clock::time_point deadline) {
    if (::connect(fd, addr, len) == 0) return 0;
    if (errno != EINPROGRESS && errno != EAGAIN) return errno;
    pollfd p{fd, POLLOUT, 0};
    while (true) {
        const int rc = ::poll(&p, 1, msLeft(deadline));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return errno;
        if (rc == 0) return ETIMEDOUT;
        break;
    }
    int err = 0;
    socklen_t err_len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) return errno;
    return err;
}

}  // namespace

std::string Endpoint::describe() const {
    if (!socket.empty()) return socket;
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
}

Client::~Client() {
    close();
}

void Client::close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    in_.clear();
}

void Client::connectSocket(const Endpoint& ep, double timeout_s) {
    const Clock::time_point deadline = after(timeout_s);
    const std::string where = ep.describe();
    if (!ep.socket.empty()) {
        sockaddr_un un{};
        if (ep.socket.size() >= sizeof un.sun_path) {
            throw ClientError(kExitUsage, "socket path too long: " + ep.socket);
        }
        un.sun_family = AF_UNIX;
        std::memcpy(un.sun_path, ep.socket.data(), ep.socket.size());
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd_ < 0) throw ClientError(kExitConnect, "socket: " + errnoText(errno));
        const int err = connectWithin(fd_, reinterpret_cast<const sockaddr*>(&un),
                                      static_cast<socklen_t>(sizeof un), deadline);
        if (err != 0) {
            close();
            throw ClientError(kExitConnect, "cannot connect to " + where + ": " + errnoText(err));
        }
        return;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const std::string port = std::to_string(ep.port);
    const int gai = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &list);
    if (gai != 0) {
        throw ClientError(kExitConnect, "cannot resolve " + ep.host + ": " + gai_strerror(gai));
    }
    std::string last = "no address";
    for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
        fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd_ < 0) {
            last = errnoText(errno);
            continue;
        }
        const int err = connectWithin(fd_, a->ai_addr, a->ai_addrlen, deadline);
        if (err == 0) {
            ::freeaddrinfo(list);
            return;
        }
        last = errnoText(err);
        close();
    }
    ::freeaddrinfo(list);
    throw ClientError(kExitConnect, "cannot connect to " + where + ": " + last);
}

void Client::connect(const Endpoint& endpoint, const std::string& secret, double connect_timeout_s,
                     double reply_timeout_s) {
    close();
    reply_timeout_s_ = connect_timeout_s;  // the greeting comes at once, or not at all
    connectSocket(endpoint, connect_timeout_s);
    const Message greeting = readMessage();
    reply_timeout_s_ = reply_timeout_s;
    if (greeting.code != mon::kReady && greeting.code != mon::kLoginFirst) {
        close();
        const int code = exitCodeFor(greeting.code);
        throw ClientError(code == kExitOk ? kExitProtocol : code,
                          "the server refused the connection: " + std::to_string(greeting.code) +
                              " " + greeting.text);
    }
    // "gorgon-monitor 1 ready" or "gorgon-monitor 1 login hmac-sha256 NONCE".
    const auto words = mon::tokenize(greeting.text, 8).words;
    if (words.size() < 3 || words[0] != mon::kProtocolName) {
        close();
        throw ClientError(kExitProtocol, "not a Gorgon monitor: greeting \"" +
                                             mon::sanitize(greeting.text) + "\"");
    }
    if (words[1] != std::to_string(mon::kProtocolVersion)) {
        close();
        throw ClientError(kExitProtocol, "the monitor speaks protocol version " +
                                             mon::sanitize(words[1]) + "; gorgonctl speaks " +
                                             std::to_string(mon::kProtocolVersion));
    }
    login_required_ = greeting.code == mon::kLoginFirst;
    if (!login_required_) return;
    if (words.size() != 5 || words[2] != "login" || words[3] != "hmac-sha256" ||
        words[4].size() < 32 || words[4].size() > 256) {
        close();
        throw ClientError(kExitProtocol,
                          "unexpected login challenge \"" + mon::sanitize(greeting.text) + "\"");
    }
    if (secret.empty()) {
        close();
        throw ClientError(kExitAuth, "the monitor asks for a login, and no secret was given");
    }
    const Message reply = command("login " + hmacHex(secret, words[4]));
    if (reply.code != mon::kLoggedIn) {
        close();
        const int code = exitCodeFor(reply.code);
        throw ClientError(code == kExitOk ? kExitProtocol : code,
                          "login refused: " + std::to_string(reply.code) + " " + reply.text);
    }
}

void Client::sendAll(const std::string& data) {
    const Clock::time_point deadline = after(reply_timeout_s_);
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd_, POLLOUT, 0};
            const int rc = ::poll(&p, 1, msLeft(deadline));
            if (rc == 0) throw ClientError(kExitProtocol, "timed out sending the command");
            continue;
        }
        const int e = errno;
        close();
        throw ClientError(kExitProtocol, "connection lost while sending: " + errnoText(e));
    }
}

void Client::fill(const char* what) {
    const Clock::time_point deadline = after(reply_timeout_s_);
    char buf[65536];
    while (true) {
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            in_.append(buf, static_cast<std::size_t>(n));
            return;
        }
        if (n == 0) {
            close();
            throw ClientError(kExitProtocol,
                              std::string("the monitor closed the connection while ") + what);
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            pollfd p{fd_, POLLIN, 0};
            const int rc = ::poll(&p, 1, msLeft(deadline));
            if (rc < 0 && errno == EINTR) continue;
            if (rc <= 0) {
                close();
                throw ClientError(kExitProtocol, std::string("timed out after ") +
                                                     std::to_string(reply_timeout_s_) +
                                                     " s while " + what);
            }
            continue;
        }
        const int e = errno;
        close();
        throw ClientError(kExitProtocol,
                          "connection lost while " + std::string(what) + ": " + errnoText(e));
    }
}

std::string Client::readLine(std::size_t max) {
    while (true) {
        const std::size_t nl = in_.find('\n');
        if (nl != std::string::npos) {
            if (nl > max) break;
            std::string line = in_.substr(0, nl);
            in_.erase(0, nl + 1);
            return line;
        }
        if (in_.size() > max) break;
        fill("waiting for a reply");
    }
    close();
    throw ClientError(kExitProtocol, "the reply's status line is too long");
}

Message Client::readMessage() {
    const std::string line = readLine(mon::kMaxStatusLine + 1);
    mon::StatusLine status;
    std::string error;
    if (!mon::parseStatusLine(line, kMaxBody, status, error)) {
        close();
        throw ClientError(kExitProtocol, "malformed reply: " + error);
    }
    const auto length = static_cast<std::size_t>(status.length);
    while (in_.size() < length) fill("reading a reply's body");
    Message m{status.code, std::move(status.text), in_.substr(0, length)};
    in_.erase(0, length);
    return m;
}

Message Client::command(const std::string& line) {
    if (fd_ < 0) throw ClientError(kExitConnect, "not connected");
    sendAll(line + "\n");
    return readMessage();
}

bool Client::pollUnsolicited(Message& out) {
    if (fd_ < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (in_.empty() && ::poll(&p, 1, 0) <= 0) return false;
    try {
        out = readMessage();
    } catch (const ClientError&) {
        out = Message{0, "the monitor closed the connection", {}};
    }
    close();
    return true;
}

}  // namespace gorgonctl
