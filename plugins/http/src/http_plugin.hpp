// The plugin object: one per loaded generation. It registers the "http" protocol, keeps the
// counters and the date cache every server shares, runs the once-a-second housekeeping (access
// logs, counters, retired routes), and hands idle keep-alive connections to the next generation
// on a hot reload.
#pragma once

#include "http_date.hpp"
#include "http_request.hpp"

#include <gorgon/plugin.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::http {

class Server;

enum class Stat : std::uint8_t {
    Requests,
    Responses2xx,
    Responses3xx,
    Responses4xx,
    Responses5xx,
    BytesOut,
    Connections,
    Count,
};

class HttpPlugin {
  public:
    HttpPlugin(Host host, const Config& config);
    ~HttpPlugin();
    HttpPlugin(const HttpPlugin&) = delete;
    HttpPlugin& operator=(const HttpPlugin&) = delete;
    HttpPlugin(HttpPlugin&&) = delete;
    HttpPlugin& operator=(HttpPlugin&&) = delete;

    void drain();
    void handoffExport(std::string& out);
    void handoffImport(std::string_view in);

    [[nodiscard]] Host host() const noexcept { return host_; }

    // The loop's cached wall-clock time; keeps the date cache current.
    std::int64_t now() noexcept {
        const std::int64_t t = host_.api()->now_ms(host_.self());
        dates_.update(t);
        return t;
    }
    [[nodiscard]] DateCache& dates() noexcept { return dates_; }
    // A buffer for building response heads: conn_write copies, so one serves every connection.
    [[nodiscard]] std::string& scratch() noexcept { return scratch_; }

    // Counters are summed here and handed to the host once a second: stat_add looks the name
    // up in a map, which is more than a request should pay.
    void count(Stat s, std::int64_t delta = 1) noexcept {
        pending_[static_cast<std::size_t>(s)] += delta;
        armHousekeeping();
    }
    void countResponse(int status, std::uint64_t bytes) noexcept;

    // Request state for a connection that starts reading a request, and back when it is idle
    // again. Pooled: the steady state allocates nothing, and idle connections hold no buffers.
    std::unique_ptr<Exchange> takeExchange();
    void giveExchange(std::unique_ptr<Exchange> ex) noexcept;

    void armHousekeeping() noexcept;
    // Asks for kickAdopted() and moveIdle() on every server from the loop (after a hand-off, or
    // once a newer configuration of a server has opened).
    void scheduleKick() noexcept;

    void addServer(Server& server);
    void removeServer(const Server& server) noexcept;
    [[nodiscard]] Server* findServer(std::string_view name) const noexcept;
    // Changes whenever a server opens or closes: a connection compares it with what it saw
    // last to notice, at no cost per request, that its server may have a newer configuration.
    [[nodiscard]] std::uint64_t serversVersion() const noexcept { return servers_version_; }

  private:
    static void housekeepingThunk(void* user, gorgon_timer_id timer) noexcept;
    static void kickThunk(void* user, gorgon_timer_id timer) noexcept;
    void housekeeping();
    void flushStats() noexcept;

    Host host_;
    std::array<gorgon_stat_id, static_cast<std::size_t>(Stat::Count)> stats_{};
    std::array<std::int64_t, static_cast<std::size_t>(Stat::Count)> pending_{};
    gorgon_timer_id housekeeping_timer_ = 0;
    gorgon_timer_id kick_timer_ = 0;
    DateCache dates_;
    std::string scratch_;
    std::vector<std::unique_ptr<Exchange>> exchanges_;  // idle, ready for reuse
    // Not owned: the host owns them. Oldest first; a name appears twice while a SIGHUP that
    // changed a server's settings has connections left on the old ones.
    std::vector<Server*> servers_;
    std::uint64_t servers_version_ = 0;
    // Last, so the protocol is registered only once everything it can reach exists.
    ProtocolRegistration<Server, HttpPlugin> protocol_;
};

}  // namespace gorgon::http
