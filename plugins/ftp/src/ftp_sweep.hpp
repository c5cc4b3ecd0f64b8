// Upload files in the making (STOR and STOU write into a hidden file beside the target, renamed
// over it once complete) and the ones a dead process left behind. A session removes its own on
// every way it ends; a process killed mid-upload (SIGKILL, a crash, a power cut) cannot, so each
// server sweeps its writable roots when it starts. A live upload holds an exclusive flock(2) on
// its file (the kernel drops it when the process dies), so a sweep never takes the file of an
// upload still running, in this process (a reload) or in another worker.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gorgon::ftp {

inline constexpr std::string_view kUploadPrefix = ".gorgon-upload-";
inline constexpr std::string_view kUploadSuffix = ".part";

// ".gorgon-upload-<hex>.part".
[[nodiscard]] bool isUploadTempName(std::string_view name) noexcept;

// Marks the upload file open on `fd` as in use while this process lives.
void claimUploadFile(int fd) noexcept;

// Removes the upload files under `root` (every level, without following symbolic links or
// leaving its file system) that no process holds. Returns how many; `error` is set if the walk
// could not start.
std::size_t sweepStaleUploads(const std::string& root, std::string& error);

}  // namespace gorgon::ftp
