// gorgon/filesystem.hpp — header-only C++ access to a filesystem object (gorgon/fs.h).
//
// A consumer (an HTTP extension, a protocol) names the provider in its config (`filesystem: os`,
// `filesystem: union`) and a root; FsRoot leases the provider "filesystem:KIND" and opens the
// root, and closes and releases both when it goes out of scope:
//
//   gorgon::FsRoot root(host, config["filesystem"].string("os"), "/srv/www", GORGON_FS_READ_ONLY);
//   gorgon_fs_stat st{};
//   if (root.stat("/index.html", 0, st) == GORGON_OK) ...
//
// Every call returns the provider's gorgon_status (fs.h lists them).
#ifndef GORGON_FILESYSTEM_HPP
#define GORGON_FILESYSTEM_HPP

#include <gorgon/fs.h>
#include <gorgon/plugin.hpp>
#include <gorgon/service.hpp>

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon {

class FsRoot {
  public:
    FsRoot() = default;
    // Leases "filesystem:" + kind and opens `root` with `flags` (GORGON_FS_READ_ONLY). Throws
    // std::runtime_error naming the provider and the root, with the provider's reason.
    FsRoot(Host host, const std::string& kind, const std::string& root, std::uint32_t flags)
        : provider_(host, GORGON_FS_SERVICE_PREFIX + kind) {
        if (provider_->struct_size < sizeof(gorgon_fs_provider)) {
            throw std::runtime_error("the filesystem:" + kind + " provider is too old");
        }
        std::array<char, 512> err{};
        if (provider_->open_root(provider_->ctx, root.c_str(), flags, &fs_, err.data(),
                                 err.size()) != GORGON_OK ||
            fs_ == nullptr) {
            fs_ = nullptr;
            throw std::runtime_error("cannot open " + root + " with filesystem:" + kind + ": " +
                                     std::string(err.data()));
        }
    }
    FsRoot(const FsRoot&) = delete;
    FsRoot& operator=(const FsRoot&) = delete;
    FsRoot(FsRoot&& o) noexcept
        : provider_(std::move(o.provider_)), fs_(std::exchange(o.fs_, nullptr)) {}
    FsRoot& operator=(FsRoot&& o) noexcept {
        if (this != &o) {
            close();
            provider_ = std::move(o.provider_);
            fs_ = std::exchange(o.fs_, nullptr);
        }
        return *this;
    }
    ~FsRoot() { close(); }

    explicit operator bool() const noexcept { return fs_ != nullptr; }
    [[nodiscard]] const gorgon_fs_provider* provider() const noexcept { return provider_.get(); }
    [[nodiscard]] gorgon_fs* handle() const noexcept { return fs_; }

    gorgon_status stat(std::string_view path, std::uint32_t flags,
                       gorgon_fs_stat& out) const noexcept {
        out.struct_size = sizeof out;
        return provider_->stat(fs_, path.data(), path.size(), flags, &out);
    }
    // Opens a regular file; *fd is the caller's (wrap it in a UniqueFd).
    gorgon_status open(std::string_view path, std::uint32_t flags, std::uint32_t mode,
                       int& fd) const noexcept {
        return provider_->open(fs_, path.data(), path.size(), flags, mode, &fd);
    }
    gorgon_status list(std::string_view path, std::size_t max_entries, gorgon_fs_list_fn fn,
                       void* user) const noexcept {
        return provider_->list(fs_, path.data(), path.size(), max_entries, fn, user);
    }
    gorgon_status mkdir(std::string_view path, std::uint32_t mode) const noexcept {
        return provider_->mkdir(fs_, path.data(), path.size(), mode);
    }
    gorgon_status rename(std::string_view from, std::string_view to) const noexcept {
        return provider_->rename(fs_, from.data(), from.size(), to.data(), to.size());
    }
    gorgon_status remove(std::string_view path) const noexcept {
        return provider_->remove(fs_, path.data(), path.size());
    }
    gorgon_status rmdir(std::string_view path) const noexcept {
        return provider_->rmdir(fs_, path.data(), path.size());
    }

  private:
    void close() noexcept {
        if (fs_ != nullptr) provider_->close_root(fs_);
        fs_ = nullptr;
    }

    ServiceLease<gorgon_fs_provider> provider_;
    gorgon_fs* fs_ = nullptr;
};

}  // namespace gorgon

#endif  // GORGON_FILESYSTEM_HPP
