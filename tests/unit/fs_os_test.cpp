// Unit tests for the fs-os provider (plugins/fs-os/src), compiled in directly: a real temporary
// tree with symbolic links pointing out of the root, and the confinement that must refuse them.
#include "fs_path.hpp"
#include "fs_provider.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace stdfs = std::filesystem;
using gorgon::fsos::osProvider;

// A scratch directory laid out as:
//   outside/secret.txt
//   root/hello.txt ("hello"), root/sub/inner.txt, root/empty/
//   root/up -> ../outside/secret.txt, root/abs -> /abs/path/outside/secret.txt,
//   root/updir -> .., root/sibling -> hello.txt, root/subdir -> sub, root/dangling -> nowhere
class Tree {
  public:
    Tree() {
        char tmpl[] = "/tmp/gorgon-fs-test-XXXXXX";
        const char* made = ::mkdtemp(tmpl);
        REQUIRE(made != nullptr);
        base_ = made;
        stdfs::create_directories(base_ / "outside");
        stdfs::create_directories(base_ / "root" / "sub");
        stdfs::create_directories(base_ / "root" / "empty");
        write(base_ / "outside" / "secret.txt", "secret");
        write(base_ / "root" / "hello.txt", "hello");
        write(base_ / "root" / "sub" / "inner.txt", "inner");
        stdfs::create_symlink("../outside/secret.txt", base_ / "root" / "up");
        stdfs::create_symlink(base_ / "outside" / "secret.txt", base_ / "root" / "abs");
        stdfs::create_symlink("..", base_ / "root" / "updir");
        stdfs::create_symlink("hello.txt", base_ / "root" / "sibling");
        stdfs::create_symlink("sub", base_ / "root" / "subdir");
        stdfs::create_symlink("nowhere", base_ / "root" / "dangling");
        stdfs::create_symlink("/proc/self/root", base_ / "root" / "magic");
    }
    ~Tree() {
        std::error_code ec;
        stdfs::remove_all(base_, ec);
    }
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    [[nodiscard]] std::string root() const { return (base_ / "root").string(); }
    [[nodiscard]] const stdfs::path& base() const { return base_; }

    static void write(const stdfs::path& p, std::string_view text) { std::ofstream(p) << text; }

  private:
    stdfs::path base_;
};

// An open root that closes itself.
class Root {
  public:
    Root(const std::string& path, uint32_t flags) {
        char err[256] = {};
        status_ =
            osProvider().open_root(osProvider().ctx, path.c_str(), flags, &fs_, err, sizeof err);
        error_ = err;
    }
    ~Root() {
        if (fs_ != nullptr) osProvider().close_root(fs_);
    }
    Root(const Root&) = delete;
    Root& operator=(const Root&) = delete;

    [[nodiscard]] gorgon_fs* fs() const { return fs_; }
    [[nodiscard]] gorgon_status status() const { return status_; }
    [[nodiscard]] const std::string& error() const { return error_; }

    [[nodiscard]] gorgon_status stat(std::string_view path, gorgon_fs_stat& st,
                                     uint32_t flags = 0) const {
        st = {};
        st.struct_size = sizeof st;
        return osProvider().stat(fs_, path.data(), path.size(), flags, &st);
    }
    // Opens `path` for reading and returns its contents, or the error status as a string.
    [[nodiscard]] std::string read(std::string_view path) const {
        int fd = -1;
        gorgon_status s = osProvider().open(fs_, path.data(), path.size(), GORGON_FS_READ, 0, &fd);
        if (s != GORGON_OK) return "status " + std::to_string(s);
        char buf[256];
        ssize_t n = ::read(fd, buf, sizeof buf);
        ::close(fd);
        return n < 0 ? "read error" : std::string(buf, static_cast<size_t>(n));
    }
    [[nodiscard]] gorgon_status open(std::string_view path, uint32_t flags, int& fd) const {
        return osProvider().open(fs_, path.data(), path.size(), flags, 0644, &fd);
    }

  private:
    gorgon_fs* fs_ = nullptr;
    gorgon_status status_ = GORGON_E_INTERNAL;
    std::string error_;
};

struct Entry {
    std::string name;
    int32_t type;
};

