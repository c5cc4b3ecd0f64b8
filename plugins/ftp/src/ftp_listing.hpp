// Directory listings as FTP sends them: "ls -l" lines for LIST and STAT, bare names for NLST,
// and RFC 3659 facts for MLSD and MLST; also the MDTM time stamp. Pure.
#pragma once

#include <gorgon/fs.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::ftp {

struct ListEntry {
    std::string name;
    gorgon_fs_stat st{};
};

// RFC 3659 facts (MLST, MLSD), as a bit set; OPTS MLST chooses which are sent.
enum Fact : std::uint32_t {
    kFactType = 1,
    kFactSize = 2,
    kFactModify = 4,
    kFactPerm = 8,
    kFactUnique = 16,
    kFactUnixMode = 32,
    kFactUnixUid = 64,
    kFactUnixGid = 128,
};
inline constexpr std::uint32_t kAllFacts = 255;
inline constexpr std::uint32_t kDefaultFacts =
    kFactType | kFactSize | kFactModify | kFactPerm | kFactUnique;

// "type*;size*;modify*;perm*;unique*;UNIX.mode;UNIX.uid;UNIX.gid;" for FEAT: every fact the
// server knows, '*' after those in `enabled`.
[[nodiscard]] std::string factList(std::uint32_t enabled);
// Parses the argument of OPTS MLST ("type;size;", any case; unknown names ignored, RFC 3659
// section 7.9). Returns the new set and writes the accepted names into `echo`.
[[nodiscard]] std::uint32_t parseFactOpts(std::string_view arg, std::string& echo);

enum class ListFormat : std::uint8_t { Long, Names, Facts };

// Sorts as ls does by default (bytewise by name).
void sortEntries(std::vector<ListEntry>& entries);

// "-rw-r--r--    1 1000     1000           1234 Nov 25 03:17 name\r\n", dates in UTC: "HH:MM"
// within six months of `now`, the year otherwise.
void appendLongLine(std::string& out, const ListEntry& e, std::int64_t now);
// "name\r\n"
void appendNameLine(std::string& out, const ListEntry& e);
// "type=file;size=3;modify=20240501123456;perm=r; name" (no line end; MLSD adds CRLF, MLST adds
// a leading space). `writable`: whether the session may change things here (the perm fact).
void appendFacts(std::string& out, const gorgon_fs_stat& st, std::string_view name,
                 std::uint32_t facts, bool writable);

// Appends one entry in `format` (MLSD facts with their CRLF).
void appendEntry(std::string& out, ListFormat format, const ListEntry& e, std::int64_t now,
                 std::uint32_t facts, bool writable);

// "YYYYMMDDHHMMSS" in UTC (RFC 3659 time-val), for MDTM and the modify fact.
[[nodiscard]] std::string formatTimeVal(std::int64_t seconds);

// True for a name a listing can carry: not empty, no CR, LF or NUL (a line break in a name would
// forge listing lines).
[[nodiscard]] bool listableName(std::string_view name) noexcept;

}  // namespace gorgon::ftp
