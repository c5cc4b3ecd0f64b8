// Unit tests for the FTP plugin's transfer log lines (plugins/ftp/src/ftp_xferlog), the failed-
// login lockout (ftp_lockout) and the virtual user password file and crypt(3) checks
// (ftp_users).
#include "ftp_lockout.hpp"
#include "ftp_users.hpp"
#include "ftp_xferlog.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <crypt.h>

using namespace gorgon::ftp;

TEST_CASE("ftp xferlog line") {
    XferRecord r;
    r.end_sec = 1714566896;  // Wed May  1 12:34:56 2024 UTC
    r.duration_ms = 200;
    r.remote = "192.0.2.1";
    r.bytes = 1234;
    r.path = "/pub/a file.txt";
    r.ascii = false;
    r.direction = 'o';
    r.access = 'a';
    r.user = "guest@example";
    r.complete = true;
    CHECK(formatXferlog(r) ==
          "Wed May  1 12:34:56 2024 1 192.0.2.1 1234 /pub/a_file.txt b _ o a guest@example ftp 0 "
          "* c\n");
    r.duration_ms = 2600;
    r.ascii = true;
    r.direction = 'i';
    r.access = 'r';
    r.user = "alice";
    r.complete = false;
    r.path = "/x\ny";
    CHECK(formatXferlog(r) ==
          "Wed May  1 12:34:56 2024 3 192.0.2.1 1234 /x_y a _ i r alice ftp 0 * i\n");
}

TEST_CASE("ftp login lockout") {
    LoginLimiter l(3, 60'000, 300'000, 2);
    CHECK_FALSE(l.locked("a", 0));
    CHECK_FALSE(l.failed("a", 0));
    CHECK_FALSE(l.failed("a", 1000));
    CHECK(l.failed("a", 2000));  // the third within the window
    CHECK(l.locked("a", 2001));
    CHECK(l.locked("a", 301'999));
    CHECK_FALSE(l.locked("a", 302'001));
    // Failures spread wider than the window do not add up.
    CHECK_FALSE(l.failed("b", 0));
    CHECK_FALSE(l.failed("b", 10'000));
    CHECK_FALSE(l.failed("b", 100'000));
    CHECK_FALSE(l.failed("b", 110'000));
    // Bounded: a third address evicts one.
    l.failed("c", 120'000);
    CHECK(l.size() <= 2);
    LoginLimiter off(0, 1, 1);
    CHECK_FALSE(off.failed("x", 0));
    CHECK_FALSE(off.locked("x", 0));
}

TEST_CASE("ftp virtual user file") {
    const std::string yes =
        "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7";
    std::vector<VirtualUser> users;
    std::string error;
    CHECK(parseVirtualUsers(
        "# comment\n\nalice:" + yes + ":/srv/a:rw\nbob:!\ncarol:" + yes + "::ro\n", users, error));
    REQUIRE(users.size() == 3);
    CHECK(users[0].name == "alice");
    CHECK(users[0].root == "/srv/a");
    CHECK(users[0].write == true);
    CHECK(users[1].hash == "!");
    CHECK_FALSE(users[1].write.has_value());
    CHECK(users[2].root.empty());
    CHECK(users[2].write == false);

    CHECK_FALSE(parseVirtualUsers("alice:" + yes + "\nalice:" + yes + "\n", users, error));
    CHECK(error.find("line 2") == 0);
    CHECK_FALSE(parseVirtualUsers("anonymous:" + yes + "\n", users, error));
    CHECK_FALSE(parseVirtualUsers("bad name:" + yes + "\n", users, error));
    CHECK_FALSE(parseVirtualUsers("alice\n", users, error));
    CHECK_FALSE(parseVirtualUsers("alice:" + yes + ":/r:rwx\n", users, error));
    CHECK_FALSE(parseVirtualUsers("alice:" + yes + ":/r:rw:extra\n", users, error));
    CHECK_FALSE(parseVirtualUsers("alice:plaintext\n", users, error));
    CHECK_FALSE(parseVirtualUsers("alice:abJnggxhB/yWI\n", users, error));  // DES: too weak
}

TEST_CASE("ftp password check through libxcrypt") {
    // Hashes made here, one per method the README promises.
    const char* methods[] = {"$y$", "$6$", "$2b$"};
    for (const char* prefix : methods) {
        CAPTURE(prefix);
        char salt[CRYPT_GENSALT_OUTPUT_SIZE];
        REQUIRE(crypt_gensalt_rn(prefix, prefix[1] == '2' ? 4 : 0, nullptr, 0, salt, sizeof salt) !=
                nullptr);
        crypt_data data{};
        const char* hash = crypt_rn("s3cret", salt, &data, sizeof data);
        REQUIRE(hash != nullptr);
        const std::string h = hash;
        CHECK(verifyPassword("s3cret", h));
        CHECK_FALSE(verifyPassword("s3cret ", h));
        CHECK_FALSE(verifyPassword("", h));
    }
    CHECK_FALSE(verifyPassword("anything", "!"));
    CHECK_FALSE(verifyPassword("anything", "*"));
    CHECK_FALSE(verifyPassword("anything", decoyHash()));
    CHECK(validUserName("a.b_c-1"));
    CHECK_FALSE(validUserName("a/b"));
    CHECK_FALSE(validUserName(std::string(33, 'a')));
}
