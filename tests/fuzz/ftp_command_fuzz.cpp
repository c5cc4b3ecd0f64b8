// libFuzzer target for the FTP control connection as the ftp plugin reads it: the input is the
// byte stream a client sends. It is cut into lines (findLineEnd), Telnet commands are stripped,
// each line is split into a verb and an argument, and the argument goes through the PORT, EPRT
// and EPSV parsers (all three, whatever the verb, so each is fuzzed on every argument).
// Invariants, beyond no crash:
//
//   - framing consumes at least one byte per line and never more than there is;
//   - a parsed command has a 3-4 letter upper-case verb and an argument free of control bytes;
//   - an address the parsers accept is canonical and survives a round trip through the reply
//     formatters (227/229) and the parsers again; an EPRT refusal says why.
#include "ftp_address.hpp"
#include "ftp_commands.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <sys/socket.h>

using namespace gorgon::ftp;

namespace {

void checkPort(std::string_view arg) {
    const auto hp = parsePortArg(arg);
    if (!hp) return;
    GORGON_FUZZ_CHECK(hp->family == AF_INET && addressFamily(hp->host) == AF_INET);
    // The 227 reply's "(h1,h2,h3,h4,p1,p2)" reads back as the same address and port.
    const auto pasv = formatPasv(hp->host, hp->port);
    GORGON_FUZZ_CHECK(pasv && pasv->size() > 2);
    const auto again = parsePortArg(std::string_view(*pasv).substr(1, pasv->size() - 2));
    GORGON_FUZZ_CHECK(again && again->host == hp->host && again->port == hp->port);
    GORGON_FUZZ_CHECK(sameHost(hp->host, again->host));
}

void checkEprt(std::string_view arg) {
    EprtProblem problem = EprtProblem::None;
    const auto hp = parseEprtArg(arg, problem);
    if (!hp) {
        GORGON_FUZZ_CHECK(problem != EprtProblem::None);
        return;
    }
    GORGON_FUZZ_CHECK(problem == EprtProblem::None && hp->port != 0);
    GORGON_FUZZ_CHECK(addressFamily(hp->host) == hp->family);
    GORGON_FUZZ_CHECK(sameHost(hp->host, hp->host));
    const std::string canonical = std::string("|") + (hp->family == AF_INET ? "1" : "2") + "|" +
                                  hp->host + "|" + std::to_string(hp->port) + "|";
    const auto again = parseEprtArg(canonical, problem);
    GORGON_FUZZ_CHECK(again && again->host == hp->host && again->port == hp->port);
    GORGON_FUZZ_CHECK(again->family == hp->family);
}

void checkEpsv(std::string_view arg) {
    const EpsvArg a = parseEpsvArg(arg);
    if (arg.empty()) GORGON_FUZZ_CHECK(a == EpsvArg::None);
    if (a == EpsvArg::Inet || a == EpsvArg::Inet6) GORGON_FUZZ_CHECK(!arg.empty());
}

void checkLine(std::string_view raw) {
    const std::string line = stripTelnet(raw);
    GORGON_FUZZ_CHECK(line.size() <= raw.size());
    if (line.size() > kMaxLine) return;  // the session refuses it before parsing
    LineProblem problem = LineProblem::None;
    const auto cmd = parseCommandLine(line, problem);
    if (!cmd) {
        GORGON_FUZZ_CHECK(problem != LineProblem::None);
        return;
    }
    GORGON_FUZZ_CHECK(problem == LineProblem::None);
    GORGON_FUZZ_CHECK(cmd->verb.size() >= 3 && cmd->verb.size() <= 4);
    for (char c : cmd->verb) GORGON_FUZZ_CHECK(c >= 'A' && c <= 'Z');
    GORGON_FUZZ_CHECK(cmd->has_arg == !cmd->arg.empty());
    for (char c : cmd->arg) {
        const auto u = static_cast<unsigned char>(c);
        GORGON_FUZZ_CHECK((u >= 0x20 && u != 0x7F) || c == '\t');
    }
    if (const CommandSpec* spec = findCommand(cmd->verb))
        GORGON_FUZZ_CHECK(spec->name == cmd->verb);
    checkPort(cmd->arg);
    checkEprt(cmd->arg);
    checkEpsv(cmd->arg);
    (void)hostOf(cmd->arg);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (!input.empty()) {
        std::size_t line_len = 0;
        std::size_t consumed = 0;
        if (!findLineEnd(input, line_len, consumed)) {
            // What never ended is still parsed, as if the client had closed after it.
            checkLine(input);
            break;
        }
        GORGON_FUZZ_CHECK(consumed > 0 && consumed <= input.size() && line_len < consumed);
        checkLine(input.substr(0, line_len));
        input.remove_prefix(consumed);
    }
    return 0;
}
