// One data connection (RFC 959 "data connection"): accepted on a passive listener or made with
// conn_connect for PORT/EPRT. It owns itself and is freed after the host's on_close, so it can
// outlive the session that asked for it (the host delivers on_close later, from the loop); the
// session detaches itself first, and from then on the link only waits for its close.
#pragma once

#include "ftp_channel.hpp"

#include <gorgon/plugin.hpp>

#include <cstdint>

namespace gorgon::ftp {

class DataLink;

// What a data link tells its session. The session implements it.
class DataLinkOwner {
  public:
    virtual ~DataLinkOwner() = default;
    virtual void linkConnected(DataLink& link) = 0;
    virtual void linkReadable(DataLink& link) = 0;
    virtual void linkDrained(DataLink& link) = 0;
    virtual void linkEvent(DataLink& link, gorgon_conn_event event) = 0;
    // Last call about `link`; it is freed right after.
    virtual void linkClosed(DataLink& link, gorgon_close_reason reason) = 0;
};

class DataLink {
  public:
    // Takes over an accepted connection. Returns null (and closes it) if the host refuses.
    static DataLink* adopt(Host host, gorgon_conn_id conn, DataLinkOwner* owner);
    // Connects to host:port from the local address of `related`. Null with `status` on failure.
    static DataLink* connect(Host host, gorgon_conn_id related, const char* address,
                             std::uint16_t port, std::uint64_t timeout_ms, DataLinkOwner* owner,
                             gorgon_status& status);

    // Use adopt() or connect(): a link must be owned by its connection.
    DataLink(Host host, DataLinkOwner* owner) noexcept : host_(host), owner_(owner) {}
    DataLink(const DataLink&) = delete;
    DataLink& operator=(const DataLink&) = delete;
    DataLink(DataLink&&) = delete;
    DataLink& operator=(DataLink&&) = delete;

    [[nodiscard]] const Channel& channel() const noexcept { return channel_; }
    [[nodiscard]] bool connected() const noexcept { return connected_; }
    [[nodiscard]] bool eof() const noexcept { return eof_; }
    // PROT P: TLS as the server, resuming the control connection's session (RFC 4217 10, as
    // vsftpd's require_ssl_reuse): a handshake that does not resume it closes the connection.
    gorgon_status startTls(gorgon_conn_id control) noexcept;
    [[nodiscard]] bool tlsStarted() const noexcept { return tls_started_; }
    [[nodiscard]] bool tlsReady() const noexcept { return tls_ready_; }
    // Connected, and through its TLS handshake if it has one: data may flow.
    [[nodiscard]] bool ready() const noexcept {
        return connected_ && (!tls_started_ || tls_ready_);
    }
    // The session is going: no more calls to it. The connection is closed now.
    void detach() noexcept;

  private:
    static const gorgon_conn_callbacks& callbacks() noexcept;
    static void onData(void* user, gorgon_conn_id) noexcept;
    static void onDrained(void* user, gorgon_conn_id) noexcept;
    static void onEvent(void* user, gorgon_conn_id, gorgon_conn_event event) noexcept;
    static void onClose(void* user, gorgon_conn_id, gorgon_close_reason reason) noexcept;
    template <class Fn>
    void guarded(Fn&& fn) noexcept;

    Host host_;
    Channel channel_;
    DataLinkOwner* owner_;
    bool connected_ = false;
    bool eof_ = false;
    bool tls_started_ = false;
    bool tls_ready_ = false;
};

}  // namespace gorgon::ftp
