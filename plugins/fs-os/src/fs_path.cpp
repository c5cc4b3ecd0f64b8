#include "fs_path.hpp"

#include <cstring>

namespace gorgon::fsos {

bool PathBuf::assign(std::string_view s) noexcept {
    if (s.size() >= kMaxPath) return false;
    if (!s.empty()) std::memcpy(buf_, s.data(), s.size());
    buf_[s.size()] = '\0';
    len_ = s.size();
    return true;
}

namespace {

// The path as a view, or nullopt-like failure: NUL bytes would silently cut the path short at
// the system call, so they are refused rather than truncated.
bool checkedView(const char* path, std::size_t len, std::string_view& out) noexcept {
    if (path == nullptr) {
        if (len != 0) return false;
        out = {};
        return true;
    }
    if (std::memchr(path, '\0', len) != nullptr) return false;
    out = std::string_view(path, len);
    return true;
}

std::string_view stripLeadingSlashes(std::string_view s) noexcept {
    std::size_t i = s.find_first_not_of('/');
    return i == std::string_view::npos ? std::string_view() : s.substr(i);
}

}  // namespace

gorgon_status preparePath(const char* path, std::size_t len, PathBuf& out) noexcept {
    std::string_view s;
    if (!checkedView(path, len, s)) return GORGON_E_INVAL;
    // An absolute path would make openat2 refuse with EXDEV under RESOLVE_BENEATH; the ABI
    // defines paths as relative to the root, so "/a" and "a" are the same file.
    s = stripLeadingSlashes(s);
    if (s.empty()) s = ".";
    return out.assign(s) ? GORGON_OK : GORGON_E_INVAL;
}

gorgon_status splitPath(const char* path, std::size_t len, PathBuf& parent,
                        PathBuf& name) noexcept {
    std::string_view s;
    if (!checkedView(path, len, s)) return GORGON_E_INVAL;
    s = stripLeadingSlashes(s);
    while (!s.empty() && s.back() == '/') s.remove_suffix(1);
    std::size_t slash = s.rfind('/');
    std::string_view dir =
        slash == std::string_view::npos ? std::string_view() : s.substr(0, slash);
    std::string_view last = slash == std::string_view::npos ? s : s.substr(slash + 1);
    // The root cannot be made or removed, and "." or ".." would act on a directory other than
    // the one the caller named (or, for "..", on the parent of the resolved directory).
    if (last.empty() || last == "." || last == "..") return GORGON_E_INVAL;
    while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
    if (dir.empty()) dir = ".";
    if (!parent.assign(dir) || !name.assign(last)) return GORGON_E_INVAL;
    return GORGON_OK;
}

}  // namespace gorgon::fsos
