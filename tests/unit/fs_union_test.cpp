// Unit tests for fs-union's pure logic: the layer list of open_root's `root` string, path
// normalisation, and the merging of directory listings (plugins/fs-union/src/union_paths,
// union_merge). The layers themselves are tested end to end in test_fs_union.py.
#include "union_merge.hpp"
#include "union_paths.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using gorgon::fsunion::Entry;
using gorgon::fsunion::MergedListing;
using gorgon::fsunion::normalizePath;
using gorgon::fsunion::parseLayers;

namespace {

std::vector<std::string> layers(std::string_view root) {
    std::vector<std::string> out;
    std::string error;
    REQUIRE_MESSAGE(parseLayers(root, out, error), error);
    return out;
}

std::string layerError(std::string_view root) {
    std::vector<std::string> out;
    std::string error;
    CHECK_FALSE(parseLayers(root, out, error));
    return error;
}

std::string normal(std::string_view path) {
    std::string out;
    REQUIRE(normalizePath(path.data(), path.size(), out) == GORGON_OK);
    return out;
}

gorgon_status normalStatus(std::string_view path) {
    std::string out;
    return normalizePath(path.data(), path.size(), out);
}

Entry entry(std::string name, gorgon_fs_type type, std::uint64_t size = 0) {
    Entry e{std::move(name), {}};
    e.st.struct_size = sizeof e.st;
    e.st.type = type;
    e.st.size = size;
    return e;
}

}  // namespace

TEST_CASE("fs-union: layers are separated by ':', top first, with \\ escapes") {
    CHECK(layers("/srv/top") == std::vector<std::string>{"/srv/top"});
    CHECK(layers("/srv/top:/srv/base") == std::vector<std::string>{"/srv/top", "/srv/base"});
    CHECK(layers("a:b:c") == std::vector<std::string>{"a", "b", "c"});
    CHECK(layers("/srv/odd\\:name:/b\\\\s") == std::vector<std::string>{"/srv/odd:name", "/b\\s"});
}

TEST_CASE("fs-union: an empty or malformed layer list is refused with a reason") {
    CHECK(layerError("").find("no layers") != std::string::npos);
    CHECK(layerError("a::b").find("layer 2") != std::string::npos);
    CHECK(layerError(":a").find("layer 1") != std::string::npos);
    CHECK(layerError("a:").find("layer 2") != std::string::npos);
    CHECK(layerError("a\\").find("lone") != std::string::npos);
    CHECK(layerError(std::string_view("a\0b", 3)).find("NUL") != std::string::npos);
    std::string many;
    for (int i = 0; i < 17; ++i) many += (i == 0 ? "" : ":") + std::string("d");
    CHECK(layerError(many).find("more than 16") != std::string::npos);
}

TEST_CASE("fs-union: paths are normalised lexically, never above the root") {
    CHECK(normal("") == "");
    CHECK(normal("/") == "");
    CHECK(normal(".") == "");
    CHECK(normal("//a///b/") == "a/b");
    CHECK(normal("a/./b") == "a/b");
    CHECK(normal("a/b/../c") == "a/c");
    CHECK(normal("a/..") == "");
    CHECK(normalStatus("..") == GORGON_E_INVAL);
    CHECK(normalStatus("/../etc/passwd") == GORGON_E_INVAL);
    CHECK(normalStatus("a/../../b") == GORGON_E_INVAL);
    CHECK(normalStatus(std::string_view("a\0b", 3)) == GORGON_E_INVAL);
    CHECK(normalStatus(std::string(5000, 'a')) == GORGON_E_INVAL);
    // "%2e%2e" is a name to a filesystem: decoding is the consumer's job.
    CHECK(normal("%2e%2e/x") == "%2e%2e/x");
    std::string out;
    CHECK(normalizePath(nullptr, 0, out) == GORGON_OK);
    CHECK(out.empty());
}

TEST_CASE("fs-union: parentOf and lastOf split a normalised path") {
    CHECK(gorgon::fsunion::parentOf("a/b/c") == "a/b");
    CHECK(gorgon::fsunion::parentOf("a") == "");
    CHECK(gorgon::fsunion::lastOf("a/b/c") == "c");
    CHECK(gorgon::fsunion::lastOf("a") == "a");
}

TEST_CASE("fs-union: merged listings keep names unique, the upper layer winning") {
    MergedListing m;
    CHECK(m.addLayer({entry("same", GORGON_FS_FILE, 1), entry("top-only", GORGON_FS_FILE),
                      entry("shadow", GORGON_FS_FILE, 7)},
                     100));
    CHECK(m.addLayer({entry("same", GORGON_FS_FILE, 2), entry("low-only", GORGON_FS_FILE),
                      entry("shadow", GORGON_FS_DIRECTORY)},
                     100));
    const auto& e = m.entries();
    REQUIRE(e.size() == 4);
    CHECK(e[0].name == "same");
    CHECK(e[0].st.size == 1);  // the upper layer's entry
    CHECK(e[1].name == "top-only");
    CHECK(e[2].name == "shadow");
    CHECK(e[2].st.type == GORGON_FS_FILE);  // a file above hides a directory below
    CHECK(e[3].name == "low-only");
}

TEST_CASE("fs-union: a merged listing stops at max_entries") {
    MergedListing m;
    CHECK(m.addLayer({entry("a", GORGON_FS_FILE), entry("b", GORGON_FS_FILE)}, 3));
    // Names already listed do not count twice.
    CHECK(m.addLayer({entry("a", GORGON_FS_FILE), entry("c", GORGON_FS_FILE)}, 3));
    CHECK_FALSE(m.addLayer({entry("d", GORGON_FS_FILE)}, 3));
    CHECK(m.entries().size() == 3);
}
