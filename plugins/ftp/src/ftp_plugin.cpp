#include "ftp_plugin.hpp"

#include "ftp_server.hpp"

#include <cstddef>
#include <stdexcept>

namespace gorgon::ftp {

namespace {

constexpr const char* kStatNames[] = {
    "sessions",       "logins",          "login_failures",
    "files_sent",     "files_received",  "bytes_sent",
    "bytes_received", "bounces_refused", "foreign_data_connections_refused",
};
static_assert(std::size(kStatNames) == static_cast<std::size_t>(Stat::Count));

// The plugin itself has no settings (plugins.load.ftp); every setting is per server.
Host checked(Host host, const Config& config) {
    if (config.present()) {
        if (config.type() != GORGON_CONFIG_MAP) config.fail("expected an empty map");
        static constexpr const char* kNoKeys[] = {nullptr};
        config.allowKeys(host, kNoKeys);
    }
    // Data channels (listen_open, conn_connect), requests and random bytes came with ABI 1.2.
    // (Spelled out rather than with GORGON_HOST_HAS, whose C cast -Wold-style-cast rejects.)
    constexpr std::size_t kHostNeeded = offsetof(gorgon_host_api, conn_shutdown_write) +
                                        sizeof(gorgon_host_api::conn_shutdown_write);
    if (host.api()->struct_size < kHostNeeded) {
        throw std::runtime_error("ftp needs a host with ABI 1.2 or later (data channels)");
    }
    return host;
}

}  // namespace

FtpPlugin::FtpPlugin(Host host, const Config& config)
    : host_(checked(host, config)), protocol_(host, "ftp", this) {
    for (std::size_t i = 0; i < std::size(kStatNames); ++i) {
        stats_[i] = host_.api()->stat_counter(host_.self(), kStatNames[i]);
    }
}

FtpPlugin::~FtpPlugin() {
    // The host closes servers before shutdown; should one outlive us, it must not call back.
    for (FtpServer* server : servers_) server->ownerGone();
}

void FtpPlugin::count(Stat which, std::int64_t delta) const noexcept {
    gorgon_stat_id id = stats_[static_cast<std::size_t>(which)];
    if (id != 0) host_.api()->stat_add(host_.self(), id, delta);
}

void FtpPlugin::addServer(FtpServer& server) {
    servers_.push_back(&server);
}

void FtpPlugin::removeServer(const FtpServer& server) noexcept {
    std::erase(servers_, &server);
}

void FtpPlugin::drain() {
    for (FtpServer* server : servers_) server->drain();
}

}  // namespace gorgon::ftp

GORGON_PLUGIN(gorgon::ftp::FtpPlugin, "ftp", "0.1.0",
              "FTP (RFC 959, 2389, 2428, 3659) over filesystem objects: anonymous, virtual and "
              "real users",
              GORGON_PROVIDES("protocol:ftp"), GORGON_DEPENDS("filesystem:os"))
