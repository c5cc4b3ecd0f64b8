#include "union_merge.hpp"

namespace gorgon::fsunion {

bool MergedListing::addLayer(std::vector<Entry> layer, std::size_t max_entries) {
    for (Entry& e : layer) {
        if (names_.contains(e.name)) continue;  // an upper layer has this name
        if (entries_.size() == max_entries) return false;
        names_.insert(e.name);
        entries_.push_back(std::move(e));
    }
    return true;
}

}  // namespace gorgon::fsunion