gorgon_status list(const Root& r, std::string_view path, size_t max, std::vector<Entry>& out) {
    out.clear();
    auto fn = [](void* user, const char* name, size_t len, const gorgon_fs_stat* st) -> int {
        static_cast<std::vector<Entry>*>(user)->push_back({std::string(name, len), st->type});
        return 0;
    };
    return osProvider().list(r.fs(), path.data(), path.size(), max, fn, &out);
}

}  // namespace

TEST_CASE("fs-os path: leading slashes dropped, empty is the root, NUL refused") {
    gorgon::fsos::PathBuf p;
    CHECK(gorgon::fsos::preparePath("/a/b", 4, p) == GORGON_OK);
    CHECK(p.view() == "a/b");
    CHECK(gorgon::fsos::preparePath("///", 3, p) == GORGON_OK);
    CHECK(p.view() == ".");
    CHECK(gorgon::fsos::preparePath("", 0, p) == GORGON_OK);
    CHECK(p.view() == ".");
    CHECK(gorgon::fsos::preparePath("a\0b", 3, p) == GORGON_E_INVAL);
    std::string huge(gorgon::fsos::kMaxPath, 'a');
    CHECK(gorgon::fsos::preparePath(huge.data(), huge.size(), p) == GORGON_E_INVAL);
}

TEST_CASE("fs-os path: split into parent and last component") {
    gorgon::fsos::PathBuf dir;
    gorgon::fsos::PathBuf name;
    CHECK(gorgon::fsos::splitPath("/a/b/c", 6, dir, name) == GORGON_OK);
    CHECK(dir.view() == "a/b");
    CHECK(name.view() == "c");
    CHECK(gorgon::fsos::splitPath("c", 1, dir, name) == GORGON_OK);
    CHECK(dir.view() == ".");
    CHECK(name.view() == "c");
    CHECK(gorgon::fsos::splitPath("/a//c//", 7, dir, name) == GORGON_OK);
    CHECK(dir.view() == "a");
    CHECK(name.view() == "c");
    CHECK(gorgon::fsos::splitPath("", 0, dir, name) == GORGON_E_INVAL);
    CHECK(gorgon::fsos::splitPath("/", 1, dir, name) == GORGON_E_INVAL);
    CHECK(gorgon::fsos::splitPath("a/.", 3, dir, name) == GORGON_E_INVAL);
    CHECK(gorgon::fsos::splitPath("a/..", 4, dir, name) == GORGON_E_INVAL);
    CHECK(gorgon::fsos::splitPath("..", 2, dir, name) == GORGON_E_INVAL);
    CHECK(gorgon::fsos::splitPath("a\0/b", 4, dir, name) == GORGON_E_INVAL);
}

TEST_CASE("fs-os: open_root refuses what is not a directory") {
    Tree t;
    Root missing(t.root() + "/nope", GORGON_FS_READ_ONLY);
    CHECK(missing.status() == GORGON_E_NOTFOUND);
    CHECK(missing.error().find("nope") != std::string::npos);
    Root file(t.root() + "/hello.txt", GORGON_FS_READ_ONLY);
    CHECK(file.status() != GORGON_OK);
    Root bad_flags(t.root(), 0x80);
    CHECK(bad_flags.status() == GORGON_E_INVAL);
}

