// Shared by the files that implement the host table (host_api*.cpp): how a trampoline turns the
// plugin's opaque arguments back into host objects, and the ABI 1.2 entries defined outside
// host_api.cpp.
#pragma once

#include "core/host.hpp"
#include "plugin/generation.hpp"

#include <gorgon/plugin.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace gorgon::api {

inline Generation& gen(gorgon_plugin* self) {
    return *static_cast<Generation*>(self);
}

inline std::string_view text(const char* s, size_t len) {
    return s == nullptr ? std::string_view() : std::string_view(s, len);
}

// Finds a live connection that `self` owns; sets `status` to why not otherwise.
inline Connection* owned(gorgon_plugin* self, gorgon_conn_id id, gorgon_status& status) {
    Connection* c = gen(self).host().connections().find(id);
    if (c == nullptr || !c->open()) {
        status = GORGON_E_STALE;
        return nullptr;
    }
    if (c->owner != &gen(self)) {
        status = GORGON_E_PERM;
        return nullptr;
    }
    status = GORGON_OK;
    return c;
}

// Writes `message` NUL-terminated into err[0..cap), truncated.
inline void writeError(char* err, size_t cap, const std::string& message) {
    if (err == nullptr || cap == 0) return;
    size_t n = std::min(cap - 1, message.size());
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

// Copies a host-filled struct into the caller's, up to the smaller size; the caller's
// struct_size must be set and is updated to what was filled.
template <class T>
gorgon_status fillOut(const T& filled, T* out) {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return GORGON_E_INVAL;
    uint32_t size = std::min<uint32_t>(out->struct_size, sizeof filled);
    std::memcpy(out, &filled, size);
    out->struct_size = size;
    return GORGON_OK;
}

// ---- ABI 1.2: host_api_control.cpp ----
gorgon_status randomBytes(gorgon_plugin* self, void* buf, size_t len) noexcept;
gorgon_status sha256(gorgon_plugin* self, const void* data, size_t len, uint8_t* out) noexcept;
gorgon_status hmacSha256(gorgon_plugin* self, const void* key, size_t key_len, const void* data,
                         size_t len, uint8_t* out) noexcept;
int memEqual(const void* a, const void* b, size_t len) noexcept;
gorgon_status connRequestBegin(gorgon_plugin* self, gorgon_conn_id conn) noexcept;
gorgon_status connRequestEnd(gorgon_plugin* self, gorgon_conn_id conn) noexcept;
gorgon_status hostStatus(gorgon_plugin* self, gorgon_host_status* out) noexcept;
gorgon_status serverList(gorgon_plugin* self, gorgon_server_list_fn fn, void* user) noexcept;
gorgon_status connList(gorgon_plugin* self, const char* server, gorgon_conn_list_fn fn,
                       void* user) noexcept;
gorgon_status statList(gorgon_plugin* self, gorgon_stat_list_fn fn, void* user) noexcept;
gorgon_status configText(gorgon_plugin* self, gorgon_text_fn fn, void* user) noexcept;
gorgon_status configCheck(gorgon_plugin* self, const char* path, gorgon_text_fn fn,
                          void* user) noexcept;
gorgon_status configReload(gorgon_plugin* self, gorgon_text_fn fn, void* user) noexcept;
gorgon_status logSetLevel(gorgon_plugin* self, gorgon_log_level level) noexcept;
gorgon_status shutdownRequest(gorgon_plugin* self, uint32_t flags) noexcept;

// ---- ABI 1.2: host_api_sockets.cpp ----
gorgon_status listenOpen(gorgon_plugin* self, gorgon_conn_id related, uint16_t port_min,
                         uint16_t port_max, gorgon_accept_fn fn, void* user,
                         gorgon_listener_id* out, uint16_t* port) noexcept;
gorgon_status listenClose(gorgon_plugin* self, gorgon_listener_id listener) noexcept;
gorgon_status connConnect(gorgon_plugin* self, gorgon_conn_id related, const char* address,
                          uint16_t port, uint64_t timeout_ms,
                          const gorgon_conn_callbacks* callbacks, void* user,
                          gorgon_conn_id* out) noexcept;
gorgon_status connShutdownWrite(gorgon_plugin* self, gorgon_conn_id conn) noexcept;

// ---- ABI 1.2: host_api_tls.cpp ----
gorgon_status connStartTls(gorgon_plugin* self, gorgon_conn_id conn, gorgon_conn_id resume_from,
                           uint32_t flags) noexcept;
// The TLS members of gorgon_conn_info.
void fillTlsInfo(const Connection& c, gorgon_conn_info& info) noexcept;

// ---- ABI 1.3: host_api_work.cpp ----
gorgon_status workSubmit(gorgon_plugin* self, gorgon_work_fn work, gorgon_work_done_fn done,
                         void* arg, gorgon_work_id* out) noexcept;
gorgon_status workCancel(gorgon_plugin* self, gorgon_work_id work) noexcept;
// ---- ABI 1.3: host_api_servers.cpp ----
gorgon_status connMoveServer(gorgon_plugin* self, gorgon_conn_id conn,
                             gorgon_server_id to) noexcept;
gorgon_status protocolGoodbye(gorgon_plugin* self, const char* name,
                              gorgon_server_goodbye_fn goodbye) noexcept;

}  // namespace gorgon::api
