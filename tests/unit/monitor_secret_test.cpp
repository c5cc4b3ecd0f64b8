// Unit tests for the TCP secret file rules (plugins/monitor/src/monitor_secret.cpp), against
// real files in a private temporary directory.
#include "monitor_secret.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

using gorgon::monitor::loadSecret;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/gorgon-monitor-secret-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string write(const std::string& name, const std::string& data, mode_t mode) const {
        const std::string p = path + "/" + name;
        std::ofstream(p, std::ios::binary) << data;
        REQUIRE(::chmod(p.c_str(), mode) == 0);
        return p;
    }
};

const auto kMe = static_cast<std::uint32_t>(::geteuid());

}  // namespace

TEST_CASE("monitor secret: a private file is read, without its trailing newline") {
    TempDir d;
    std::string secret;
    std::string error;
    CHECK(loadSecret(d.write("s", "0123456789abcdef-secret\r\n\n", 0600), kMe, secret, error));
    CHECK(secret == "0123456789abcdef-secret");
    CHECK(loadSecret(d.write("r", "0123456789abcdefX", 0400), kMe, secret, error));
    CHECK(secret == "0123456789abcdefX");
}

TEST_CASE("monitor secret: a file others may read is refused, naming it and its mode") {
    TempDir d;
    std::string secret;
    std::string error;
    for (mode_t mode : {0644u, 0640u, 0604u, 0660u, 0606u}) {
        CAPTURE(mode);
        const std::string p = d.write("s", "0123456789abcdef-secret", mode);
        CHECK_FALSE(loadSecret(p, kMe, secret, error));
        CHECK(error.find(p) != std::string::npos);
        CHECK(error.find("0600") != std::string::npos);
        char shown[8];
        std::snprintf(shown, sizeof shown, "%04o", static_cast<unsigned>(mode));
        CHECK(error.find(shown) != std::string::npos);
    }
}

TEST_CASE("monitor secret: someone else's file, a link, a directory, a short secret") {
    TempDir d;
    std::string secret;
    std::string error;
    const std::string good = d.write("s", "0123456789abcdef-secret", 0600);
    CHECK_FALSE(loadSecret(good, kMe + 1, secret, error));
    CHECK(error.find("owned by uid") != std::string::npos);
    REQUIRE(::symlink(good.c_str(), (d.path + "/link").c_str()) == 0);
    CHECK_FALSE(loadSecret(d.path + "/link", kMe, secret, error));
    CHECK(error.find("symbolic link") != std::string::npos);
    CHECK_FALSE(loadSecret(d.path, kMe, secret, error));
    CHECK_FALSE(loadSecret(d.write("short", "short\n", 0600), kMe, secret, error));
    CHECK(error.find("16") != std::string::npos);
    CHECK_FALSE(loadSecret(d.write("empty", "", 0600), kMe, secret, error));
    CHECK_FALSE(loadSecret(d.write("big", std::string(5000, 'x'), 0600), kMe, secret, error));
    CHECK_FALSE(loadSecret(d.path + "/missing", kMe, secret, error));
    CHECK(error.find("missing") != std::string::npos);
}