TEST_CASE("fs-os: files inside the root are read, stat'ed and listed") {
    Tree t;
    Root r(t.root(), GORGON_FS_READ_ONLY);
    REQUIRE(r.status() == GORGON_OK);
    CHECK(r.read("hello.txt") == "hello");
    CHECK(r.read("/hello.txt") == "hello");
    CHECK(r.read("sub/inner.txt") == "inner");
    CHECK(r.read("sub/../hello.txt") == "hello");  // ".." that stays inside is fine
    CHECK(r.read("sibling") == "hello");           // a link to a sibling inside the root
    CHECK(r.read("subdir/inner.txt") == "inner");

    gorgon_fs_stat st{};
    CHECK(r.stat("hello.txt", st) == GORGON_OK);
    CHECK(st.type == GORGON_FS_FILE);
    CHECK(st.size == 5);
    CHECK(st.inode != 0);
    CHECK(r.stat("", st) == GORGON_OK);
    CHECK(st.type == GORGON_FS_DIRECTORY);
    CHECK(r.stat("/", st) == GORGON_OK);
    CHECK(st.type == GORGON_FS_DIRECTORY);
    CHECK(r.stat("sibling", st) == GORGON_OK);
    CHECK(st.type == GORGON_FS_FILE);
    CHECK(r.stat("sibling", st, GORGON_FS_NOFOLLOW) == GORGON_OK);
    CHECK(st.type == GORGON_FS_SYMLINK);
    CHECK(r.stat("subdir", st) == GORGON_OK);
    CHECK(st.type == GORGON_FS_DIRECTORY);
    CHECK(r.stat("missing", st) == GORGON_E_NOTFOUND);
    CHECK(r.stat("hello.txt/x", st) == GORGON_E_NOTFOUND);
    CHECK(r.stat("dangling", st) == GORGON_E_NOTFOUND);
    CHECK(r.stat("dangling", st, GORGON_FS_NOFOLLOW) == GORGON_OK);
    CHECK(st.type == GORGON_FS_SYMLINK);

    std::vector<Entry> entries;
    CHECK(list(r, "", 100, entries) == GORGON_OK);
    std::vector<std::string> names;
    for (const auto& e : entries) names.push_back(e.name);
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"abs", "dangling", "empty", "hello.txt", "magic",
                                            "sibling", "sub", "subdir", "up", "updir"});
    for (const auto& e : entries) {
        if (e.name == "up" || e.name == "sibling") CHECK(e.type == GORGON_FS_SYMLINK);
        if (e.name == "sub") CHECK(e.type == GORGON_FS_DIRECTORY);
        if (e.name == "hello.txt") CHECK(e.type == GORGON_FS_FILE);
    }
    CHECK(list(r, "", 3, entries) == GORGON_E_TOOBIG);
    CHECK(entries.size() == 3);
    CHECK(list(r, "empty", 0, entries) == GORGON_OK);
    CHECK(list(r, "hello.txt", 10, entries) == GORGON_E_NOTFOUND);
    CHECK(list(r, "up", 10, entries) == GORGON_E_INVAL);
}

TEST_CASE("fs-os: nothing outside the root is reachable") {
    Tree t;
    Root r(t.root(), GORGON_FS_READ_ONLY);
    REQUIRE(r.status() == GORGON_OK);
    gorgon_fs_stat st{};
    for (std::string_view p :
         {"../outside/secret.txt", "/../outside/secret.txt", "sub/../../outside/secret.txt", "up",
          "abs", "updir/outside", "updir", "magic", "magic/etc/passwd"}) {
        CAPTURE(p);
        CHECK(r.read(p) == "status " + std::to_string(GORGON_E_INVAL));
        CHECK(r.stat(p, st) == GORGON_E_INVAL);
    }
    // The link itself may be looked at without following it; its target never.
    CHECK(r.stat("up", st, GORGON_FS_NOFOLLOW) == GORGON_OK);
    CHECK(st.type == GORGON_FS_SYMLINK);
    std::vector<Entry> entries;
    CHECK(list(r, "updir", 10, entries) == GORGON_E_INVAL);
    CHECK(list(r, "..", 10, entries) == GORGON_E_INVAL);
    // A NUL byte would cut the path short at the system call: refused, not truncated.
    CHECK(r.read(std::string_view("hello.txt\0/../../x", 18)) ==
          "status " + std::to_string(GORGON_E_INVAL));
}

TEST_CASE("fs-os: directories and special files are not opened as files") {
    Tree t;
    REQUIRE(::mkfifo((t.base() / "root" / "fifo").c_str(), 0600) == 0);
    Root r(t.root(), GORGON_FS_READ_ONLY);
    REQUIRE(r.status() == GORGON_OK);
    CHECK(r.read("sub") == "status " + std::to_string(GORGON_E_INVAL));
    CHECK(r.read("") == "status " + std::to_string(GORGON_E_INVAL));
    // Without O_NONBLOCK this would hang the test (and the server) waiting for a writer.
    CHECK(r.read("fifo") == "status " + std::to_string(GORGON_E_INVAL));
}

