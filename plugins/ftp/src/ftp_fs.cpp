#include "ftp_fs.hpp"

#include "ftp_path.hpp"

#include <cstddef>
#include <cstdio>
#include <stdexcept>

namespace gorgon::ftp {

namespace {

// Every provider member this plugin calls, up to the last one (rmdir).
constexpr std::size_t kFsNeeded =
    offsetof(gorgon_fs_provider, rmdir) + sizeof(gorgon_fs_provider::rmdir);

}  // namespace

std::shared_ptr<FsProvider> FsProvider::acquire(Host host, std::string_view kind) {
    // "filesystem:os" is in the descriptor; any other kind is loaded from the plugin directory
    // on demand by service_acquire, and kept loaded by this pin.
    const std::string service = GORGON_FS_SERVICE_PREFIX + std::string(kind);
    auto lease = ServiceLease<gorgon_fs_provider>::tryAcquire(host, service);
    if (!lease) {
        throw std::runtime_error("no plugin provides " + service +
                                 " (is the plugin that does in the plugin directory?)");
    }
    if ((*lease)->struct_size < kFsNeeded) {
        throw std::runtime_error("the " + service + " provider is too old for ftp");
    }
    return std::make_shared<FsProvider>(std::move(*lease));
}

FsRoot::~FsRoot() {
    if (root_ != nullptr) provider_->get()->close_root(root_);
}

std::shared_ptr<FsRoot> FsRoot::open(const std::shared_ptr<FsProvider>& provider,
                                     const std::string& path, bool read_only,
                                     const Persona& persona, std::string& error) {
    gorgon_fs* root = nullptr;
    char err[512] = {0};
    gorgon_status s = GORGON_E_PERM;
    {
        PersonaGuard guard(persona);
        if (guard.ok()) {
            s = provider->get()->open_root(provider->get()->ctx, path.c_str(),
                                           read_only ? GORGON_FS_READ_ONLY : 0u, &root, err,
                                           sizeof err);
        } else {
            std::snprintf(err, sizeof err, "cannot switch to user %s", persona.name.c_str());
        }
    }
    if (s != GORGON_OK || root == nullptr) {
        error = err[0] != '\0' ? err : "cannot open " + path;
        return nullptr;
    }
    return std::make_shared<FsRoot>(provider, root);
}

SessionFs::SessionFs(std::shared_ptr<FsRoot> read, std::shared_ptr<FsRoot> write,
                     std::string write_base, Persona persona)
    : read_(std::move(read)),
      write_(std::move(write)),
      write_base_(std::move(write_base)),
      persona_(std::move(persona)) {}

bool SessionFs::writable(std::string_view vpath) const noexcept {
    return write_ != nullptr && isWithin(vpath, write_base_, /*or_self=*/write_base_ == "/");
}

bool SessionFs::writePath(std::string_view vpath, std::string& out) const {
    if (!writable(vpath)) return false;
    out = std::string(fsPath(relativeTo(vpath, write_base_)));
    return true;
}

// Each operation: the persona for exactly the provider call, or GORGON_E_PERM without a call.
#define GORGON_FTP_AS_PERSONA(call)            \
    do {                                       \
        PersonaGuard guard(persona_);          \
        if (!guard.ok()) return GORGON_E_PERM; \
        return (call);                         \
    } while (false)

gorgon_status SessionFs::stat(std::string_view vpath, bool follow, gorgon_fs_stat& out) const {
    out.struct_size = sizeof out;
    const std::string_view p = fsPath(vpath);
    GORGON_FTP_AS_PERSONA(read_->fs()->stat(read_->get(), p.data(), p.size(),
                                            follow ? 0u : GORGON_FS_NOFOLLOW, &out));
}

gorgon_status SessionFs::openRead(std::string_view vpath, int& fd) const {
    const std::string_view p = fsPath(vpath);
    GORGON_FTP_AS_PERSONA(
        read_->fs()->open(read_->get(), p.data(), p.size(), GORGON_FS_READ, 0, &fd));
}

gorgon_status SessionFs::list(std::string_view vpath, std::size_t max, gorgon_fs_list_fn fn,
                              void* user) const {
    const std::string_view p = fsPath(vpath);
    GORGON_FTP_AS_PERSONA(read_->fs()->list(read_->get(), p.data(), p.size(), max, fn, user));
}

gorgon_status SessionFs::openWrite(std::string_view vpath, std::uint32_t flags, std::uint32_t mode,
                                   int& fd) const {
    std::string p;
    if (!writePath(vpath, p)) return GORGON_E_PERM;
    GORGON_FTP_AS_PERSONA(
        write_->fs()->open(write_->get(), p.data(), p.size(), flags | GORGON_FS_WRITE, mode, &fd));
}

gorgon_status SessionFs::mkdir(std::string_view vpath, std::uint32_t mode) const {
    std::string p;
    if (!writePath(vpath, p)) return GORGON_E_PERM;
    GORGON_FTP_AS_PERSONA(write_->fs()->mkdir(write_->get(), p.data(), p.size(), mode));
}

gorgon_status SessionFs::rename(std::string_view from, std::string_view to) const {
    std::string a;
    std::string b;
    if (!writePath(from, a) || !writePath(to, b)) return GORGON_E_PERM;
    GORGON_FTP_AS_PERSONA(
        write_->fs()->rename(write_->get(), a.data(), a.size(), b.data(), b.size()));
}

gorgon_status SessionFs::remove(std::string_view vpath) const {
    std::string p;
    if (!writePath(vpath, p)) return GORGON_E_PERM;
    GORGON_FTP_AS_PERSONA(write_->fs()->remove(write_->get(), p.data(), p.size()));
}

gorgon_status SessionFs::rmdir(std::string_view vpath) const {
    std::string p;
    if (!writePath(vpath, p)) return GORGON_E_PERM;
    GORGON_FTP_AS_PERSONA(write_->fs()->rmdir(write_->get(), p.data(), p.size()));
}

#undef GORGON_FTP_AS_PERSONA

}  // namespace gorgon::ftp
