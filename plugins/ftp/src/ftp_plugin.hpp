// The plugin object: one per loaded generation. It registers the "ftp" protocol, keeps the
// counters, and knows its servers so that a drain reaches every session.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <vector>

namespace gorgon::ftp {

class FtpServer;

// Counters (stat_counter names in the README).
enum class Stat : std::uint8_t {
    Sessions,
    Logins,
    LoginFailures,
    FilesSent,
    FilesReceived,
    BytesSent,
    BytesReceived,
    BouncesRefused,
    ForeignDataRefused,
    Count,
};

class FtpPlugin {
  public:
    FtpPlugin(Host host, const Config& config);
    ~FtpPlugin();
    FtpPlugin(const FtpPlugin&) = delete;
    FtpPlugin& operator=(const FtpPlugin&) = delete;
    FtpPlugin(FtpPlugin&&) = delete;
    FtpPlugin& operator=(FtpPlugin&&) = delete;

    void drain();

    [[nodiscard]] Host host() const noexcept { return host_; }
    void count(Stat which, std::int64_t delta = 1) const noexcept;

    void addServer(FtpServer& server);
    void removeServer(const FtpServer& server) noexcept;

  private:
    Host host_;
    gorgon_stat_id stats_[static_cast<std::size_t>(Stat::Count)] = {};
    std::vector<FtpServer*> servers_;  // not owned: the host opens and closes them
    // Last, so the protocol is registered only once everything it can reach exists.
    ProtocolRegistration<FtpServer, FtpPlugin> protocol_;
};

}  // namespace gorgon::ftp
