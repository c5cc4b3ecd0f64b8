#include "ftp_server.hpp"

#include "ftp_plugin.hpp"
#include "ftp_session.hpp"
#include "ftp_sweep.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>

namespace gorgon::ftp {

namespace {

// The persona of a system account, when this process can switch to it; otherwise none (the
// process's own rights apply, and the operator was told at start).
Persona systemPersona(Host host, const std::string& user, bool given, const char* what) {
    Persona p;
    if (!canSwitchPersona()) {
        if (given) {
            host.warn(std::string(what) + ".user (" + user +
                      ") is ignored: gorgon is not running as root, so files are accessed with "
                      "its own rights");
        }
        return p;
    }
    std::optional<RealAccount> account = lookupAccount(user);
    if (!account) {
        throw std::runtime_error(std::string(what) + ".user: no system user " + user +
                                 " (running as root, sessions must not act as root)");
    }
    if (account->uid == 0) {
        throw std::runtime_error(std::string(what) + ".user must not be root");
    }
    p.active = true;
    p.uid = account->uid;
    p.gid = account->gid;
    p.groups = std::move(account->groups);
    p.name = account->name;
    return p;
}

bool readFile(const std::string& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    if (out.size() > 16 * 1024 * 1024) {
        error = path + " is larger than 16M";
        return false;
    }
    return true;
}

}  // namespace

FtpServer::FtpServer(FtpPlugin& owner, Host host, const gorgon_server_info& info,
                     const Config& config)
    : owner_(&owner), host_(host), shared_(std::make_shared<ServerShared>()), limiter_(1, 0, 0) {
    ServerShared& s = *shared_;
    s.name = info.name != nullptr ? info.name : "";
    s.config = parseFtpConfig(host, config);
    const FtpConfig& c = s.config;
    limiter_ = LoginLimiter(c.lockout_failures, c.lockout_window_ms, c.lockout_ms);
    try {
        s.provider = FsProvider::acquire(host, c.filesystem);
    } catch (const std::runtime_error& e) {
        if (config["filesystem"].present()) config["filesystem"].fail(e.what());
        config.fail(e.what());
    }

    if (c.real_users.enabled && !canSwitchPersona()) {
        config["real_users"].fail(
            "real_users needs gorgon to run as root: it reads the shadow passwords and acts on "
            "files as each user (fsuid/fsgid). Run gorgon as root, or use virtual_users");
    }
    if (c.anonymous.enabled) {
        s.anon_persona = systemPersona(host, c.anonymous.user, c.anonymous.user_given, "anonymous");
        // Opened as the process: the operator chose the root, and its parents need not be
        // open to the anonymous account. Everything below it is reached as that account.
        std::string error;
        const Persona none;
        s.anon_read = FsRoot::open(s.provider, c.anonymous.root, /*read_only=*/true, none, error);
        if (!s.anon_read) config["anonymous"]["root"].fail(error);
        if (!c.anonymous.upload_dir.empty()) {
            const std::string dir = c.anonymous.root + c.anonymous.upload_dir;
            s.anon_write = FsRoot::open(s.provider, dir, /*read_only=*/false, none, error);
            if (!s.anon_write) config["anonymous"]["upload_dir"].fail(error);
        }
    }
    if (c.virtual_users.enabled) {
        s.virtual_persona =
            systemPersona(host, c.virtual_users.user, c.virtual_users.user_given, "virtual_users");
        try {
            loadVirtualUsers(/*at_open=*/true);
        } catch (const std::runtime_error& e) {
            config["virtual_users"]["file"].fail(e.what());
        }
    }
    sweepUploads();
    if (!c.xferlog.empty()) {
        s.xferlog.setPath(c.xferlog);
        if (!s.xferlog.open()) {
            config["xferlog"].fail("cannot open " + c.xferlog + ": " + std::strerror(errno));
        }
    }
    owner.addServer(*this);
}

FtpServer::~FtpServer() {
    // Sessions outlive their server (each is freed after its connection's on_close); each is
    // told, stops calling back here and closes.
    auto sessions = std::move(sessions_);
    sessions_.clear();
    per_address_.clear();
    for (auto& [session, address] : sessions) session->serverGone();
    if (owner_ != nullptr) owner_->removeServer(*this);
}

gorgon_status FtpServer::accept(gorgon_conn_id id) {
    if (owner_ == nullptr) return GORGON_E_STALE;
    auto session = std::make_unique<detail::OwnedHandler<Session>>(*owner_, *this, shared_);
    if (gorgon_status s = session->attach(host_, id); s != GORGON_OK) return s;
    Session* raw = session.release();  // owned by its connection from here on
    owner_->count(Stat::Sessions);

    const Channel control(host_, id);
    std::optional<gorgon_conn_info> info = control.info();
    const std::string address = info && info->peer_host != nullptr ? info->peer_host : "";
    const FtpConfig& c = shared_->config;
    const std::int64_t now = host_.api()->now_ms(host_.self());
    if (limiter_.locked(address, now)) {
        raw->refuse(Reply::LockedOut);
        return GORGON_OK;
    }
    if (sessions_.size() >= c.max_sessions) {
        raw->refuse(Reply::TooManyUsers);
        return GORGON_OK;
    }
    std::size_t& from_here = per_address_[address];
    if (from_here >= c.max_sessions_per_address) {
        raw->refuse(Reply::TooManyFromYou);
        return GORGON_OK;
    }
    ++from_here;
    sessions_.emplace(raw, address);
    raw->start(address);
    return GORGON_OK;
}

void FtpServer::sessionGone(Session& session) noexcept {
    auto it = sessions_.find(&session);
    if (it == sessions_.end()) return;
    auto per = per_address_.find(it->second);
    if (per != per_address_.end() && --per->second == 0) per_address_.erase(per);
    sessions_.erase(it);
}

std::vector<Session*> FtpServer::sessions() const {
    std::vector<Session*> all;
    all.reserve(sessions_.size());
    for (const auto& [session, address] : sessions_) all.push_back(session);
    return all;
}

void FtpServer::drain() {
    for (Session* s : sessions()) s->drain();
}

void FtpServer::goodbye() {
    for (Session* s : sessions()) s->goodbye();
}

void FtpServer::sweepUploads() {
    const FtpConfig& c = shared_->config;
    // The sweep walks the roots as directories of this machine: only fs-os roots are.
    if (c.filesystem != "os") return;
    std::vector<std::string> roots;
    if (c.anonymous.enabled && !c.anonymous.upload_dir.empty()) {
        roots.push_back(c.anonymous.root + c.anonymous.upload_dir);
    }
    if (c.virtual_users.enabled) {
        for (const VirtualUser& u : virtual_users_) {
            if (u.write.value_or(c.virtual_users.write)) {
                roots.push_back(u.root.empty() ? c.virtual_users.root : u.root);
            }
        }
    }
    if (c.real_users.enabled && c.real_users.write && !c.real_users.root.empty()) {
        roots.push_back(c.real_users.root);  // home directories are not the server's to walk
    }
    // Once per root while the plugin is loaded: only a process that died leaves files behind,
    // and a config reload must not walk every tree again on the loop.
    static std::vector<std::string> swept;
    for (const std::string& root : roots) {
        if (root.empty() || std::find(swept.begin(), swept.end(), root) != swept.end()) continue;
        swept.push_back(root);
        std::string error;
        const std::size_t removed = sweepStaleUploads(root, error);
        if (!error.empty()) host_.warn("stale uploads not swept: " + error);
        if (removed > 0) {
            host_.info("removed " + std::to_string(removed) + " unfinished upload file" +
                       (removed == 1 ? "" : "s") + " a previous process left under " + root);
        }
    }
}

void FtpServer::loadVirtualUsers(bool at_open) {
    const std::string& path = shared_->config.virtual_users.file;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        throw std::runtime_error(path + " is world-writable: anyone could add a user");
    }
    std::string text;
    std::string error;
    if (!readFile(path, text, error)) throw std::runtime_error(error);
    std::vector<VirtualUser> users;
    if (!parseVirtualUsers(text, users, error)) throw std::runtime_error(path + ": " + error);
    virtual_users_ = std::move(users);
    virtual_file_ = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                     static_cast<std::int64_t>(st.st_size), st.st_mtim};
    if (!at_open) host_.info("virtual users read again from " + path);
}

std::optional<VirtualUser> FtpServer::findVirtual(std::string_view name) {
    const std::string& path = shared_->config.virtual_users.file;
    struct stat st {};
    // Edited since it was read (one stat per login): read again; a broken edit keeps the old.
    if (::stat(path.c_str(), &st) == 0 &&
        (static_cast<std::uint64_t>(st.st_ino) != virtual_file_.ino ||
         static_cast<std::uint64_t>(st.st_dev) != virtual_file_.dev ||
         st.st_size != virtual_file_.size || st.st_mtim.tv_sec != virtual_file_.mtime.tv_sec ||
         st.st_mtim.tv_nsec != virtual_file_.mtime.tv_nsec)) {
        try {
            loadVirtualUsers(/*at_open=*/false);
        } catch (const std::exception& e) {
            host_.error(std::string("virtual users not reloaded, the previous list stays: ") +
                        e.what());
        }
    }
    for (const VirtualUser& u : virtual_users_) {
        if (u.name == name) return u;
    }
    return std::nullopt;
}

}  // namespace gorgon::ftp
