// One password file as the routes see it: the parsed table, re-read when the file changes, and
// the cache of credentials verified against it. The file is looked at (stat) at most once a
// second, on the request that comes after that second, never per request; when its inode,
// size or modification time differ it is read again. A new file that fails to parse is logged
// and the previous table stays. A changed file empties the cache, so a removed user or a new
// password takes effect at once.
#pragma once

#include "auth_cache.hpp"
#include "auth_passwd.hpp"

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include <sys/types.h>

namespace gorgon::httpauth {

class PasswordFile {
  public:
    // Reads `path`; throws std::runtime_error saying why it cannot be used.
    PasswordFile(Host host, std::string path, std::size_t cache_entries, std::int64_t cache_ttl_ms);

    // The current table, after a look at the file if the last one is a second old.
    [[nodiscard]] std::shared_ptr<const PasswordTable> table(std::int64_t now_ms);
    // Looks at the file now (a route opening on it again, a configuration reload); throws
    // std::runtime_error if the file on disk cannot be used (the table read before stays).
    void recheck(std::int64_t now_ms);
    // Bumped on every change of the table: a check that began before a change is not cached.
    [[nodiscard]] std::uint64_t version() const noexcept { return version_; }
    [[nodiscard]] SuccessCache& cache() noexcept { return cache_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

  private:
    struct Signature {
        dev_t dev = 0;
        ino_t ino = 0;
        off_t size = 0;
        std::int64_t mtime_ns = 0;
        std::int64_t ctime_ns = 0;
        bool operator==(const Signature&) const = default;
    };
    // Reads the file again if it changed; false (and `why`) if the new one cannot be used.
    bool refresh(std::int64_t now_ms, std::string& why);
    // Reads and parses the file; on failure, `why` says why and nothing changes.
    bool load(Signature& sig, std::shared_ptr<const PasswordTable>& out, std::string& why) const;

    Host host_;
    std::string path_;
    std::shared_ptr<const PasswordTable> table_;
    Signature seen_;  // of the last file read, good or bad: a bad one is reported once
    std::int64_t checked_ms_ = 0;
    std::uint64_t version_ = 1;
    SuccessCache cache_;
};

}  // namespace gorgon::httpauth
