#include "ftp_commands.hpp"

#include <algorithm>

namespace gorgon::ftp {

namespace {

constexpr std::uint8_t L = kNeedsLogin;
constexpr std::uint8_t A = kArgRequired;
constexpr std::uint8_t N = kNoArg;
constexpr std::uint8_t X = kNotImplemented;
constexpr std::uint8_t T = kDuringTransfer;

// Sorted by name for HELP; looked up linearly (some 60 four-byte names: cheaper than a hash).
constexpr CommandSpec kCommands[] = {
    {"ABOR", Cmd::ABOR, N | T, "ABOR"},
    {"ACCT", Cmd::ACCT, X, "ACCT <account>"},
    {"ADAT", Cmd::ADAT, X, "ADAT <base64>"},
    {"ALLO", Cmd::ALLO, L | A, "ALLO <bytes>"},
    {"APPE", Cmd::APPE, L | A, "APPE <path>"},
    {"AUTH", Cmd::AUTH, A, "AUTH TLS"},
    {"CCC", Cmd::CCC, N, "CCC"},
    {"CDUP", Cmd::CDUP, L | N, "CDUP"},
    {"CWD", Cmd::CWD, L | A, "CWD <path>"},
    {"DELE", Cmd::DELE, L | A, "DELE <path>"},
    {"EPRT", Cmd::EPRT, L | A, "EPRT |<proto>|<address>|<port>|"},
    {"EPSV", Cmd::EPSV, L, "EPSV [<proto> | ALL]"},
    {"FEAT", Cmd::FEAT, N, "FEAT"},
    {"HELP", Cmd::HELP, 0, "HELP [<command>]"},
    {"HOST", Cmd::HOST, X, "HOST <name>"},
    {"LANG", Cmd::LANG, X, "LANG <tag>"},
    {"LIST", Cmd::LIST, L, "LIST [<path>]"},
    {"MDTM", Cmd::MDTM, L | A, "MDTM <path>"},
    {"MFCT", Cmd::MFCT, X, "MFCT <time> <path>"},
    {"MFF", Cmd::MFF, X, "MFF <facts> <path>"},
    {"MFMT", Cmd::MFMT, X, "MFMT <time> <path>"},
    {"MKD", Cmd::MKD, L | A, "MKD <path>"},
    {"MLSD", Cmd::MLSD, L, "MLSD [<path>]"},
    {"MLST", Cmd::MLST, L, "MLST [<path>]"},
    {"MODE", Cmd::MODE, A, "MODE <S|B|C>"},
    {"NLST", Cmd::NLST, L, "NLST [<path>]"},
    {"NOOP", Cmd::NOOP, N, "NOOP"},
    {"OPTS", Cmd::OPTS, A, "OPTS <command> [<options>]"},
    {"PASS", Cmd::PASS, 0, "PASS <password>"},
    {"PASV", Cmd::PASV, L | N, "PASV"},
    {"PBSZ", Cmd::PBSZ, A, "PBSZ 0"},
    {"PORT", Cmd::PORT, L | A, "PORT <h1,h2,h3,h4,p1,p2>"},
    {"PROT", Cmd::PROT, A, "PROT <C|P>"},
    {"PWD", Cmd::PWD, L | N, "PWD"},
    {"QUIT", Cmd::QUIT, N | T, "QUIT"},
    {"REIN", Cmd::REIN, X, "REIN"},
    {"REST", Cmd::REST, L | A, "REST <offset>"},
    {"RETR", Cmd::RETR, L | A, "RETR <path>"},
    {"RMD", Cmd::RMD, L | A, "RMD <path>"},
    {"RNFR", Cmd::RNFR, L | A, "RNFR <path>"},
    {"RNTO", Cmd::RNTO, L | A, "RNTO <path>"},
    {"SITE", Cmd::SITE, X, "SITE <command>"},
    {"SIZE", Cmd::SIZE, L | A, "SIZE <path>"},
    {"SMNT", Cmd::SMNT, X, "SMNT <path>"},
    {"STAT", Cmd::STAT, T, "STAT [<path>]"},
    {"STOR", Cmd::STOR, L | A, "STOR <path>"},
    {"STOU", Cmd::STOU, L, "STOU"},
    {"STRU", Cmd::STRU, A, "STRU <F|R|P>"},
    {"SYST", Cmd::SYST, N, "SYST"},
    {"TYPE", Cmd::TYPE, A, "TYPE <A|I|L 8>"},
    {"USER", Cmd::USER, A, "USER <name>"},
    {"XCUP", Cmd::CDUP, L | N, "XCUP"},
    {"XCWD", Cmd::CWD, L | A, "XCWD <path>"},
    {"XMKD", Cmd::MKD, L | A, "XMKD <path>"},
    {"XPWD", Cmd::PWD, L | N, "XPWD"},
    {"XRMD", Cmd::RMD, L | A, "XRMD <path>"},
    // Obsolete RFC 775 verbs nobody implements.
    {"XRCP", Cmd::Unknown, X, "XRCP"},
    {"XRSQ", Cmd::Unknown, X, "XRSQ"},
    {"XSEM", Cmd::Unknown, X, "XSEM"},
    {"XSEN", Cmd::Unknown, X, "XSEN"},
    {"MAIL", Cmd::Unknown, X, "MAIL"},
    {"MLFL", Cmd::Unknown, X, "MLFL"},
    {"MSND", Cmd::Unknown, X, "MSND"},
};

bool isLetter(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

char upper(char c) noexcept {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr unsigned char kIac = 0xFF;

}  // namespace

std::span<const CommandSpec> commandTable() noexcept {
    return kCommands;
}

const CommandSpec* findCommand(std::string_view verb) noexcept {
    for (const CommandSpec& c : kCommands) {
        if (c.name == verb) return &c;
    }
    return nullptr;
}

std::optional<CommandLine> parseCommandLine(std::string_view line, LineProblem& problem) {
    problem = LineProblem::None;
    for (char c : line) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F) {
            problem = LineProblem::BadBytes;
            return std::nullopt;
        }
    }
    // Leading spaces are tolerated before the verb (some clients pad); a line of spaces is empty.
    std::size_t start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        problem = LineProblem::Empty;
        return std::nullopt;
    }
    line.remove_prefix(start);
    std::size_t space = line.find(' ');
    std::string_view verb = line.substr(0, space);
    if (verb.size() < 3 || verb.size() > 4 || !std::all_of(verb.begin(), verb.end(), isLetter)) {
        problem = LineProblem::BadVerb;
        return std::nullopt;
    }
    CommandLine out;
    out.verb.reserve(verb.size());
    for (char c : verb) out.verb += upper(c);
    if (space != std::string_view::npos) {
        // Exactly one separator is taken away: a file name may begin with a space.
        out.arg = std::string(line.substr(space + 1));
        out.has_arg = !out.arg.empty();
    }
    return out;
}

