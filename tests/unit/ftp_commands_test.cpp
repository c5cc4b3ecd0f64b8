// Unit tests for the FTP plugin's command line handling (plugins/ftp/src/ftp_commands) and its
// reply table (ftp_replies).
#include "ftp_commands.hpp"

#include "ftp_replies.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gorgon::ftp;

namespace {

std::optional<CommandLine> parse(std::string_view line, LineProblem& p) {
    return parseCommandLine(line, p);
}

}  // namespace

TEST_CASE("ftp command line: verb and argument") {
    LineProblem p{};
    auto c = parse("retr some file.txt", p);
    REQUIRE(c);
    CHECK(c->verb == "RETR");
    CHECK(c->arg == "some file.txt");
    CHECK(c->has_arg);

    c = parse("PWD", p);
    REQUIRE(c);
    CHECK(c->verb == "PWD");
    CHECK_FALSE(c->has_arg);

    // Exactly one separator goes: a name may start with a space.
    c = parse("STOR  lead", p);
    REQUIRE(c);
    CHECK(c->arg == " lead");

    c = parse("NOOP ", p);
    REQUIRE(c);
    CHECK_FALSE(c->has_arg);
}

TEST_CASE("ftp command line: refused bytes and verbs") {
    LineProblem p{};
    CHECK_FALSE(parse(std::string("RETR a\0b", 8), p));
    CHECK(p == LineProblem::BadBytes);
    CHECK_FALSE(parse("RETR a\rb", p));
    CHECK(p == LineProblem::BadBytes);
    CHECK_FALSE(parse("RETR \x1b[2J", p));
    CHECK(p == LineProblem::BadBytes);
    CHECK_FALSE(parse("   ", p));
    CHECK(p == LineProblem::Empty);
    CHECK_FALSE(parse("", p));
    CHECK(p == LineProblem::Empty);
    CHECK_FALSE(parse("RETRIEVE x", p));
    CHECK(p == LineProblem::BadVerb);
    CHECK_FALSE(parse("R1TR x", p));
    CHECK(p == LineProblem::BadVerb);
    CHECK_FALSE(parse("GE", p));
    CHECK(p == LineProblem::BadVerb);
    // UTF-8 in arguments is fine.
    CHECK(parse("RETR caf\xc3\xa9.txt", p));
}

TEST_CASE("ftp command table") {
    REQUIRE(findCommand("XCWD"));
    CHECK(findCommand("XCWD")->cmd == Cmd::CWD);
    CHECK(findCommand("XPWD")->cmd == Cmd::PWD);
    CHECK(findCommand("XMKD")->cmd == Cmd::MKD);
    CHECK(findCommand("XRMD")->cmd == Cmd::RMD);
    CHECK(findCommand("XCUP")->cmd == Cmd::CDUP);
    CHECK((findCommand("AUTH")->flags & kNotImplemented) == 0);
    CHECK((findCommand("SITE")->flags & kNotImplemented) != 0);
    CHECK((findCommand("RETR")->flags & kNeedsLogin) != 0);
    CHECK((findCommand("USER")->flags & kNeedsLogin) == 0);
    CHECK((findCommand("ABOR")->flags & kDuringTransfer) != 0);
    CHECK(findCommand("BOGUS") == nullptr);
    CHECK(findCommand("retr") == nullptr);  // callers upper-case first
    for (const CommandSpec& c : commandTable()) {
        CHECK(findCommand(c.name) == &c);  // no name twice
    }
}

TEST_CASE("ftp line framing") {
    std::size_t len = 0;
    std::size_t used = 0;
    CHECK(findLineEnd("USER a\r\nPASS", len, used));
    CHECK(len == 6);
    CHECK(used == 8);
    CHECK(findLineEnd("NOOP\n", len, used));
    CHECK(len == 4);
    CHECK(used == 5);
    CHECK_FALSE(findLineEnd("USER a", len, used));
    CHECK_FALSE(findLineEnd("USER a\r", len, used));  // the LF may still come
    // A bare CR followed by something else ends the line.
    CHECK(findLineEnd("ABOR\rQUIT\r\n", len, used));
    CHECK(len == 4);
    CHECK(used == 5);
    // "ABOR\r" whose "\n" went as TCP urgent data.
    CHECK(findLineEnd("ABOR\r", len, used));
    CHECK(len == 4);
    CHECK(
        findLineEnd("\xff\xf4\xff"
                    "ABOR\r",
                    len, used));
    CHECK(len == 7);
}

TEST_CASE("ftp telnet stripping") {
    CHECK(stripTelnet("NOOP") == "NOOP");
    CHECK(stripTelnet("\xff\xf4\xff\xf2"
                      "ABOR") == "ABOR");
    CHECK(stripTelnet("\xff\xf4\xff"
                      "ABOR") == "ABOR");              // the DM went out of band
    CHECK(stripTelnet("\xff\xfb\x01NOOP") == "NOOP");  // IAC WILL ECHO
    CHECK(stripTelnet("a\xff\xff"
                      "b") ==
          "a\xff"
          "b");  // IAC IAC is a data byte
}

TEST_CASE("ftp replies come from the table") {
    CHECK(formatReply(Reply::TransferOk) == "226 Transfer complete.\r\n");
    CHECK(formatReply(Reply::Pwd, "/a\"b") == "257 \"/a\"b\" is the current directory\r\n");
    CHECK(formatReply(Reply::Greeting, "hi\r\n230 forged") == "220 hi??230 forged\r\n");
    CHECK(formatReplyStart(Reply::Features, "Features:") == "211-Features:\r\n");
    CHECK(formatReplyEnd(Reply::Features, "End") == "211 End\r\n");
    CHECK(replyCode(Reply::NotImplemented) == 502);
    CHECK(replyCode(Reply::Unknown) == 500);
    CHECK(replyCode(Reply::BadArguments) == 501);
    CHECK(replyCode(Reply::RnfrFirst) == 503);
    CHECK(replyCode(Reply::PortRefused) == 500);
    CHECK(replyCode(Reply::LowPortRefused) == 504);
}

TEST_CASE("ftps commands and replies (RFC 4217)") {
    for (const char* verb : {"AUTH", "PBSZ", "PROT", "CCC"}) {
        REQUIRE(findCommand(verb));
        CHECK((findCommand(verb)->flags & kNotImplemented) == 0);
        CHECK((findCommand(verb)->flags & kNeedsLogin) == 0);  // before login, by design
    }
    CHECK((findCommand("AUTH")->flags & kArgRequired) != 0);
    CHECK((findCommand("CCC")->flags & kNoArg) != 0);
    CHECK(formatReply(Reply::AuthOk) == "234 Proceed with negotiation.\r\n");
    CHECK(formatReply(Reply::PbszOk) == "200 PBSZ=0\r\n");
    CHECK(formatReply(Reply::ProtOk, "Private") == "200 PROT now Private.\r\n");
    CHECK(replyCode(Reply::AuthFirst) == 503);
    CHECK(replyCode(Reply::PbszFirst) == 503);
    CHECK(replyCode(Reply::AuthUnknown) == 504);
    CHECK(replyCode(Reply::ProtUnsupported) == 536);
    CHECK(replyCode(Reply::ProtPolicy) == 534);
    CHECK(replyCode(Reply::CccRefused) == 533);
    CHECK(replyCode(Reply::TlsRequired) == 530);
    CHECK(replyCode(Reply::DataNeedsProt) == 521);
    CHECK(replyCode(Reply::DataTlsFailed) == 425);
    CHECK(replyCode(Reply::AuthNotAvailable) == 502);
}
