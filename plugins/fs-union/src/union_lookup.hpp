// How a name is found across the layers: the top-most layer holding an entry of that name wins,
// and an entry that is not a directory (a file, a link that leads nowhere) hides everything
// below its own name in the layers under it. Every question is asked of the lower provider
// with a normalised path (union_paths.hpp), inside one layer's root.
#pragma once

#include "union_root.hpp"

#include <cstddef>
#include <string_view>

namespace gorgon::fsunion {

struct Found {
    std::size_t layer = 0;
    gorgon_fs_stat st{};  // the entry itself (not followed)
};

class Lookup {
  public:
    explicit Lookup(gorgon_fs& fs) noexcept : fs_(fs), low_(*fs.lower->get()) {}

    [[nodiscard]] std::size_t layers() const noexcept { return fs_.layers.size(); }
    [[nodiscard]] const gorgon_fs_provider& lower() const noexcept { return low_; }
    [[nodiscard]] gorgon_fs* layer(std::size_t i) const noexcept { return fs_.layers[i]; }
    [[nodiscard]] gorgon_fs* top() const noexcept { return fs_.layers.front(); }

    // stat() in one layer.
    gorgon_status stat(std::size_t layer, std::string_view p, std::uint32_t flags,
                       gorgon_fs_stat& out) const noexcept;
    // The top-most visible entry called `p`, searching from layer `from` down:
    // GORGON_E_NOTFOUND if none, or the first error other than "not found" a layer gives
    // (GORGON_E_INVAL for a path that would leave it).
    gorgon_status locate(std::string_view p, Found& out, std::size_t from = 0) const noexcept;
    // Whether layer `layer`, which has no entry `p`, hides `p` in the layers below: some
    // directory above `p` is, in this layer, not a directory.
    gorgon_status hides(std::size_t layer, std::string_view p, bool& hidden) const noexcept;
    // Whether `p` names a directory in the merged tree (GORGON_OK), following a final link
    // within its layer; GORGON_E_NOTFOUND if missing or not a directory.
    gorgon_status isDirectory(std::string_view p) const noexcept;
    // Creates in the top layer each directory of `dir` (a directory of the merged tree) that
    // the top layer lacks, with the permission bits of the directory it copies.
    gorgon_status makeTopDirs(std::string_view dir) const;

  private:
    gorgon_fs& fs_;
    const gorgon_fs_provider& low_;
};

// Copies `from` into the caller's struct, up to the smaller of the two sizes, keeping the
// caller's struct_size: a consumer built against a shorter gorgon_fs_stat is never overrun.
void copyStat(const gorgon_fs_stat& from, gorgon_fs_stat* to) noexcept;

}  // namespace gorgon::fsunion
