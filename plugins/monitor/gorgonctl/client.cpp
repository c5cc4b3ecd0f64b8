#include "client.hpp"

#include "exit_codes.hpp"
#include "monitor_framing.hpp"
#include "monitor_text.hpp"
#include "monitor_tokens.hpp"
#include "secret.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
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

// OpenSSL's queued errors, oldest first, and clears them.
std::string sslErrors() {
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

bool isIpLiteral(const std::string& host) {
    in6_addr v6{};
    in_addr v4{};
    return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 ||
           ::inet_pton(AF_INET, host.c_str(), &v4) == 1;
}

// "sha256:AB:CD:...", the form `openssl x509 -fingerprint -sha256` prints (after "sha256").
std::string fingerprintText(const std::string& hex) {
    std::string out = "sha256:";
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (i > 0) out += ':';
        for (std::size_t j = i; j < i + 2 && j < hex.size(); ++j) {
            const char c = hex[j];
            out += c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c;
        }
    }
    return out;
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
    if (ssl_ != nullptr) {
        // One attempt at close_notify: the socket is non-blocking, nothing is waited for.
        if (fd_ >= 0 && SSL_is_init_finished(ssl_) == 1) (void)SSL_shutdown(ssl_);
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (ctx_ != nullptr) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
    }
    ERR_clear_error();
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
    if (endpoint.socket.empty() && endpoint.tls.enabled) startTls(endpoint, connect_timeout_s);
    Message greeting;
    try {
        greeting = readMessage();
    } catch (const ClientError& e) {
        // A TLS listener waits for a handshake: a plaintext client waits for a greeting, in vain.
        if (!endpoint.socket.empty() || endpoint.tls.enabled) throw;
        throw ClientError(e.exitCode(),
                          std::string(e.what()) + " (if the server's listener is TLS, add --tls)");
    }
    if (greeting.code == mon::kTlsRequired) {
        close();
        throw ClientError(
            kExitTls, "the server refused the connection: " + std::to_string(greeting.code) + " " +
                          greeting.text + " (add --tls)");
    }
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

void Client::startTls(const Endpoint& ep, double timeout_s) {
    const Clock::time_point deadline = after(timeout_s);
    const TlsSettings& t = ep.tls;
    const std::string where = ep.describe();
    auto fail = [&](int code, const std::string& message) {
        close();
        return ClientError(code, message);
    };
    ERR_clear_error();
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) throw fail(kExitTls, "cannot make a TLS context: " + sslErrors());
    if (SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION) != 1) {
        throw fail(kExitTls, "cannot require TLS 1.2: " + sslErrors());
    }
    // The chain is checked against --ca-file, or the system's CAs when neither it nor a pin is
    // given; a pin alone checks the certificate itself and nothing else.
    const bool verify_chain = !t.ca_file.empty() || t.pins.empty();
    if (!t.ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(ctx_, t.ca_file.c_str(), nullptr) != 1) {
            throw fail(kExitUsage, "cannot read the CA file " + t.ca_file + ": " + sslErrors());
        }
    } else if (verify_chain && SSL_CTX_set_default_verify_paths(ctx_) != 1) {
        throw fail(kExitTls, "cannot load the system's CA certificates: " + sslErrors());
    }
    // The handshake does not stop on a bad certificate: the result is checked right after it
    // (before anything is read or sent), to say exactly what was wrong.
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
        throw fail(kExitTls, "cannot start TLS: " + sslErrors());
    }
    const std::string name = t.server_name.empty() ? ep.host : t.server_name;
    const bool ip = isIpLiteral(name);
    // SSL_set_tlsext_host_name, without its macro's C cast.
    if (!ip && SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                        const_cast<char*>(name.c_str())) != 1) {
        throw fail(kExitUsage, "cannot send the server name \"" + name + "\": " + sslErrors());
    }
    if (verify_chain) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                          : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
        if (ok != 1) throw fail(kExitUsage, "cannot verify the name \"" + name + "\"");
    }
    while (true) {
        ERR_clear_error();
        const int rc = SSL_connect(ssl_);
        if (rc == 1) break;
        const int err = SSL_get_error(ssl_, rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            if (!waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, msLeft(deadline))) {
                throw fail(kExitTls, "TLS handshake with " + where + " timed out");
            }
            continue;
        }
        std::string why = sslErrors();
        if (why.empty()) {
            why = err == SSL_ERROR_SYSCALL && errno != 0
                      ? errnoText(errno)
                      : "the server closed the connection (is its listener TLS?)";
        }
        throw fail(kExitTls, "TLS handshake with " + where + " failed: " + why);
    }
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) throw fail(kExitTls, "certificate verification failed: no certificate");
    std::string hex;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    const bool digested = X509_digest(cert, EVP_sha256(), md, &md_len) == 1;
    X509_free(cert);
    if (!digested) throw fail(kExitTls, "cannot hash the server's certificate: " + sslErrors());
    static const char* const kHex = "0123456789abcdef";
    for (unsigned i = 0; i < md_len; ++i) {
        hex += kHex[md[i] >> 4];
        hex += kHex[md[i] & 15];
    }
    if (verify_chain) {
        const long result = SSL_get_verify_result(ssl_);
        if (result != X509_V_OK) {
            throw fail(kExitTls, "certificate verification failed: " +
                                     std::string(X509_verify_cert_error_string(result)) +
                                     " (name " + name + ", CAs from " +
                                     (t.ca_file.empty() ? "the system" : t.ca_file) +
                                     "; certificate " + fingerprintText(hex) + ")");
        }
    }
    if (!t.pins.empty() && std::find(t.pins.begin(), t.pins.end(), hex) == t.pins.end()) {
        throw fail(kExitTls, "certificate fingerprint " + fingerprintText(hex) +
                                 " does not match the pinned " + fingerprintText(t.pins.front()) +
                                 (t.pins.size() > 1 ? " (nor the other pins)" : ""));
    }
}

