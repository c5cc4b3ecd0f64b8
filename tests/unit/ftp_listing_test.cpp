// Unit tests for FTP listings (plugins/ftp/src/ftp_listing): ls -l lines, MLSx facts, names, time
// values, OPTS MLST; and TYPE A conversion (ftp_ascii).
#include "ftp_listing.hpp"

#include "ftp_ascii.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gorgon::ftp;

namespace {

// 2024-05-01 12:34:56 UTC
constexpr std::int64_t kMay2024 = 1714566896;

ListEntry entry(std::string name, int type, std::uint32_t mode, std::uint64_t size,
                std::int64_t mtime) {
    ListEntry e;
    e.name = std::move(name);
    e.st.struct_size = sizeof e.st;
    e.st.type = type;
    e.st.mode = mode;
    e.st.size = size;
    e.st.mtime_sec = mtime;
    e.st.nlink = 1;
    e.st.uid = 1000;
    e.st.gid = 100;
    e.st.device = 0x801;
    e.st.inode = 0x1234;
    return e;
}

}  // namespace

TEST_CASE("ftp ls -l lines") {
    std::string out;
    appendLongLine(out, entry("a.txt", GORGON_FS_FILE, 0644, 1234, kMay2024), kMay2024 + 86400);
    CHECK(out == "-rw-r--r--    1 1000     100              1234 May  1 12:34 a.txt\r\n");
    out.clear();
    // Older than six months: the year instead of the time.
    appendLongLine(out, entry("old", GORGON_FS_DIRECTORY, 0755, 4096, kMay2024),
                   kMay2024 + 400LL * 86400);
    CHECK(out == "drwxr-xr-x    1 1000     100              4096 May  1  2024 old\r\n");
    out.clear();
    appendLongLine(out, entry("s", GORGON_FS_FILE, 06755 | 01000, 0, kMay2024), kMay2024);
    CHECK(out.substr(0, 10) == "-rwsr-sr-t");
}

TEST_CASE("ftp MLSx facts") {
    std::string out;
    const ListEntry f = entry("a b.txt", GORGON_FS_FILE, 0640, 3, kMay2024);
    appendFacts(out, f.st, f.name, kDefaultFacts, false);
    CHECK(out == "type=file;size=3;modify=20240501123456;perm=r;unique=801g1234; a b.txt");
    out.clear();
    const ListEntry d = entry("dir", GORGON_FS_DIRECTORY, 0755, 4096, kMay2024);
    appendFacts(out, d.st, d.name, kAllFacts, true);
    CHECK(out ==
          "type=dir;size=4096;modify=20240501123456;perm=elcmdfp;unique=801g1234;UNIX.mode=0755;"
          "UNIX.uid=1000;UNIX.gid=100; dir");
    out.clear();
    appendEntry(out, ListFormat::Facts, f, 0, kFactType, false);
    CHECK(out == "type=file; a b.txt\r\n");
    out.clear();
    appendEntry(out, ListFormat::Names, f, 0, 0, false);
    CHECK(out == "a b.txt\r\n");
}

TEST_CASE("ftp OPTS MLST and FEAT fact list") {
    std::string echo;
    CHECK(parseFactOpts("type;Size;bogus;modify;", echo) == (kFactType | kFactSize | kFactModify));
    CHECK(echo == "type;size;modify;");
    CHECK(parseFactOpts("", echo) == 0);
    CHECK(echo.empty());
    CHECK(factList(kFactType | kFactUnixMode) ==
          "type*;size;modify;perm;unique;UNIX.mode*;UNIX.uid;UNIX.gid;");
}

TEST_CASE("ftp listing helpers") {
    CHECK(formatTimeVal(kMay2024) == "20240501123456");
    CHECK(formatTimeVal(0) == "19700101000000");
    CHECK(listableName("ok name"));
    CHECK_FALSE(listableName("bad\nname"));
    CHECK_FALSE(listableName("bad\rname"));
    CHECK_FALSE(listableName(""));
    std::vector<ListEntry> v = {entry("b", 1, 0, 0, 0), entry("B", 1, 0, 0, 0),
                                entry("a", 1, 0, 0, 0)};
    sortEntries(v);
    CHECK(v[0].name == "B");
    CHECK(v[1].name == "a");
    CHECK(v[2].name == "b");
}

TEST_CASE("ftp TYPE A conversion") {
    std::string out;
    toNetAscii("a\nb\n\nc", out);
    CHECK(out == "a\r\nb\r\n\r\nc");
    out.clear();
    toNetAscii("", out);
    CHECK(out.empty());

    FromNetAscii in;
    out.clear();
    in.convert("a\r\nb\r", out);  // CR at the end of a chunk is held back
    CHECK(out == "a\nb");
    in.convert("\nc\rd", out);  // its LF arrives in the next one
    CHECK(out == "a\nb\nc\rd");
    in.convert("e\r", out);
    in.finish(out);  // a final lone CR is kept
    CHECK(out == "a\nb\nc\rde\r");
}
