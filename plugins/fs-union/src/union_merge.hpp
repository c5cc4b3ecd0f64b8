// Merging the listings of one directory across layers: pure logic, unit-tested.
#pragma once

#include <gorgon/fs.h>

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

namespace gorgon::fsunion {

struct Entry {
    std::string name;
    gorgon_fs_stat st{};
};

// Accumulates layers from the top down: a name already taken by an upper layer is skipped, so
// the upper entry wins whatever its type (a file above hides a directory below, and the other
// way round). Entries keep their layer's order, upper layers first.
class MergedListing {
  public:
    // Adds one layer's entries. False (and nothing more is added) once the merged listing would
    // exceed `max_entries`.
    bool addLayer(std::vector<Entry> layer, std::size_t max_entries);
    [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return entries_; }

  private:
    std::vector<Entry> entries_;
    std::unordered_set<std::string> names_;
};

}  // namespace gorgon::fsunion
