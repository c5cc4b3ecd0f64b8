// USER and PASS: anonymous, virtual and real users, the pause after a failed login and the
// lockout of an address that keeps failing.
#include "ftp_plugin.hpp"
#include "ftp_server.hpp"
#include "ftp_session.hpp"
#include "ftp_users.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include <string.h>

namespace gorgon::ftp {

namespace {

bool isAnonymousName(std::string_view name) noexcept {
    auto lower = [](std::string_view s, std::string_view want) {
        return s.size() == want.size() &&
               std::equal(s.begin(), s.end(), want.begin(), [](char a, char b) {
                   return (a >= 'A' && a <= 'Z' ? static_cast<char>(a + 32) : a) == b;
               });
    };
    return lower(name, "anonymous") || lower(name, "ftp");
}

// What an anonymous user gives as a password (by custom an e-mail address), fit for a log.
std::string logSafe(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 64)) {
        auto u = static_cast<unsigned char>(c);
        out += (u <= 0x20 || u == 0x7F) ? '_' : c;
    }
    return out.empty() ? std::string("anonymous") : out;
}

}  // namespace

// One PASS, checked on the host's work pool: crypt(3) with yescrypt or bcrypt costs tens of
// milliseconds by design, which would hold every other connection if run on the loop. run()
// touches nothing but this object (no host call, no session state).
struct PasswordCheck {
    enum class Kind { Virtual, Real, Unknown };
    Kind kind = Kind::Unknown;
    std::string name;
    std::string password;
    std::optional<VirtualUser> user;    // Kind::Virtual
    bool verified = false;              // Kind::Virtual: the password matches
    RealAuth auth = RealAuth::Refused;  // Kind::Real
    RealAccount account;
    std::string why;

    PasswordCheck() = default;
    PasswordCheck(const PasswordCheck&) = delete;
    PasswordCheck& operator=(const PasswordCheck&) = delete;
    ~PasswordCheck() { explicit_bzero(password.data(), password.size()); }

    void run() {
        switch (kind) {
            case Kind::Virtual:
                verified = verifyPassword(password, user->hash);
                break;
            case Kind::Real:
                auth = authenticateReal(name, password, account, why);
                break;
            case Kind::Unknown:
                // An unknown name costs the time a wrong password does.
                (void)verifyPassword(password, decoyHash());
                break;
        }
    }
};

void Session::cmdUser(const CommandLine& cmd) {
    if (access_ != Access::None) {
        reply(Reply::AlreadyLoggedIn);
        return;
    }
    const FtpConfig& c = shared_->config;
    // tls.require_login: no name (and so no password) crosses the network in cleartext.
    if (c.tls.require_login && !control_tls_ &&
        !(c.tls.anonymous_exempt && isAnonymousName(cmd.arg))) {
        reply(Reply::TlsRequired);
        return;
    }
    // Virtual users cannot be called so; a real user may (a system account "ftp").
    if (isAnonymousName(cmd.arg) && !c.anonymous.enabled && !c.real_users.enabled) {
        reply(Reply::NoAnonymous);
        return;
    }
    user_ = cmd.arg;
    have_user_ = true;
    reply(Reply::NeedPassword);
}

void Session::cmdPass(const CommandLine& cmd) {
    if (access_ != Access::None) {
        reply(Reply::AlreadyLoggedIn);
        return;
    }
    if (shared_->config.tls.require_login && !control_tls_ && !tlsExempt()) {
        reply(Reply::TlsRequired);
        return;
    }
    if (!have_user_) {
        reply(Reply::UserFirst);
        return;
    }
    have_user_ = false;  // a failed attempt starts again from USER
    if (server_ == nullptr) {
        closeSession(Reply::ShuttingDown);
        return;
    }
    if (server_->limiter().locked(peer_host_, nowMs())) {
        loginFailed();  // right or wrong, no password is looked at while locked out
        return;
    }
    const FtpConfig& c = shared_->config;
    if (c.anonymous.enabled && isAnonymousName(user_)) {
        const bool ok = loginAnonymous(cmd.arg);
        if (closing_) return;
        if (ok) {
            loginSucceeded();
        } else {
            loginFailed();
        }
        return;
    }
    auto check = std::make_shared<PasswordCheck>();
    check->name = user_;
    check->password = cmd.arg;
    if (c.virtual_users.enabled) check->user = server_->findVirtual(user_);
    check->kind = check->user            ? PasswordCheck::Kind::Virtual
                  : c.real_users.enabled ? PasswordCheck::Kind::Real
                                         : PasswordCheck::Kind::Unknown;
    // Nothing more is read from this client until the answer (the request stays open).
    paused_ = true;
    std::weak_ptr<int> alive = alive_;
    gorgon_status s = host().submitWork([check] { check->run(); },
                                        [this, alive, check](gorgon_status status) {
                                            if (alive.expired()) return;  // the client left
                                            paused_ = false;
                                            passwordChecked(*check, status == GORGON_OK);
                                            if (paused_) return;  // the failed-login pause
                                            endRequest();
                                            processInput();
                                        });
    if (s != GORGON_OK) {
        // A host without a work pool (before ABI 1.3): check on the loop, as before.
        paused_ = false;
        check->run();
        passwordChecked(*check, true);
    }
}

