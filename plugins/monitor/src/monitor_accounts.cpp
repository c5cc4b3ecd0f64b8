#include "monitor_accounts.hpp"

#include <cerrno>
#include <charconv>
#include <vector>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace gorgon::monitor {

namespace {

std::optional<std::uint32_t> parseId(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// Calls fn(buffer) with a buffer that grows while the lookup says ERANGE (bounded at 1 MiB).
template <class Fn>
int withBuffer(Fn fn) {
    std::vector<char> buf(4096);
    while (true) {
        const int rc = fn(buf);
        if (rc != ERANGE || buf.size() >= (1u << 20)) return rc;
        buf.resize(buf.size() * 4);
    }
}

std::optional<UserEntry> fromPasswd(const passwd* pw) {
    if (pw == nullptr) return std::nullopt;
    return UserEntry{pw->pw_uid, pw->pw_gid, pw->pw_name != nullptr ? pw->pw_name : ""};
}

}  // namespace

std::optional<UserEntry> findUser(std::string_view name_or_uid) {
    if (auto id = parseId(name_or_uid)) {
        // A number is taken as a uid even when no entry has it; the name is filled in if one
        // does. Everything is copied while the lookup's buffer is alive.
        UserEntry e{*id, static_cast<std::uint32_t>(-1), ""};
        withBuffer([&](std::vector<char>& buf) {
            passwd pw{};
            passwd* found = nullptr;
            const int rc = getpwuid_r(*id, &pw, buf.data(), buf.size(), &found);
            if (rc == 0 && found != nullptr) e = *fromPasswd(found);
            return rc;
        });
        return e;
    }
    const std::string name(name_or_uid);
    passwd pw{};
    passwd* found = nullptr;
    std::optional<UserEntry> out;
    withBuffer([&](std::vector<char>& buf) {
        const int rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
        if (rc == 0) out = fromPasswd(found);
        return rc;
    });
    return out;
}

std::optional<GroupEntry> findGroup(std::string_view name_or_gid) {
    group gr{};
    group* found = nullptr;
    std::optional<GroupEntry> out;
    const std::optional<std::uint32_t> id = parseId(name_or_gid);
    const std::string name(name_or_gid);
    withBuffer([&](std::vector<char>& buf) {
        const int rc = id ? getgrgid_r(*id, &gr, buf.data(), buf.size(), &found)
                          : getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found);
        if (rc == 0 && found != nullptr) {
            GroupEntry e{found->gr_gid, found->gr_name != nullptr ? found->gr_name : "", {}};
            for (char** m = found->gr_mem; m != nullptr && *m != nullptr; ++m) {
                e.members.emplace_back(*m);
            }
            out = std::move(e);
        }
        return rc;
    });
    if (!out && id) out = GroupEntry{*id, "", {}};
    return out;
}

std::optional<std::string> userName(std::uint32_t uid) {
    std::optional<std::string> out;
    withBuffer([&](std::vector<char>& buf) {
        passwd pw{};
        passwd* found = nullptr;
        const int rc = getpwuid_r(uid, &pw, buf.data(), buf.size(), &found);
        if (rc == 0 && found != nullptr && found->pw_name != nullptr) out = found->pw_name;
        return rc;
    });
    return out;
}

}  // namespace gorgon::monitor
