// Unit tests for gorgonctl's pure parts: options, the line editor's keys and history, the
// exit codes (plugins/monitor/gorgonctl/).
#include "edit_buffer.hpp"
#include "exit_codes.hpp"
#include "history.hpp"
#include "options.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace gorgonctl;

namespace {

Options parse(std::vector<std::string> args) {
    ParsedOptions p = parseOptions(args);
    REQUIRE_MESSAGE(p.options.has_value(), p.error);
    return *p.options;
}

std::string refusal(std::vector<std::string> args) {
    ParsedOptions p = parseOptions(args);
    CHECK_FALSE(p.options.has_value());
    return p.error;
}

// Feeds bytes through the decoder into the buffer; returns the last result.
EditResult type(EditBuffer& b, const std::string& bytes) {
    KeyDecoder d;
    EditResult r = EditResult::Continue;
    for (char c : bytes) {
        if (auto k = d.feed(c)) r = b.apply(*k);
    }
    return r;
}

}  // namespace

TEST_CASE("gorgonctl options: options first, the command passes through untouched") {
    Options o = parse({"--json", "-s", "/x.sock", "shutdown", "--graceful"});
    CHECK(o.json);
    CHECK(o.socket == "/x.sock");
    CHECK(o.command == std::vector<std::string>{"shutdown", "--graceful"});
    o = parse({"--socket=/y", "--timeout=2.5", "status"});
    CHECK(o.socket == "/y");
    CHECK(o.timeout_s == doctest::Approx(2.5));
    o = parse({"-H", "127.0.0.1", "-p", "8023", "--secret-file", "/s", "--", "--weird"});
    CHECK(o.host == "127.0.0.1");
    CHECK(o.port == 8023);
    CHECK(o.command == std::vector<std::string>{"--weird"});
    CHECK(parse({}).command.empty());
}

TEST_CASE("gorgonctl options: mistakes are refused with a reason") {
    CHECK(refusal({"--bogus"}).find("--bogus") != std::string::npos);
    CHECK_FALSE(refusal({"--socket"}).empty());
    CHECK_FALSE(refusal({"-p", "0", "-H", "h"}).empty());
    CHECK_FALSE(refusal({"-p", "70000", "-H", "h"}).empty());
    CHECK_FALSE(refusal({"-H", "h"}).empty());
    CHECK_FALSE(refusal({"-p", "1"}).empty());
    CHECK_FALSE(refusal({"-s", "/x", "-H", "h", "-p", "1"}).empty());
    CHECK_FALSE(refusal({"--timeout", "0"}).empty());
    CHECK_FALSE(refusal({"--timeout", "nan"}).empty());
    CHECK_FALSE(refusal({"--secret-file", "/s"}).empty());
}

TEST_CASE("gorgonctl exit codes follow the reply codes") {
    CHECK(exitCodeFor(200) == kExitOk);
    CHECK(exitCodeFor(221) == kExitOk);
    CHECK(exitCodeFor(400) == kExitUsage);
    CHECK(exitCodeFor(403) == kExitForbidden);
    CHECK(exitCodeFor(404) == kExitFailed);
    CHECK(exitCodeFor(409) == kExitFailed);
    CHECK(exitCodeFor(421) == kExitConnect);
    CHECK(exitCodeFor(422) == kExitFailed);
    CHECK(exitCodeFor(500) == kExitFailed);
    CHECK(exitCodeFor(530) == kExitAuth);
    CHECK(exitCodeFor(534) == kExitTls);
}