void Session::passwordChecked(const PasswordCheck& check, bool ran) {
    bool ok = false;
    if (ran && check.kind == PasswordCheck::Kind::Virtual) {
        ok = check.verified && loginVirtual(*check.user);
    } else if (ran && check.kind == PasswordCheck::Kind::Real) {
        ok = loginReal(check);
    }
    if (closing_) return;
    if (ok) {
        loginSucceeded();
    } else {
        loginFailed();
    }
}

bool Session::loginAnonymous(std::string_view password) {
    if (!shared_->anon_read) return false;
    fs_ = std::make_unique<SessionFs>(shared_->anon_read, shared_->anon_write,
                                      shared_->config.anonymous.upload_dir.empty()
                                          ? std::string("/")
                                          : shared_->config.anonymous.upload_dir,
                                      shared_->anon_persona);
    access_ = Access::Anonymous;
    may_modify_ = false;  // anonymous may create in the upload directory, never change
    log_user_ = logSafe(password);
    return true;
}

bool Session::loginVirtual(const VirtualUser& user) {
    const VirtualUser* u = &user;
    const VirtualConfig& vc = shared_->config.virtual_users;
    const std::string root = u->root.empty() ? vc.root : u->root;
    if (root.empty()) {
        host().error("virtual user " + u->name + " has no root (set virtual_users.root)");
        return false;
    }
    const bool write = u->write.value_or(vc.write);
    std::string error;
    // Opened as the process, as the anonymous root is: the operator chose it, and its parents
    // need not be open to the virtual users' account. Everything below is reached as that account.
    auto fs_root = FsRoot::open(shared_->provider, root, !write, Persona{}, error);
    if (!fs_root) {
        host().error("virtual user " + u->name + ": " + error);
        return false;
    }
    fs_ = std::make_unique<SessionFs>(fs_root, write ? fs_root : nullptr, "/",
                                      shared_->virtual_persona);
    access_ = Access::Virtual;
    may_modify_ = write;
    log_user_ = u->name;
    return true;
}

bool Session::loginReal(const PasswordCheck& check) {
    const RealConfig& rc = shared_->config.real_users;
    const RealAccount& account = check.account;
    const std::string& why = check.why;
    const RealAuth auth = check.auth;
    if (auth == RealAuth::NotRoot || !canSwitchPersona()) {
        host().error("real user " + logSafe(user_) +
                     " refused: real_users needs gorgon to run as root (to read the shadow "
                     "passwords and to switch to the user's fsuid and fsgid)");
        return false;
    }
    if (auth != RealAuth::Ok) {
        if (host().logEnabled(GORGON_LOG_DEBUG)) {
            host().debug("real user " + logSafe(user_) + " refused: " + why);
        }
        return false;
    }
    if (account.uid == 0 && !rc.allow_root) {
        host().warn("real user " + account.name + " refused: uid 0 (real_users.allow_root)");
        return false;
    }
    if (std::find(rc.deny.begin(), rc.deny.end(), account.name) != rc.deny.end()) {
        host().warn("real user " + account.name + " refused: listed in real_users.deny");
        return false;
    }
    Persona persona;
    persona.active = true;
    persona.uid = account.uid;
    persona.gid = account.gid;
    persona.groups = account.groups;
    persona.name = account.name;
    const std::string root = rc.root.empty() ? account.home : rc.root;
    std::string error;
    auto fs_root = FsRoot::open(shared_->provider, root, !rc.write, persona, error);
    if (!fs_root) {
        host().error("real user " + account.name + ": " + error);
        return false;
    }
    fs_ =
        std::make_unique<SessionFs>(fs_root, rc.write ? fs_root : nullptr, "/", std::move(persona));
    access_ = Access::Real;
    may_modify_ = rc.write;
    log_user_ = account.name;
    return true;
}

void Session::loginSucceeded() {
    login_timer_.cancel();
    failed_logins_ = 0;
    if (server_ != nullptr) server_->limiter().succeeded(peer_host_);
    count(Stat::Logins);
    if (host().logEnabled(GORGON_LOG_INFO)) {
        const char* kind = access_ == Access::Anonymous ? "anonymous"
                           : access_ == Access::Virtual ? "virtual user"
                                                        : "real user";
        host().info(std::string(kind) + " " + (access_ == Access::Anonymous ? log_user_ : user_) +
                    " logged in from " + peer_host_);
    }
    reply(Reply::LoginOk);
}

void Session::loginFailed() {
    count(Stat::LoginFailures);
    ++failed_logins_;
    bool locked = false;
    if (server_ != nullptr) {
        locked = server_->limiter().failed(peer_host_, nowMs()) ||
                 server_->limiter().locked(peer_host_, nowMs());
    }
    host().warn("failed login for " + logSafe(user_) + " from " + peer_host_ +
                (locked ? " (address locked out)" : ""));
    const bool last = locked || failed_logins_ >= shared_->config.max_login_attempts;
    auto answer = [this, last, locked] {
        reply(Reply::LoginIncorrect);
        if (last) closeSession(locked ? Reply::LockedOut : Reply::TooManyAttempts);
    };
    const std::uint64_t delay = shared_->config.login_failure_delay_ms;
    // Nothing more is read from this client until the answer: guessing costs wall time.
    if (delay == 0 || !delay_timer_.start(host(), delay, false, [this, answer] {
            paused_ = false;
            answer();
            endRequest();
            processInput();
        })) {
        answer();
        return;
    }
    paused_ = true;
}

void Session::loginTimedOut() {
    if (access_ == Access::None && !closing_) closeSession(Reply::LoginTimeout);
}

}  // namespace gorgon::ftp
