// Unit tests for the pure parts of http-auth (plugins/http-auth/src): the Basic header, the
// challenge, the password file, crypt(3) checks, the cache and the failure table.
#include "auth_basic.hpp"
#include "auth_cache.hpp"
#include "auth_failures.hpp"
#include "auth_passwd.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gorgon::httpauth;

namespace {

// crypt("secret", "$6$saltsalt")
constexpr const char* kSha512 =
    "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p"
    "5hVO1";

Digest digestOf(int n) {
    Digest d{};
    d[0] = static_cast<std::uint8_t>(n);
    d[31] = static_cast<std::uint8_t>(n * 7);
    return d;
}

}  // namespace

TEST_CASE("auth: strict base64") {
    CHECK(decodeBase64("YWxpY2U6c2VjcmV0").value() == "alice:secret");
    CHECK(decodeBase64("YQ==").value() == "a");
    CHECK(decodeBase64("YWI=").value() == "ab");
    CHECK(decodeBase64("").value().empty());
    CHECK_FALSE(decodeBase64("YQ"));        // padding required
    CHECK_FALSE(decodeBase64("Y=Q="));      // '=' inside
    CHECK_FALSE(decodeBase64("YQ==YQ=="));  // padding before the end
    CHECK_FALSE(decodeBase64("YW!j"));
    CHECK_FALSE(decodeBase64("YW-_"));  // the URL alphabet is not Basic's
}

TEST_CASE("auth: the Authorization field") {
    std::string user;
    std::string password;
    CHECK(parseBasic(std::nullopt, user, password) == Credentials::none);
    CHECK(parseBasic("Bearer abc", user, password) == Credentials::other);
    CHECK(parseBasic("Basic", user, password) == Credentials::malformed);
    CHECK(parseBasic("Basic !!!!", user, password) == Credentials::malformed);
    CHECK(parseBasic("Basic bm9jb2xvbg==", user, password) == Credentials::malformed);  // nocolon
    // The scheme is case-insensitive; the password may hold ':'; the user-id may be empty.
    REQUIRE(parseBasic("basic  YTpiOmM=", user, password) == Credentials::basic);
    CHECK(user == "a");
    CHECK(password == "b:c");
    REQUIRE(parseBasic("Basic OnB3", user, password) == Credentials::basic);
    CHECK(user.empty());
    CHECK(password == "pw");
}

TEST_CASE("auth: the challenge quotes the realm") {
    CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(challenge("Staff") == "Basic realm=\"Staff\", charset=\"UTF-8\"");
}

TEST_CASE("auth: the password file") {
    PasswordTable t;
    std::string error;
    REQUIRE(parsePasswordFile(
        "# users\n\n  alice:" + std::string(kSha512) + "  \r\nbob:!disabled\n", t, error));
    CHECK(t.users.size() == 2);
    CHECK(t.users.at("alice") == kSha512);
    CHECK(t.decoy == "$6$saltsalt");  // the setting of the most common method
    CHECK(methodOf(t.users.at("bob")).empty());

    CHECK_FALSE(
        parsePasswordFile("alice:" + std::string(kSha512) + "\nalice:" + kSha512, t, error));
    CHECK(error == "line 2: user alice is listed twice");
    CHECK_FALSE(parsePasswordFile("\neve:$1$abc$defdefdefdefdefdefdefd\n", t, error));
    CHECK(error.starts_with("line 2: the hash of eve is not yescrypt"));
    CHECK_FALSE(parsePasswordFile("eve:abiQ6Ep3EYTHc\n", t, error));  // DES
    CHECK(error.starts_with("line 1: the hash of eve is not yescrypt"));
    CHECK_FALSE(parsePasswordFile("no colon\n", t, error));
    CHECK(error == "line 1: expected user:hash");
    CHECK_FALSE(parsePasswordFile("a b:" + std::string(kSha512), t, error));
    CHECK(error.starts_with("line 1: bad user name"));

    REQUIRE(parsePasswordFile("# nobody\n", t, error));
    CHECK(t.decoy.starts_with("$y$"));
}

TEST_CASE("auth: crypt(3) checks") {
    CHECK(checkPassword("secret", kSha512));
    CHECK_FALSE(checkPassword("secreT", kSha512));
    CHECK_FALSE(checkPassword("secret", "$6$saltsalt"));  // a setting matches nothing
    CHECK_FALSE(checkPassword("secret", "garbage"));
}

TEST_CASE("auth: the cache of verified credentials") {
    SuccessCache c(2, 1000);
    c.insert(digestOf(1), 0);
    CHECK(c.hit(digestOf(1), 999));
    CHECK_FALSE(c.hit(digestOf(1), 1000));  // expired, and dropped
    CHECK(c.size() == 0);
    c.insert(digestOf(1), 0);
    c.insert(digestOf(2), 0);
    CHECK(c.hit(digestOf(1), 1));  // 1 is now the most recent
    c.insert(digestOf(3), 1);      // full: 2 goes
    CHECK(c.size() == 2);
    CHECK_FALSE(c.hit(digestOf(2), 2));
    CHECK(c.hit(digestOf(3), 2));
    c.clear();
    CHECK_FALSE(c.hit(digestOf(3), 2));
    SuccessCache off(0, 1000);
    off.insert(digestOf(1), 0);
    CHECK_FALSE(off.hit(digestOf(1), 1));
}

TEST_CASE("auth: failures per address") {
    FailureTable t(3, 10'000, 60'000, 2);
    CHECK_FALSE(t.failed("a", 0));
    CHECK_FALSE(t.failed("a", 1));
    CHECK(t.lockedFor("a", 2) == 0);
    CHECK(t.failed("a", 2));  // the third within the window
    CHECK(t.lockedFor("a", 2) == 60'000);
    CHECK(t.lockedFor("a", 60'001) == 1);
    CHECK(t.lockedFor("a", 60'002) == 0);
    // Failures outside the window do not add up.
    CHECK_FALSE(t.failed("b", 0));
    CHECK_FALSE(t.failed("b", 1));
    CHECK_FALSE(t.failed("b", 20'000));
    // A success forgets the address.
    t.succeeded("b");
    CHECK(t.size() == 1);
    // Bounded: a spray of addresses pushes the oldest out, never grows past the capacity.
    for (int i = 0; i < 1000; ++i) t.failed("x" + std::to_string(i), 100);
    CHECK(t.size() == 2);
    CHECK(t.lockedFor("a", 100) == 0);  // forgotten
}
