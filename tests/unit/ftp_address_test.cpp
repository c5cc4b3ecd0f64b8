// Unit tests for FTP data-channel addresses (plugins/ftp/src/ftp_address): PORT, EPRT, EPSV,
// the PASV reply and the bounce check's address comparison.
#include "ftp_address.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>

using namespace gorgon::ftp;

TEST_CASE("ftp PORT argument") {
    auto hp = parsePortArg("127,0,0,1,195,80");
    REQUIRE(hp);
    CHECK(hp->family == AF_INET);
    CHECK(hp->host == "127.0.0.1");
    CHECK(hp->port == 195 * 256 + 80);
    CHECK(parsePortArg(" 10, 0, 0, 2, 4, 1"));
    CHECK_FALSE(parsePortArg("127,0,0,1,195"));
    CHECK_FALSE(parsePortArg("127,0,0,1,195,80,1"));
    CHECK_FALSE(parsePortArg("256,0,0,1,1,1"));
    CHECK_FALSE(parsePortArg("127,0,0,1,-1,1"));
    CHECK_FALSE(parsePortArg("127,0,0,1,1,x"));
    CHECK_FALSE(parsePortArg("127,0,0,1,1,"));
    CHECK_FALSE(parsePortArg(""));
}

TEST_CASE("ftp EPRT argument") {
    EprtProblem p{};
    auto hp = parseEprtArg("|1|132.235.1.2|6275|", p);
    REQUIRE(hp);
    CHECK(hp->family == AF_INET);
    CHECK(hp->host == "132.235.1.2");
    CHECK(hp->port == 6275);
    hp = parseEprtArg("|2|1080::8:800:200C:417A|5282|", p);
    REQUIRE(hp);
    CHECK(hp->family == AF_INET6);
    CHECK(hp->host == "1080::8:800:200c:417a");
    hp = parseEprtArg("!2!::1!2000!", p);  // any delimiter from 33 to 126
    REQUIRE(hp);
    CHECK(hp->host == "::1");

    CHECK_FALSE(parseEprtArg("|3|1.2.3.4|5|", p));
    CHECK(p == EprtProblem::Protocol);
    CHECK_FALSE(parseEprtArg("|1|::1|5|", p));  // family and address disagree
    CHECK(p == EprtProblem::Syntax);
    CHECK_FALSE(parseEprtArg("|1|1.2.3.4|0|", p));
    CHECK_FALSE(parseEprtArg("|1|1.2.3.4|70000|", p));
    CHECK_FALSE(parseEprtArg("|1|1.2.3.4|5", p));
    CHECK_FALSE(parseEprtArg("|1|1.2.3.4|5|6|", p));
    CHECK_FALSE(parseEprtArg(" 1 1.2.3.4 5 ", p));
    CHECK_FALSE(parseEprtArg("|1|host.example|5|", p));
}

TEST_CASE("ftp EPSV argument and replies") {
    CHECK(parseEpsvArg("") == EpsvArg::None);
    CHECK(parseEpsvArg("ALL") == EpsvArg::All);
    CHECK(parseEpsvArg("all") == EpsvArg::All);
    CHECK(parseEpsvArg("1") == EpsvArg::Inet);
    CHECK(parseEpsvArg("2") == EpsvArg::Inet6);
    CHECK(parseEpsvArg("3") == EpsvArg::Unknown);
    CHECK(parseEpsvArg("x") == EpsvArg::Bad);
    CHECK(formatEpsv(50000) == "(|||50000|)");
    CHECK(formatPasv("192.0.2.7", 0xC351) == "(192,0,2,7,195,81)");
    CHECK_FALSE(formatPasv("::1", 1));
}

TEST_CASE("ftp address comparison") {
    CHECK(hostOf("127.0.0.1:2121") == "127.0.0.1");
    CHECK(hostOf("[::1]:2121") == "::1");
    CHECK(hostOf("::1") == "::1");
    CHECK(sameHost("127.0.0.1", "127.0.0.1"));
    CHECK_FALSE(sameHost("127.0.0.1", "127.0.0.2"));
    CHECK(sameHost("::ffff:192.0.2.1", "192.0.2.1"));
    CHECK(sameHost("2001:db8::1", "2001:DB8:0::1"));
    CHECK_FALSE(sameHost("", ""));
    CHECK_FALSE(sameHost("localhost", "localhost"));
    CHECK(addressFamily("10.0.0.1") == AF_INET);
    CHECK(addressFamily("fe80::1") == AF_INET6);
    CHECK(addressFamily("nope") == 0);
}