std::string stripTelnet(std::string_view line) {
    if (line.find(static_cast<char>(kIac)) == std::string_view::npos) return std::string(line);
    std::string out;
    out.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        auto c = static_cast<unsigned char>(line[i]);
        if (c != kIac) {
            out += line[i];
            continue;
        }
        if (i + 1 >= line.size()) break;  // a lone IAC at the end: dropped
        auto next = static_cast<unsigned char>(line[i + 1]);
        if (next == kIac) {
            out += static_cast<char>(kIac);
            ++i;
        } else if (next >= 0xFB && next <= 0xFE) {  // WILL, WONT, DO, DONT + option
            i += 2;
        } else if (next >= 0xF0) {  // a two-byte command (IP, DM, AYT, ...)
            i += 1;
        }
        // else: the IAC of "IAC DM" whose DM went out of band; the next byte is data.
    }
    return out;
}

bool findLineEnd(std::string_view input, std::size_t& line_len, std::size_t& consumed) noexcept {
    for (std::size_t i = 0; i < input.size(); ++i) {
        if (input[i] == '\n') {
            line_len = (i > 0 && input[i - 1] == '\r') ? i - 1 : i;
            consumed = i + 1;
            return true;
        }
        if (input[i] == '\r' && i + 1 < input.size() && input[i + 1] != '\n') {
            line_len = i;
            consumed = i + 1;
            return true;
        }
    }
    // "ABOR\r" with nothing after it: its "\n" went as urgent data. Telnet commands may precede it.
    if (input.size() >= 5 && input.back() == '\r') {
        std::string_view head = input.substr(0, input.size() - 1);
        std::string_view tail = head.substr(head.size() - 4);
        bool abor = true;
        for (std::size_t k = 0; k < 4; ++k) abor = abor && upper(tail[k]) == "ABOR"[k];
        std::string_view before = head.substr(0, head.size() - 4);
        bool only_telnet = std::all_of(before.begin(), before.end(), [](char c) {
            return static_cast<unsigned char>(c) >= 0xF0;
        });
        if (abor && only_telnet) {
            line_len = head.size();
            consumed = input.size();
            return true;
        }
    }
    return false;
}

}  // namespace gorgon::ftp