void Client::sendAll(const std::string& data) {
    const Clock::time_point deadline = after(reply_timeout_s_);
    std::size_t sent = 0;
    while (sent < data.size() && ssl_ != nullptr) {
        ERR_clear_error();
        const int n =
            SSL_write(ssl_, data.data() + sent,
                      static_cast<int>(std::min<std::size_t>(data.size() - sent, 1 << 20)));
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        const int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            if (!waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, msLeft(deadline))) {
                throw ClientError(kExitProtocol, "timed out sending the command");
            }
            continue;
        }
        const std::string why = sslErrors();
        close();
        throw ClientError(kExitProtocol, "connection lost while sending" +
                                             (why.empty() ? std::string() : ": " + why));
    }
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

bool Client::waitFor(short events, int timeout_ms) {
    pollfd p{fd_, events, 0};
    while (true) {
        const int rc = ::poll(&p, 1, timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        return rc > 0;
    }
}

int Client::readSome(short& wait_events, const char* what) {
    char buf[65536];
    if (ssl_ != nullptr) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            in_.append(buf, static_cast<std::size_t>(n));
            return 1;
        }
        const int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            wait_events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
            return -1;
        }
        if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
            return 0;  // close_notify, or the end of the stream without one
        }
        const std::string why = sslErrors();
        close();
        throw ClientError(kExitProtocol, "connection lost while " + std::string(what) +
                                             (why.empty() ? std::string() : ": " + why));
    }
    while (true) {
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            in_.append(buf, static_cast<std::size_t>(n));
            return 1;
        }
        if (n == 0) return 0;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wait_events = POLLIN;
            return -1;
        }
        const int e = errno;
        close();
        throw ClientError(kExitProtocol,
                          "connection lost while " + std::string(what) + ": " + errnoText(e));
    }
}

void Client::fill(const char* what) {
    const Clock::time_point deadline = after(reply_timeout_s_);
    while (true) {
        short events = POLLIN;
        const int got = readSome(events, what);
        if (got > 0) return;
        if (got == 0) {
            close();
            throw ClientError(kExitProtocol,
                              std::string("the monitor closed the connection while ") + what);
        }
        if (!waitFor(events, msLeft(deadline))) {
            close();
            throw ClientError(kExitProtocol, std::string("timed out after ") +
                                                 std::to_string(reply_timeout_s_) + " s while " +
                                                 what);
        }
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
    try {
        if (in_.empty()) {
            // Readable may mean only TLS records without data (a session ticket): nothing then.
            pollfd p{fd_, POLLIN, 0};
            const bool pending = ssl_ != nullptr && SSL_pending(ssl_) > 0;
            if (!pending && ::poll(&p, 1, 0) <= 0) return false;
            short events = POLLIN;
            const int got = readSome(events, "waiting");
            if (got < 0) return false;
            if (got == 0) {
                out = Message{0, "the monitor closed the connection", {}};
                close();
                return true;
            }
        }
        out = readMessage();
    } catch (const ClientError&) {
        out = Message{0, "the monitor closed the connection", {}};
    }
    close();
    return true;
}

}  // namespace gorgonctl
