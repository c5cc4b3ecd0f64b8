// The command line and the command table: how a line from the control connection becomes a
// verb and an argument, and what each verb needs (a login, an argument) before it may run.
// Pure: no host, no I/O, so it is unit-tested on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gorgon::ftp {

// The longest command line accepted, not counting the line end: a verb, a space and a path of
// up to 4095 bytes (the kernel's PATH_MAX less the NUL), as vsftpd's 4096-byte limit.
inline constexpr std::size_t kMaxLine = 4096 + 5;

enum class Cmd : std::uint8_t {
    Unknown,
    USER,
    PASS,
    ACCT,
    CWD,
    CDUP,
    SMNT,
    REIN,
    QUIT,
    PORT,
    PASV,
    TYPE,
    STRU,
    MODE,
    RETR,
    STOR,
    STOU,
    APPE,
    ALLO,
    REST,
    RNFR,
    RNTO,
    ABOR,
    DELE,
    RMD,
    MKD,
    PWD,
    LIST,
    NLST,
    SITE,
    SYST,
    STAT,
    HELP,
    NOOP,
    FEAT,
    OPTS,
    EPRT,
    EPSV,
    SIZE,
    MDTM,
    MLSD,
    MLST,
    AUTH,
    ADAT,
    PBSZ,
    PROT,
    CCC,
    LANG,
    MFMT,
    MFCT,
    MFF,
    HOST,
};

// What a command needs before it runs.
enum CmdFlag : std::uint8_t {
    kNeedsLogin = 1,       // 530 before login
    kArgRequired = 2,      // 501 without an argument
    kNoArg = 4,            // 501 with one
    kNotImplemented = 8,   // known, answered 502
    kDuringTransfer = 16,  // acted on at once while a transfer runs (ABOR, STAT, QUIT)
};

struct CommandSpec {
    std::string_view name;
    Cmd cmd;
    std::uint8_t flags;
    std::string_view syntax;  // for HELP NAME
};

// Every verb the server knows (RFC 959, 2228, 2389, 2428, 2640, 3659, 4217, 7151), including
// the X* aliases of RFC 775. Aliases map to the same Cmd.
[[nodiscard]] std::span<const CommandSpec> commandTable() noexcept;
// The spec for an upper-case verb, or null.
[[nodiscard]] const CommandSpec* findCommand(std::string_view verb) noexcept;

struct CommandLine {
    std::string verb;  // upper-cased
    std::string arg;   // everything after the first space, as sent (may hold spaces)
    bool has_arg = false;
};

enum class LineProblem : std::uint8_t {
    None,
    Empty,     // nothing but spaces: ignored
    BadVerb,   // not 3-4 letters: 500
    BadBytes,  // NUL, a CR, or another control byte inside the line: 501
};

// Splits a line (line end already removed, Telnet commands already stripped) into a verb and
// an argument. Refuses NUL bytes, CR or any other control byte but TAB anywhere in the line, so
// nothing after this point ever sees one in a path.
[[nodiscard]] std::optional<CommandLine> parseCommandLine(std::string_view line,
                                                          LineProblem& problem);

// Removes Telnet commands (RFC 854) a client may put on the control connection: IAC IAC is a
// data byte 0xFF, IAC WILL/WONT/DO/DONT OPT are three bytes, any other IAC X two; an IAC
// followed by a byte below 0xF0 (its Data Mark was sent as urgent data and taken out of the
// stream) goes alone. Returns the line unchanged when it holds no IAC.
[[nodiscard]] std::string stripTelnet(std::string_view line);

// Where the first command line in `input` ends, Telnet style: at "\n" (a preceding "\r" is not
// part of the line), or at a "\r" followed by any byte other than "\n" (a bare CR is not valid
// Telnet and ends a line for the purpose of framing), or at a final "\r" when what precedes it
// is "ABOR" (clients send "ABOR\r\n" as urgent data, and the kernel keeps the urgent "\n" out of
// the stream). Sets `line_len` and `consumed`; false when no line has ended yet.
[[nodiscard]] bool findLineEnd(std::string_view input, std::size_t& line_len,
                               std::size_t& consumed) noexcept;

}  // namespace gorgon::ftp