TEST_CASE("gorgonctl options: TLS, CA file, server name and pins") {
    const std::string hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    std::string colons;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        colons += (i > 0 ? ":" : "") + hex.substr(i, 2);
    }
    CHECK(parsePin("sha256:" + hex) == hex);
    CHECK(parsePin(hex) == hex);
    CHECK(parsePin("sha256:" + colons) == hex);
    std::string upper = colons;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(parsePin("SHA256:" + upper) == hex);
    CHECK_FALSE(parsePin("sha256:" + hex.substr(2)));
    CHECK_FALSE(parsePin("sha256:" + hex + "00"));
    CHECK_FALSE(parsePin("sha256:" + colons.substr(1)));
    CHECK_FALSE(parsePin("md5:" + hex));
    CHECK_FALSE(parsePin("sha256:" + hex.substr(1) + "g"));

    Options o = parse({"-H", "h", "-p", "1", "--tls", "status"});
    CHECK(o.tls);
    CHECK(o.pins.empty());
    o = parse({"-H", "h", "-p", "1", "--ca-file=/ca.pem", "--server-name", "m.test", "--pin",
               "sha256:" + colons, "--pin", hex, "status"});
    CHECK(o.tls);  // implied
    CHECK(o.ca_file == "/ca.pem");
    CHECK(o.server_name == "m.test");
    CHECK(o.pins == std::vector<std::string>{hex, hex});
    CHECK(refusal({"--tls", "status"}).find("TCP") != std::string::npos);
    CHECK_FALSE(refusal({"-s", "/x", "--ca-file", "/ca.pem"}).empty());
    CHECK_FALSE(refusal({"-H", "h", "-p", "1", "--pin", "sha256:12"}).empty());
    CHECK_FALSE(refusal({"-H", "h", "-p", "1", "--ca-file="}).empty());
    CHECK_FALSE(refusal({"-H", "h", "-p", "1", "--server-name"}).empty());
}

TEST_CASE("gorgonctl editor: keys edit the line") {
    EditBuffer b(nullptr);
    b.reset();
    CHECK(type(b, "stauts") == EditResult::Continue);
    type(b, "\x1b[D\x1b[D\x1b[D\x7f");  // left x3, backspace: "stuts"
    CHECK(b.text() == "stuts");
    CHECK(b.cursor() == 2);
    type(b, "a");
    CHECK(b.text() == "stauts");
    type(b, "\x05\x7f\x7f");  // Ctrl-E, backspace x2
    CHECK(b.text() == "stau");
    type(b, "s\x01\x1b[3~");  // Ctrl-A, Delete
    CHECK(b.text() == "taus");
    type(b, "\x1b[Fx\x1bOH\x04");  // End, x, Home (SS3), Ctrl-D deletes under the cursor
    CHECK(b.text() == "ausx");
    b.reset();
    type(b, "reload http-static");
    type(b, "\x17");  // Ctrl-W
    CHECK(b.text() == "reload ");
    type(b, "chat\x1b[D\x1b[D\x0b");  // Ctrl-K
    CHECK(b.text() == "reload ch");
    type(b, "\x1b[D\x15");  // Ctrl-U
    CHECK(b.text() == "h");
    CHECK(b.cursor() == 0);
    CHECK(type(b, "\r") == EditResult::Accept);
    CHECK(type(b, "\x03") == EditResult::Cancel);
    b.reset();
    CHECK(type(b, "\x04") == EditResult::EndOfInput);
    type(b, "\x1b[5~\x1bxq\x07");  // unknown sequences and bytes are swallowed
    CHECK(b.text() == "q");
}

TEST_CASE("gorgonctl editor: UTF-8 moves by character") {
    EditBuffer b(nullptr);
    b.reset();
    type(b, "caf\xc3\xa9");
    type(b, "\x1b[D");
    CHECK(b.cursor() == 3);
    type(b, "\x7f");
    CHECK(b.text() == "ca\xc3\xa9");
    CHECK(columns(b.text(), b.text().size()) == 3);
}

TEST_CASE("gorgonctl editor: up and down walk the history and keep the draft") {
    History h;
    h.add("status");
    h.add("plugins");
    EditBuffer b(&h.lines());
    b.reset();
    type(b, "dra");
    type(b, "\x1b[A");
    CHECK(b.text() == "plugins");
    type(b, "\x1b[A");
    CHECK(b.text() == "status");
    type(b, "\x1b[A");
    CHECK(b.text() == "status");
    type(b, "\x1b[B\x1b[B");
    CHECK(b.text() == "dra");
    type(b, "\x10");  // Ctrl-P
    CHECK(b.text() == "plugins");
}

TEST_CASE("gorgonctl history: bounded, filtered, saved private") {
    History h(3);
    for (const char* l : {"a", "", "  ", "b", "b", "c\x1b", "d", "e"}) h.add(l);
    CHECK(h.lines() == std::vector<std::string>{"b", "d", "e"});
    char tmpl[] = "/tmp/gorgonctl-history-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::string path = std::string(tmpl) + "/history";
    REQUIRE(h.save(path));
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    History again(3);
    again.load(path);
    CHECK(again.lines() == h.lines());
    std::system(("rm -rf '" + std::string(tmpl) + "'").c_str());
}