TEST_CASE("fs-os: a read-only root refuses every change") {
    Tree t;
    Root r(t.root(), GORGON_FS_READ_ONLY);
    REQUIRE(r.status() == GORGON_OK);
    const gorgon_fs_provider& p = osProvider();
    int fd = -1;
    CHECK(r.open("new.txt", GORGON_FS_WRITE | GORGON_FS_CREATE, fd) == GORGON_E_PERM);
    CHECK(r.open("hello.txt", GORGON_FS_WRITE, fd) == GORGON_E_PERM);
    CHECK(p.mkdir(r.fs(), "d", 1, 0755) == GORGON_E_PERM);
    CHECK(p.rename(r.fs(), "hello.txt", 9, "x", 1) == GORGON_E_PERM);
    CHECK(p.remove(r.fs(), "hello.txt", 9) == GORGON_E_PERM);
    CHECK(p.rmdir(r.fs(), "empty", 5) == GORGON_E_PERM);
    CHECK(stdfs::exists(t.base() / "root" / "hello.txt"));
}

TEST_CASE("fs-os: changes in a writable root stay inside it") {
    Tree t;
    Root r(t.root(), 0);
    REQUIRE(r.status() == GORGON_OK);
    const gorgon_fs_provider& p = osProvider();

    int fd = -1;
    REQUIRE(r.open("new.txt", GORGON_FS_WRITE | GORGON_FS_CREATE | GORGON_FS_EXCLUSIVE, fd) ==
            GORGON_OK);
    CHECK(::write(fd, "abc", 3) == 3);
    ::close(fd);
    CHECK(r.read("new.txt") == "abc");
    CHECK(r.open("new.txt", GORGON_FS_WRITE | GORGON_FS_CREATE | GORGON_FS_EXCLUSIVE, fd) ==
          GORGON_E_EXISTS);
    CHECK(r.open("new.txt", GORGON_FS_TRUNCATE, fd) == GORGON_E_INVAL);  // needs WRITE
    // Creating through a link that points out of the root is refused; nothing appears outside.
    CHECK(r.open("up", GORGON_FS_WRITE | GORGON_FS_TRUNCATE, fd) == GORGON_E_INVAL);
    CHECK(r.open("updir/escaped.txt", GORGON_FS_WRITE | GORGON_FS_CREATE, fd) == GORGON_E_INVAL);
    CHECK_FALSE(stdfs::exists(t.base() / "escaped.txt"));
    std::ifstream secret(t.base() / "outside" / "secret.txt");
    std::string text;
    secret >> text;
    CHECK(text == "secret");

    CHECK(p.mkdir(r.fs(), "d", 1, 0755) == GORGON_OK);
    CHECK(stdfs::is_directory(t.base() / "root" / "d"));
    CHECK(p.mkdir(r.fs(), "d", 1, 0755) == GORGON_E_EXISTS);
    CHECK(p.mkdir(r.fs(), "updir/x", 7, 0755) == GORGON_E_INVAL);
    CHECK(p.mkdir(r.fs(), "/", 1, 0755) == GORGON_E_INVAL);
    CHECK(p.mkdir(r.fs(), "d/..", 4, 0755) == GORGON_E_INVAL);
    CHECK_FALSE(stdfs::exists(t.base() / "x"));

    CHECK(p.rename(r.fs(), "new.txt", 7, "d/moved.txt", 11) == GORGON_OK);
    CHECK(r.read("d/moved.txt") == "abc");
    CHECK(p.rename(r.fs(), "d/moved.txt", 11, "updir/stolen.txt", 16) == GORGON_E_INVAL);
    CHECK(p.rename(r.fs(), "missing", 7, "x", 1) == GORGON_E_NOTFOUND);

    CHECK(p.rmdir(r.fs(), "d", 1) == GORGON_E_BUSY);
    CHECK(p.remove(r.fs(), "d", 1) == GORGON_E_INVAL);
    CHECK(p.rmdir(r.fs(), "hello.txt", 9) == GORGON_E_INVAL);
    CHECK(p.remove(r.fs(), "d/moved.txt", 11) == GORGON_OK);
    CHECK(p.rmdir(r.fs(), "d", 1) == GORGON_OK);
    CHECK(p.remove(r.fs(), "missing", 7) == GORGON_E_NOTFOUND);

    // Removing a link removes the link, never what it points at.
    CHECK(p.remove(r.fs(), "up", 2) == GORGON_OK);
    CHECK(stdfs::exists(t.base() / "outside" / "secret.txt"));
}
