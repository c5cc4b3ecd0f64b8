// The one place where FTP moves bytes on a connection, control or data. Everything above it
// (commands, replies, transfers) calls only these members. TLS (AUTH TLS and PROT P, RFC 4217)
// sits underneath: the host owns TLS sessions and upgrades a connection in place (startTls),
// after which the same calls carry plaintext through the encrypted connection.
#pragma once

#include <gorgon/plugin.hpp>
#include <gorgon/producer.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gorgon::ftp {

class Channel {
  public:
    Channel() = default;
    Channel(Host host, gorgon_conn_id id) noexcept : host_(host), id_(id) {}

    [[nodiscard]] gorgon_conn_id id() const noexcept { return id_; }
    [[nodiscard]] explicit operator bool() const noexcept { return id_ != 0; }

    gorgon_status write(std::string_view bytes) const noexcept {
        return host_.api()->conn_write(host_.self(), id_, bytes.data(), bytes.size());
    }
    // Queues `producer` (taken) after everything written before it.
    gorgon_status send(gorgon_producer_id producer) const noexcept {
        return host_.api()->conn_send(host_.self(), id_, producer, nullptr, nullptr);
    }
    [[nodiscard]] std::size_t inputLength() const noexcept {
        return host_.api()->conn_input_length(host_.self(), id_);
    }
    [[nodiscard]] std::string_view peek(std::size_t want) const noexcept {
        const char* p = nullptr;
        std::size_t n = 0;
        if (host_.api()->conn_peek(host_.self(), id_, want, &p, &n) != GORGON_OK) return {};
        return {p, n};
    }
    gorgon_status consume(std::size_t n) const noexcept {
        return host_.api()->conn_consume(host_.self(), id_, n);
    }
    // Copies up to `cap` bytes of input and consumes them: the count, or a negative status.
    std::int64_t read(void* buf, std::size_t cap) const noexcept {
        return host_.api()->conn_read(host_.self(), id_, buf, cap);
    }
    [[nodiscard]] std::uint64_t pending() const noexcept {
        return host_.api()->conn_pending(host_.self(), id_);
    }
    gorgon_status close(std::uint32_t flags) const noexcept {
        return host_.api()->conn_close(host_.self(), id_, flags);
    }
    gorgon_status pauseReading(bool paused) const noexcept {
        return host_.api()->conn_pause_reading(host_.self(), id_, paused ? 1 : 0);
    }
    gorgon_status setTimeouts(std::uint64_t read_ms, std::uint64_t write_ms) const noexcept {
        return host_.api()->conn_set_timeouts(host_.self(), id_, read_ms, write_ms);
    }
    // Upgrades the connection to TLS as the server (RFC 4217): output written before the call
    // leaves in plaintext, GORGON_CONN_TLS_READY follows the handshake. `resume_from` and
    // `flags` as conn_start_tls (data connections must resume the control connection's session).
    gorgon_status startTls(gorgon_conn_id resume_from, std::uint32_t flags) const noexcept {
        if (!GORGON_HOST_HAS(host_.api(), conn_start_tls)) return GORGON_E_UNSUPPORTED;
        return host_.api()->conn_start_tls(host_.self(), id_, resume_from, flags);
    }
    [[nodiscard]] std::optional<gorgon_conn_info> info() const noexcept {
        gorgon_conn_info out{};
        out.struct_size = sizeof out;
        if (host_.api()->conn_info(host_.self(), id_, &out) != GORGON_OK) return std::nullopt;
        return out;
    }

  private:
    Host host_;
    gorgon_conn_id id_ = 0;
};

}  // namespace gorgon::ftp
