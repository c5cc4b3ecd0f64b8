// Unit tests for FTP virtual paths (plugins/ftp/src/ftp_path): joining to the current
// directory, ".." clamped at the root, and the helpers around them.
#include "ftp_path.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gorgon::ftp;

TEST_CASE("ftp path joining") {
    CHECK(resolvePath("/", "a") == "/a");
    CHECK(resolvePath("/a", "b/c") == "/a/b/c");
    CHECK(resolvePath("/a", "/x") == "/x");
    CHECK(resolvePath("/a/b", "..") == "/a");
    CHECK(resolvePath("/a/b", "../../..") == "/");
    CHECK(resolvePath("/", "../../etc/passwd") == "/etc/passwd");  // never above the root
    CHECK(resolvePath("/a", "./b//c/./") == "/a/b/c");
    CHECK(resolvePath("/a", ".") == "/a");
    CHECK(resolvePath("/a", "/") == "/");
    CHECK(resolvePath("/a", "b/../../../c") == "/c");
    CHECK(resolvePath("/a", "...") == "/a/...");  // a name, not a step up
    CHECK_FALSE(resolvePath("/", ""));
    CHECK_FALSE(resolvePath("/", std::string(5000, 'x')));
    CHECK(resolvePath("/", std::string(4000, 'x')));
}

TEST_CASE("ftp path helpers") {
    CHECK(fsPath("/a/b") == "a/b");
    CHECK(fsPath("/") == "");
    CHECK(parentOf("/a/b") == "/a");
    CHECK(parentOf("/a") == "/");
    CHECK(parentOf("/") == "/");
    CHECK(baseName("/a/b") == "b");
    CHECK(baseName("/") == "");
    CHECK(childOf("/", "x") == "/x");
    CHECK(childOf("/a", "x") == "/a/x");
    CHECK(isWithin("/in/x", "/in", false));
    CHECK_FALSE(isWithin("/in", "/in", false));
    CHECK(isWithin("/in", "/in", true));
    CHECK_FALSE(isWithin("/inx", "/in", false));
    CHECK(isWithin("/x", "/", false));
    CHECK_FALSE(isWithin("/", "/", false));
    CHECK(relativeTo("/in/x", "/in") == "/x");
    CHECK(relativeTo("/x", "/") == "/x");
    CHECK(quotePath("/say \"hi\"") == "/say \"\"hi\"\"");
    CHECK(hasGlob("*.txt"));
    CHECK(hasGlob("a?"));
    CHECK_FALSE(hasGlob("plain"));
}
