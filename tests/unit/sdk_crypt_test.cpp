// Unit tests for the SDK's crypt(3) helpers (sdk/include/gorgon/crypt.hpp), shared by
// http-auth's and ftp's password files.
#include <gorgon/crypt.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

// crypt("secret", "$6$saltsalt")
constexpr const char* kSha512 =
    "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p"
    "5hVO1";

}  // namespace

TEST_CASE("sdk crypt: constant-time compare") {
    using gorgon::password::constantTimeEqual;
    CHECK(constantTimeEqual("", ""));
    CHECK(constantTimeEqual("abc", "abc"));
    CHECK_FALSE(constantTimeEqual("abc", "abd"));
    CHECK_FALSE(constantTimeEqual("abc", "ab"));
    CHECK_FALSE(constantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST_CASE("sdk crypt: strength of a hash") {
    using gorgon::password::Strength;
    using gorgon::password::strength;
    CHECK(strength("$6$saltsalt$x") == Strength::ok);
    CHECK(strength("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7") ==
          Strength::ok);
    CHECK(strength("$1$saltsalt$abcdefghijklmnopqrstuv") == Strength::weak);  // MD5
    CHECK(strength("abJnggxhB/yWI") == Strength::weak);                       // DES
    CHECK(strength("") == Strength::invalid);
    CHECK(strength("$nope$x") == Strength::invalid);
}

TEST_CASE("sdk crypt: verify") {
    using gorgon::password::verify;
    CHECK(verify("secret", kSha512));
    CHECK_FALSE(verify("secreT", kSha512));
    CHECK_FALSE(verify("secret", "$6$saltsalt"));  // a setting matches nothing
    CHECK_FALSE(verify("secret", "garbage"));
    CHECK_FALSE(verify("secret", ""));
}
