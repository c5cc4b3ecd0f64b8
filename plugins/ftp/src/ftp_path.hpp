// Virtual paths: what the client sees. Every session has a current directory, an absolute
// path that starts with '/' inside its root; a path argument is joined to it and normalised
// lexically ("." dropped, ".." taken back, never above '/', as in a chroot). The filesystem
// object then confines the result again (openat2 RESOLVE_BENEATH), so neither ".." nor a symbolic
// link can leave the root even where the two disagree. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gorgon::ftp {

// The kernel refuses longer paths; refusing them here gives a clear reply instead.
inline constexpr std::size_t kMaxPath = 4095;

// `arg` resolved against `cwd` (itself normalised): "/a/b". nullopt if the result is too long
// or `arg` is empty.
[[nodiscard]] std::optional<std::string> resolvePath(std::string_view cwd, std::string_view arg);

// The path as the filesystem object takes it: relative to the root ("" for the root itself).
[[nodiscard]] inline std::string_view fsPath(std::string_view vpath) noexcept {
    while (!vpath.empty() && vpath.front() == '/') vpath.remove_prefix(1);
    return vpath;
}

// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
[[nodiscard]] std::string_view parentOf(std::string_view vpath) noexcept;
// "/a/b" -> "b"; "/" -> "".
[[nodiscard]] std::string_view baseName(std::string_view vpath) noexcept;
// "/a" + "b" -> "/a/b"; "/" + "b" -> "/b".
[[nodiscard]] std::string childOf(std::string_view dir, std::string_view name);

// True when `vpath` is `dir` itself (if `or_self`) or lies below it. Both normalised.
[[nodiscard]] bool isWithin(std::string_view vpath, std::string_view dir, bool or_self) noexcept;

// `vpath` as seen from `dir` (which holds it): "/up/x" from "/up" is "/x".
[[nodiscard]] std::string relativeTo(std::string_view vpath, std::string_view dir);

// The path for a 257 reply: every '"' doubled (RFC 959 appendix II).
[[nodiscard]] std::string quotePath(std::string_view vpath);

// True when `s` has a character glob(7) would expand: '*', '?' or '['.
[[nodiscard]] bool hasGlob(std::string_view s) noexcept;

}  // namespace gorgon::ftp
