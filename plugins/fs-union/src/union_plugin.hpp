// The fs-union plugin object: holds its lease on the lower provider ("filesystem:os") and
// publishes the "filesystem:union" provider, whose ctx it is.
#pragma once

#include "union_root.hpp"

#include <gorgon/fs.h>
#include <gorgon/plugin.hpp>

#include <memory>

namespace gorgon::fsunion {

class UnionPlugin {
  public:
    UnionPlugin(Host host, const Config& config);
    UnionPlugin(const UnionPlugin&) = delete;
    UnionPlugin& operator=(const UnionPlugin&) = delete;
    UnionPlugin(UnionPlugin&&) = delete;
    UnionPlugin& operator=(UnionPlugin&&) = delete;
    ~UnionPlugin() = default;

    // The newest lower provider, for a root being opened: after fs-os is reloaded, roots opened
    // from then on use its new generation, and the old one is let go once the roots opened on it
    // are closed. Null if it cannot be had.
    [[nodiscard]] std::shared_ptr<const LowerLease> lower() noexcept;

  private:
    Host host_;
    std::shared_ptr<const LowerLease> lower_;  // taken in init, as `depends` promises
    // Published by address: it must live exactly as long as this object.
    gorgon_fs_provider provider_{};
};

}  // namespace gorgon::fsunion
