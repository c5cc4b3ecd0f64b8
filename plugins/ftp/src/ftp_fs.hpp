// A session's view of its files: the filesystem object's roots it may read and write, and the
// persona every operation runs under. Every call below switches to the persona for exactly the
// duration of the provider call (PersonaGuard) and takes virtual paths ("/dir/file"), so no
// code elsewhere touches a root or forgets the persona.
#pragma once

#include "ftp_persona.hpp"

#include <gorgon/fs.h>
#include <gorgon/plugin.hpp>
#include <gorgon/service.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon::ftp {

// A pin on a filesystem provider ("filesystem:os", or the kind the server's `filesystem` names;
// service_acquire), released when the last holder goes.
class FsProvider {
  public:
    explicit FsProvider(ServiceLease<gorgon_fs_provider> lease) noexcept
        : lease_(std::move(lease)) {}
    [[nodiscard]] const gorgon_fs_provider* get() const noexcept { return lease_.get(); }

    // Pins the newest provider of "filesystem:" + `kind`; throws std::runtime_error if there is
    // none, or it is too old.
    static std::shared_ptr<FsProvider> acquire(Host host, std::string_view kind);

  private:
    ServiceLease<gorgon_fs_provider> lease_;
};

// An open root; closed (and its provider released, if this was the last hold) when the last
// session using it goes.
class FsRoot {
  public:
    FsRoot(std::shared_ptr<FsProvider> provider, gorgon_fs* root) noexcept
        : provider_(std::move(provider)), root_(root) {}
    ~FsRoot();
    FsRoot(const FsRoot&) = delete;
    FsRoot& operator=(const FsRoot&) = delete;
    FsRoot(FsRoot&&) = delete;
    FsRoot& operator=(FsRoot&&) = delete;
    [[nodiscard]] const gorgon_fs_provider* fs() const noexcept { return provider_->get(); }
    [[nodiscard]] gorgon_fs* get() const noexcept { return root_; }

    // Opens `path` (as `persona`); on failure returns null with `error` set.
    static std::shared_ptr<FsRoot> open(const std::shared_ptr<FsProvider>& provider,
                                        const std::string& path, bool read_only,
                                        const Persona& persona, std::string& error);

  private:
    std::shared_ptr<FsProvider> provider_;
    gorgon_fs* root_;
};

class SessionFs {
  public:
    // `read` serves every read; `write` (may be null: read-only session) every change, for
    // virtual paths at or below `write_base` ("/" for the whole tree, "/incoming" for an
    // anonymous upload directory, whose root `write` then is).
    SessionFs(std::shared_ptr<FsRoot> read, std::shared_ptr<FsRoot> write, std::string write_base,
              Persona persona);

    [[nodiscard]] const Persona& persona() const noexcept { return persona_; }
    // Whether `vpath` may be changed (created, written, removed, renamed) by this session.
    [[nodiscard]] bool writable(std::string_view vpath) const noexcept;
    [[nodiscard]] bool canWriteAnywhere() const noexcept { return write_ != nullptr; }
    [[nodiscard]] const std::string& writeBase() const noexcept { return write_base_; }

    gorgon_status stat(std::string_view vpath, bool follow, gorgon_fs_stat& out) const;
    gorgon_status openRead(std::string_view vpath, int& fd) const;
    gorgon_status list(std::string_view vpath, std::size_t max, gorgon_fs_list_fn fn,
                       void* user) const;
    // Writes go through the write root; GORGON_E_PERM for a path this session may not change.
    gorgon_status openWrite(std::string_view vpath, std::uint32_t flags, std::uint32_t mode,
                            int& fd) const;
    gorgon_status mkdir(std::string_view vpath, std::uint32_t mode) const;
    gorgon_status rename(std::string_view from, std::string_view to) const;
    gorgon_status remove(std::string_view vpath) const;
    gorgon_status rmdir(std::string_view vpath) const;

  private:
    // The path inside the write root, or nullopt-like false if `vpath` is outside it.
    bool writePath(std::string_view vpath, std::string& out) const;

    std::shared_ptr<FsRoot> read_;
    std::shared_ptr<FsRoot> write_;
    std::string write_base_;
    Persona persona_;
};

}  // namespace gorgon::ftp
