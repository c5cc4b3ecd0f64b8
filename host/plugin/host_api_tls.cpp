// ABI 1.2 host functions for TLS: conn_start_tls and the TLS members of conn_info. Trampolines:
// they check what the plugin passes, never throw.
#include "plugin/host_api_internal.hpp"
#include "tls/tls_context.hpp"
#include "tls/tls_stream.hpp"

#include <sys/socket.h>

namespace gorgon::api {

gorgon_status connStartTls(gorgon_plugin* self, gorgon_conn_id id, gorgon_conn_id resume_from,
                           uint32_t flags) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (c->state != Connection::State::Open) return GORGON_E_STALE;
    if ((flags & ~GORGON_TLS_REQUIRE_REUSE) != 0 || c->tls || c->shut_write) return GORGON_E_INVAL;
    if (c->family == AF_UNIX || c->server == nullptr || !c->server->tls) {
        return GORGON_E_UNSUPPORTED;
    }
    // The boundary between plaintext and TLS is the output buffer's length now; a body still
    // being produced would straddle it.
    if (!c->sendq.empty()) return GORGON_E_BUSY;
    std::shared_ptr<const TlsContext> context = c->server->tls;
    uint64_t require = 0;
    if (resume_from != 0) {
        Connection* from = gen(self).host().connections().find(resume_from);
        if (from == nullptr || !from->open() || from->owner == nullptr) return GORGON_E_STALE;
        if (from->owner->name() != gen(self).name()) return GORGON_E_PERM;
        if (!from->tls || from->tls->state != TlsStream::State::Ready) return GORGON_E_INVAL;
        // Its context, not the server's newest: the session to resume is in that one's cache
        // and sealed with its ticket keys, even after a certificate reload.
        context = from->tls->context();
        if ((flags & GORGON_TLS_REQUIRE_REUSE) != 0) require = from->tls->origin();
    } else if ((flags & GORGON_TLS_REQUIRE_REUSE) != 0) {
        return GORGON_E_INVAL;
    }
    gorgon_status started = GORGON_OK;
    try {
        started = gen(self).host().connections().startTls(*c, std::move(context), true, require);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
    // A connection that resumes another's session (an FTPS data connection) gets no tickets of
    // its own: its client resumes `resume_from`'s session, and may only ever write to this one
    // (an upload). TLS 1.3 tickets it never reads make its close(2) send a reset, not a FIN,
    // and the reset can cut the connection before its end has been read (lftp, see
    // TlsStream::noTickets).
    if (started == GORGON_OK && resume_from != 0) c->tls->noTickets();
    return started;
}

void fillTlsInfo(const Connection& c, gorgon_conn_info& info) noexcept {
    static const char kNone[] = "";
    const TlsStream* t = c.tls.get();
    bool ready = t != nullptr && t->state == TlsStream::State::Ready;
    info.tls = ready ? 1 : 0;
    info.tls_version = ready ? t->version.c_str() : kNone;
    info.tls_cipher = ready ? t->cipher.c_str() : kNone;
    info.tls_sni = ready ? t->sni.c_str() : kNone;
    info.tls_alpn = ready ? t->alpn.c_str() : kNone;
}

}  // namespace gorgon::api
