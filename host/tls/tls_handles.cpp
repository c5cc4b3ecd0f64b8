#include "tls/tls_handles.hpp"

#include <openssl/err.h>

namespace gorgon {

void freeX509Stack(STACK_OF(X509) * stack) noexcept {
    sk_X509_pop_free(stack, X509_free);
}

std::string takeTlsErrors(const char* fallback) {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        // The reason alone ("wrong version number") reads better in a log line than the whole
        // "error:0A00010B:SSL routines::..." form; the library name helps only without one.
        const char* reason = ERR_reason_error_string(e);
        std::string text;
        if (reason != nullptr) {
            text = reason;
        } else {
            char buf[256];
            ERR_error_string_n(e, buf, sizeof buf);
            text = buf;
        }
        if (out.find(text) != std::string::npos) continue;  // the same reason twice says nothing
        out += (out.empty() ? "" : "; ") + text;
    }
    return out.empty() ? std::string(fallback) : out;
}

}  // namespace gorgon
