#include "plugin/plugin_object.hpp"

#include "core/privileges.hpp"
#include "util/sha256.hpp"
#include "util/unique_fd.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon {

namespace {

std::string errnoText() {
    return std::strerror(errno);
}

// The drop directory is a trust boundary: anything loaded runs with our privileges.
Result<void> checkOwnership(const struct stat& st, const std::string& what) {
    if (!S_ISREG(st.st_mode)) return fail(what + " is not a regular file");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return fail(what + " is group- or world-writable (mode " + mode +
                    "); refusing to load it (chmod go-w)");
    }
    if (!trustedOwner(st.st_uid)) {
        return fail(what + " is owned by uid " + std::to_string(st.st_uid) +
                    ", neither root nor the service user; refusing to load it");
    }
    return {};
}

Result<void> ensurePrivateDir(const std::string& dir) {
    // mkdir -p, each component 0700 when we create it.
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
        if (pos == dir.size() || dir[pos] == '/') {
            std::string part = dir.substr(0, pos);
            if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
                return fail("cannot create " + part + ": " + errnoText());
            }
        }
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return fail("cannot stat " + dir + ": " + errnoText());
    if (!S_ISDIR(st.st_mode)) return fail(dir + " is not a directory");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || !trustedOwner(st.st_uid)) {
        return fail("runtime directory " + dir +
                    " must be owned by root or the service user and not group/world-writable");
    }
    return {};
}

// Copies src to a new file in dir, hashing the bytes copied. Returns (path, sha256).
Result<std::pair<std::string, std::string>> stageCopy(int src, const std::string& dir) {
    static std::atomic<uint64_t> counter{0};
    std::string tmp =
        dir + "/.staging-" + std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1));
    UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out.valid()) return fail("cannot create " + tmp + ": " + errnoText());
    Sha256 hash;
    std::array<char, 65536> buf{};
    for (;;) {
        ssize_t n = ::read(src, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::unlink(tmp.c_str());
            return fail("read failed: " + errnoText());
        }
        if (n == 0) break;
        auto len = static_cast<size_t>(n);
        hash.update({buf.data(), len});
        for (size_t off = 0; off < len;) {
            ssize_t w = ::write(out.get(), buf.data() + off, len - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                ::unlink(tmp.c_str());
                return fail("cannot write " + tmp + ": " + errnoText());
            }
            off += static_cast<size_t>(w);
        }
    }
    ::fchmod(out.get(), 0500);
    out.reset();
    std::string digest = hash.hexDigest();
    // Unique per load even for identical content: dlopen returns the already-loaded handle for
    // a path it has seen, which would make a reload of the same bytes a no-op.
    std::string final_path = dir + "/" + digest.substr(0, 16) + "-" + std::to_string(getpid()) +
                             "-" + std::to_string(counter.fetch_add(1)) + ".so";
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return fail("cannot rename into " + final_path + ": " + errnoText());
    }
    return std::make_pair(final_path, digest);
}

}  // namespace

bool pluginDlcloseDisabled() {
    const char* v = std::getenv("GORGON_PLUGIN_NO_DLCLOSE");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

Result<PluginObject> PluginObject::open(const std::string& path, const std::string& runtime_dir) {
    UniqueFd src(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!src.valid()) return fail(path + ": cannot open: " + errnoText());
    struct stat st {};
    if (::fstat(src.get(), &st) != 0) return fail(path + ": cannot stat: " + errnoText());
    if (auto r = checkOwnership(st, path); !r) return fail(r.error());
    if (auto r = ensurePrivateDir(runtime_dir); !r) return fail(r.error());
    auto staged = stageCopy(src.get(), runtime_dir);
    if (!staged) return fail(path + ": " + staged.error());

    PluginObject obj;
    obj.file_ = path;
    obj.loaded_path_ = staged->first;
    obj.sha256_ = staged->second;
    // NOW: a missing symbol fails here, not at the first request. LOCAL: plugins never see
    // each other's symbols. No DEEPBIND: AddressSanitizer refuses it.
    obj.handle_ = dlopen(obj.loaded_path_.c_str(), RTLD_NOW | RTLD_LOCAL);
    // The mapping stays after unlink; no stale copies pile up, even after a crash.
    ::unlink(obj.loaded_path_.c_str());
    if (obj.handle_ == nullptr) {
        const char* err = dlerror();
        return fail(path + ": cannot load: " + (err ? err : "unknown dlopen error"));
    }
    dlerror();
    void* sym = dlsym(obj.handle_, GORGON_PLUGIN_ENTRY_SYMBOL);
    if (sym == nullptr) {
        return fail(path + ": no " GORGON_PLUGIN_ENTRY_SYMBOL " symbol (not a Gorgon plugin?)");
    }
    // POSIX guarantees a data pointer from dlsym can hold a function pointer.
    gorgon_plugin_entry_fn entry = nullptr;
    static_assert(sizeof entry == sizeof sym);
    std::memcpy(&entry, &sym, sizeof entry);
    auto info = checkDescriptor(entry());
    if (!info) return fail(path + ": " + info.error());
    obj.info_ = std::move(info.value());
    return obj;
}

PluginObject::PluginObject(PluginObject&& o) noexcept {
    *this = std::move(o);
}

PluginObject& PluginObject::operator=(PluginObject&& o) noexcept {
    if (this != &o) {
        close();
        handle_ = std::exchange(o.handle_, nullptr);
        file_ = std::move(o.file_);
        loaded_path_ = std::move(o.loaded_path_);
        sha256_ = std::move(o.sha256_);
        info_ = std::move(o.info_);
    }
    return *this;
}

PluginObject::~PluginObject() {
    close();
}

bool PluginObject::close() {
    if (handle_ == nullptr) return true;
    void* h = std::exchange(handle_, nullptr);
    if (pluginDlcloseDisabled()) return true;
    dlclose(h);
    // Ask without loading: a non-NULL answer means something (a unique symbol, a thread_local
    // destructor, NODELETE) kept the object mapped. Drop the reference the question took.
    void* still = dlopen(loaded_path_.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (still != nullptr) {
        dlclose(still);
        return false;
    }
    return true;
}

}  // namespace gorgon
