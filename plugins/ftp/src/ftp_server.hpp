// One configured FTP server: its settings, the roots and accounts its sessions use, the limits
// across sessions (how many, from where, failed logins), and the transfer log. The host builds
// one per server and per plugin generation.
#pragma once

#include "ftp_config.hpp"
#include "ftp_fs.hpp"
#include "ftp_lockout.hpp"
#include "ftp_persona.hpp"
#include "ftp_users.hpp"
#include "ftp_xferlog.hpp"

#include <gorgon/plugin.hpp>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gorgon::ftp {

class FtpPlugin;
class Session;

// What a session keeps of its server, and keeps even if the server is closed before it: the
// settings, the filesystem provider and the anonymous roots, and the transfer log.
struct ServerShared {
    std::string name;
    FtpConfig config;
    std::shared_ptr<FsProvider> provider;
    std::shared_ptr<FsRoot> anon_read;   // read-only
    std::shared_ptr<FsRoot> anon_write;  // the upload directory, or null
    Persona anon_persona;
    Persona virtual_persona;
    XferLog xferlog;
};

class FtpServer {
  public:
    FtpServer(FtpPlugin& owner, Host host, const gorgon_server_info& info, const Config& config);
    ~FtpServer();
    FtpServer(const FtpServer&) = delete;
    FtpServer& operator=(const FtpServer&) = delete;
    FtpServer(FtpServer&&) = delete;
    FtpServer& operator=(FtpServer&&) = delete;

    gorgon_status accept(gorgon_conn_id id);
    void ownerGone() noexcept { owner_ = nullptr; }
    void drain();
    // A reload removes this server (protocol_goodbye): every session is told with a 421.
    void goodbye();

    [[nodiscard]] FtpPlugin* owner() const noexcept { return owner_; }
    [[nodiscard]] const std::shared_ptr<ServerShared>& shared() const noexcept { return shared_; }
    [[nodiscard]] LoginLimiter& limiter() noexcept { return limiter_; }

    // The virtual user called `name`, from the password file (read again when it changed).
    [[nodiscard]] std::optional<VirtualUser> findVirtual(std::string_view name);

    // A session of this server is closing.
    void sessionGone(Session& session) noexcept;

  private:
    void loadVirtualUsers(bool at_open);
    // Removes the upload files a killed process left in the roots this server writes to.
    void sweepUploads();
    // A copy of the session list: closing one changes the list.
    [[nodiscard]] std::vector<Session*> sessions() const;

    FtpPlugin* owner_;
    Host host_;
    std::shared_ptr<ServerShared> shared_;
    LoginLimiter limiter_;
    std::unordered_map<Session*, std::string> sessions_;  // -> its client's address
    std::unordered_map<std::string, std::size_t> per_address_;
    std::vector<VirtualUser> virtual_users_;
    struct FileId {
        std::uint64_t dev = 0, ino = 0;
        std::int64_t size = -1;
        std::timespec mtime{};
    } virtual_file_;
};

}  // namespace gorgon::ftp
