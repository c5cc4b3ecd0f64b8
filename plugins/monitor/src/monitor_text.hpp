// Text helpers for human-readable replies and log lines. Pure code: unit-tested directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::monitor {

// Replaces control bytes (below 0x20, and 0x7f; tab too) with '?', so no name, path or
// address can move a terminal's cursor or forge a log line.
[[nodiscard]] std::string sanitize(std::string_view text);

// For log lines: sanitize(), in double quotes, cut at `max` bytes with "..." when longer.
[[nodiscard]] std::string quoteForLog(std::string_view text, std::size_t max = 512);

[[nodiscard]] std::string hexEncode(std::span<const std::uint8_t> bytes);

// Decodes exactly `want` bytes of hex (either case). nullopt for anything else.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> hexDecode(std::string_view hex,
                                                                 std::size_t want);

// "3d 4h", "2h 5m", "5m 12s", "42s", "0s": the two largest units.
[[nodiscard]] std::string formatDuration(std::uint64_t ms);

// Milliseconds since the epoch as "2026-11-25T01:30:00Z"; "-" for 0 or less.
[[nodiscard]] std::string formatTime(std::int64_t ms);

// The plugin-name rule of the ABI (plugin.h): [a-z0-9][a-z0-9_-]*, at most 63 characters.
[[nodiscard]] bool isPluginName(std::string_view name) noexcept;

// Log levels by name: error, warn, info, debug (the numbering of gorgon_log_level).
[[nodiscard]] std::optional<std::uint32_t> logLevelByName(std::string_view name) noexcept;
[[nodiscard]] std::string_view logLevelName(std::uint32_t level) noexcept;

// A table of left-aligned columns separated by two spaces, every cell sanitized. The header
// is the first row; the last column is not padded.
class Table {
  public:
    explicit Table(std::vector<std::string> header);
    void add(std::vector<std::string> row);
    [[nodiscard]] std::size_t rows() const noexcept { return rows_.size() - 1; }
    [[nodiscard]] std::string render() const;

  private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace gorgon::monitor
