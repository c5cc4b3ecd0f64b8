#include "secret.hpp"

#include "client.hpp"
#include "exit_codes.hpp"
#include "monitor_secret.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

namespace gorgonctl {

std::string readSecretFile(const std::string& path) {
    // The same rules the server applies to its copy: our own file, mode 0600, 16-4096 bytes.
    std::string secret;
    std::string error;
    if (!gorgon::monitor::loadSecret(path, static_cast<std::uint32_t>(::geteuid()), secret,
                                     error)) {
        throw ClientError(kExitAuth, error);
    }
    return secret;
}

std::string promptSecret(const std::string& prompt) {
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0) {
        throw ClientError(kExitAuth,
                          "the monitor asks for a login: give --secret-file (there is no "
                          "terminal to ask on)");
    }
    termios saved{};
    const bool is_tty = ::tcgetattr(tty, &saved) == 0;
    if (is_tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    (void)!::write(tty, prompt.data(), prompt.size());
    std::string secret;
    char c = 0;
    while (secret.size() <= gorgon::monitor::kMaxSecretLength) {
        const ssize_t n = ::read(tty, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n' || c == '\r') break;
        secret += c;
    }
    c = 0;
    if (is_tty) ::tcsetattr(tty, TCSAFLUSH, &saved);
    ::close(tty);
    if (secret.empty()) throw ClientError(kExitAuth, "no secret given");
    return secret;
}

std::string hmacHex(const std::string& secret, const std::string& nonce) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size(), mac,
             &len) == nullptr) {
        throw ClientError(kExitAuth, "HMAC-SHA256 failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += kHex[mac[i] >> 4];
        out += kHex[mac[i] & 0x0f];
    }
    OPENSSL_cleanse(mac, sizeof mac);
    return out;
}

void wipe(std::string& secret) noexcept {
    if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
    secret.clear();
}

}  // namespace gorgonctl
