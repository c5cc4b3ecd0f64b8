#include "ftp_users.hpp"

#include <gorgon/crypt.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <unordered_set>

#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <unistd.h>

namespace gorgon::ftp {

namespace {

constexpr std::size_t kMaxName = 32;

std::string_view trimSpaces(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

bool disabledHash(std::string_view hash) noexcept {
    return hash.empty() || hash.front() == '!' || hash.front() == '*';
}

// Buffers for the reentrant NSS calls: sysconf's suggestion, grown on ERANGE.
template <class Fn>
bool withBuffer(long suggested, Fn&& fn) {
    std::size_t size = suggested > 0 ? static_cast<std::size_t>(suggested) : 16384;
    for (int attempt = 0; attempt < 6; ++attempt) {
        auto buf = std::make_unique<char[]>(size);
        int rc = fn(buf.get(), size);
        if (rc != ERANGE) return rc == 0;
        size *= 4;
    }
    return false;
}

std::optional<RealAccount> fromPasswd(const passwd& pw) {
    RealAccount a;
    a.name = pw.pw_name;
    a.uid = pw.pw_uid;
    a.gid = pw.pw_gid;
    a.home = pw.pw_dir != nullptr ? pw.pw_dir : "";
    int count = 32;
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::vector<gid_t> groups(static_cast<std::size_t>(count));
        int n = count;
        if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) >= 0) {
            groups.resize(static_cast<std::size_t>(n));
            a.groups = std::move(groups);
            return a;
        }
        count = n > count ? n : count * 2;
    }
    a.groups = {pw.pw_gid};
    return a;
}

}  // namespace

bool validUserName(std::string_view name) noexcept {
    if (name.empty() || name.size() > kMaxName) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

bool parseVirtualUsers(std::string_view text, std::vector<VirtualUser>& out, std::string& error) {
    out.clear();
    std::unordered_set<std::string> seen;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        line = trimSpaces(line);
        if (line.empty() || line.front() == '#') continue;
        auto fail = [&](const std::string& why) {
            error = "line " + std::to_string(number) + ": " + why;
            return false;
        };
        if (line.find('\0') != std::string_view::npos) return fail("NUL byte");
        std::string_view fields[4];
        std::size_t count = 0;
        while (count < 4) {
            std::size_t colon = line.find(':');
            fields[count++] = line.substr(0, colon);
            if (colon == std::string_view::npos) {
                line = {};
                break;
            }
            line.remove_prefix(colon + 1);
            if (count == 4) break;
        }
        if (!line.empty() || count < 2) {
            return fail("expected name:hash[:root[:rights]]");
        }
        VirtualUser u;
        u.name = std::string(fields[0]);
        if (!validUserName(u.name)) {
            return fail("bad user name (1-32 of A-Z a-z 0-9 . _ -)");
        }
        if (u.name == "anonymous" || u.name == "ftp") {
            return fail("`" + u.name + "` is the anonymous login's name");
        }
        if (!seen.insert(u.name).second) return fail("user " + u.name + " is listed twice");
        u.hash = std::string(fields[1]);
        if (!disabledHash(u.hash)) {
            const password::Strength strength = password::strength(u.hash);
            if (strength == password::Strength::weak) {
                return fail("the hash of " + u.name +
                            " uses a method too weak to accept (use yescrypt, sha512-crypt or "
                            "bcrypt: mkpasswd -m yescrypt)");
            }
            if (strength != password::Strength::ok) {
                return fail("the hash of " + u.name + " is not a crypt(3) hash");
            }
        }
        if (count >= 3) u.root = std::string(fields[2]);
        if (count >= 4) {
            if (fields[3] == "rw") {
                u.write = true;
            } else if (fields[3] == "ro") {
                u.write = false;
            } else if (!fields[3].empty()) {
                return fail("rights are `ro` or `rw`");
            }
        }
        out.push_back(std::move(u));
    }
    return true;
}

bool verifyPassword(std::string_view password, std::string_view hash) {
    if (disabledHash(hash)) {
        // Still spend the time a real check would, so a disabled account looks like a wrong
        // password from outside.
        (void)verifyPassword(password, decoyHash());
        return false;
    }
    return password::verify(password, hash);
}

std::string_view decoyHash() noexcept {
    // sha512-crypt of a random string nobody knows.
    return "$6$Gorg0nDec0ySalt$qMfTiIyJzqS4RUjb359fEECE4io8ERR/3vl9RAJJPFLv3QIQeRKzBY3hqpcN03ec"
           "ynPkTEZ1ZV3ZcP2uD0mKI.";
}

RealAuth authenticateReal(std::string_view name, std::string_view password, RealAccount& out,
                          std::string& why) {
    if (!validUserName(name)) {
        (void)verifyPassword(password, decoyHash());
        why = "not a valid user name";
        return RealAuth::Refused;
    }
    const std::string user(name);
    passwd pw{};
    passwd* pw_found = nullptr;
    std::optional<RealAccount> account;
    std::string passwd_field;  // copied out: pw's strings live in the buffer freed below
    withBuffer(sysconf(_SC_GETPW_R_SIZE_MAX), [&](char* buf, std::size_t size) {
        int rc = getpwnam_r(user.c_str(), &pw, buf, size, &pw_found);
        if (rc == 0 && pw_found != nullptr) {
            account = fromPasswd(pw);
            passwd_field = pw.pw_passwd != nullptr ? pw.pw_passwd : "";
        }
        return rc;
    });
    if (!account) {
        (void)verifyPassword(password, decoyHash());
        why = "no such user";
        return RealAuth::Refused;
    }

    std::string hash;
    bool expired = false;
    bool have_shadow = false;
    int shadow_errno = 0;
    spwd sp{};
    spwd* sp_found = nullptr;
    withBuffer(16384, [&](char* buf, std::size_t size) {
        errno = 0;
        int rc = getspnam_r(user.c_str(), &sp, buf, size, &sp_found);
        shadow_errno = rc != 0 ? rc : errno;
        if (rc == 0 && sp_found != nullptr) {
            have_shadow = true;
            hash = sp.sp_pwdp != nullptr ? sp.sp_pwdp : "";
            const long today = static_cast<long>(std::time(nullptr) / 86400);
            expired = sp.sp_expire > 0 && today >= sp.sp_expire;
        }
        return rc;
    });
    if (!have_shadow) {
        if (geteuid() != 0 || shadow_errno == EACCES) {
            why =
                "the shadow password database cannot be read (real_users needs gorgon to run "
                "as root)";
            return RealAuth::NotRoot;
        }
        // No shadow entry: the hash, if any, is in passwd itself.
        hash = passwd_field == "x" ? std::string() : passwd_field;
    }
    const bool ok = verifyPassword(password, hash.empty() ? std::string_view("!") : hash);
    explicit_bzero(hash.data(), hash.size());
    if (!ok) {
        why = "wrong password or locked account";
        return RealAuth::Refused;
    }
    if (expired) {
        why = "the account has expired";
        return RealAuth::Refused;
    }
    out = std::move(*account);
    return RealAuth::Ok;
}

std::optional<RealAccount> lookupAccount(std::string_view name) {
    const std::string user(name);
    passwd pw{};
    passwd* found = nullptr;
    std::optional<RealAccount> account;
    withBuffer(sysconf(_SC_GETPW_R_SIZE_MAX), [&](char* buf, std::size_t size) {
        int rc = getpwnam_r(user.c_str(), &pw, buf, size, &found);
        if (rc == 0 && found != nullptr) account = fromPasswd(pw);
        return rc;
    });
    return account;
}

}  // namespace gorgon::ftp
