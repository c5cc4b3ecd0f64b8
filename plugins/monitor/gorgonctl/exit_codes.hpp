// gorgonctl's exit codes: what scripts may rely on (documented in plugins/monitor/README.md and
// docs/monitor-protocol.md). Never renumber one.
#pragma once

namespace gorgonctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;     // the command failed or was refused (4xx/5xx)
inline constexpr int kExitUsage = 2;      // bad options, or the server said malformed (400, 413)
inline constexpr int kExitConnect = 3;    // no socket, refused, timeout, server busy (421)
inline constexpr int kExitAuth = 4;       // login failed, locked out, no secret (530)
inline constexpr int kExitProtocol = 5;   // malformed reply, wrong version, reply timeout, lost
inline constexpr int kExitForbidden = 6;  // the access list does not allow it (403)
inline constexpr int kExitTls = 7;        // TLS handshake or certificate verification failed,
                                          // or the server requires TLS (534)

// The exit code for a reply code.
[[nodiscard]] constexpr int exitCodeFor(int reply_code) noexcept {
    if (reply_code >= 200 && reply_code < 300) return kExitOk;
    switch (reply_code) {
        case 400:
        case 413:
            return kExitUsage;
        case 403:
            return kExitForbidden;
        case 421:
            return kExitConnect;
        case 530:
            return kExitAuth;
        case 534:
            return kExitTls;
        default:
            return kExitFailed;
    }
}

}  // namespace gorgonctl
