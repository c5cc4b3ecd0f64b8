// The interactive prompt's history: at most `limit` lines, newest last, kept in a file of mode
// 0600 (~/.gorgonctl_history), rewritten whole (through a temporary file and a rename) so it is
// never half-written. Pure apart from load/save: unit-tested.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gorgonctl {

class History {
  public:
    static constexpr std::size_t kDefaultLimit = 1000;
    static constexpr std::size_t kMaxLine = 4096;

    explicit History(std::size_t limit = kDefaultLimit) : limit_(limit) {}

    // Adds a line unless it is blank, too long, holds control bytes, or repeats the newest.
    void add(std::string_view line);
    [[nodiscard]] const std::vector<std::string>& lines() const noexcept { return lines_; }

    // Missing file: empty history. Lines that add() would refuse are skipped.
    void load(const std::string& path);
    // Returns false (and leaves the old file) if it cannot be written.
    bool save(const std::string& path) const;

  private:
    std::size_t limit_;
    std::vector<std::string> lines_;
};

}  // namespace gorgonctl
