// Every reply the server sends comes from this table: a code and a fixed text, with at most one
// `{}` where a detail (a path, a port, a size) goes. Nothing else writes a reply line, so no
// reply can carry a code RFC 959 does not define for it, or a line break from a client's input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon::ftp {

enum class Reply : std::uint8_t {
    // 1xx
    OpeningData,  // 150 Opening {}.
    UniqueFile,   // 150 FILE: {}
    // 2xx
    Ok,                   // 200 {}
    TypeAscii,            // 200 Switching to ASCII mode.
    TypeBinary,           // 200 Switching to Binary mode.
    ModeOk,               // 200 Mode set to S.
    StruOk,               // 200 Structure set to F.
    PortOk,               // 200 PORT command successful. Consider using PASV.
    EprtOk,               // 200 EPRT command successful.
    NoopOk,               // 200 NOOP ok.
    Utf8On,               // 200 Always in UTF8 mode.
    MlstOpts,             // 200 MLST OPTS {}
    EpsvAllOk,            // 200 EPSV ALL ok.
    AlloOk,               // 202 ALLO command ignored.
    SystemStatus,         // 211 (multi-line STAT)
    Features,             // 211 (multi-line FEAT)
    FileStatus,           // 213 {}
    StatusOfPath,         // 213 (multi-line STAT path)
    Help,                 // 214 (multi-line HELP)
    HelpSyntax,           // 214 Syntax: {}
    System,               // 215 UNIX Type: L8
    Greeting,             // 220 {}
    Goodbye,              // 221 Goodbye.
    NoTransfer,           // 225 No transfer to ABOR.
    TransferOk,           // 226 Transfer complete.
    TransferOkTruncated,  // 226 Transfer complete; listing truncated at {} entries.
    AbortOk,              // 226 ABOR successful.
    Pasv,                 // 227 Entering Passive Mode {}.
    Epsv,                 // 229 Entering Extended Passive Mode {}.
    LoginOk,              // 230 Login successful.
    CwdOk,                // 250 Directory successfully changed.
    DeleOk,               // 250 Delete operation successful.
    RmdOk,                // 250 Remove directory operation successful.
    RenameOk,             // 250 Rename successful.
    MlstListing,          // 250 (multi-line MLST)
    Pwd,                  // 257 "{}" is the current directory
    Mkd,                  // 257 "{}" created
    // 3xx
    NeedPassword,  // 331 Please specify the password.
    RestOk,        // 350 Restart position accepted ({}).
    RnfrOk,        // 350 Ready for RNTO.
    // 4xx
    TooManyUsers,     // 421 There are too many connected users, please try later.
    TooManyFromYou,   // 421 There are too many connections from your internet address.
    LockedOut,        // 421 Too many failed logins from your address; try later.
    TooManyAttempts,  // 421 Too many failed login attempts; closing the connection.
    TooManyBad,       // 421 Too many unrecognized commands; closing the connection.
    IdleTimeout,      // 421 Timeout.
    LoginTimeout,     // 421 Login timeout.
    ShuttingDown,     // 421 Service not available, closing control connection.
    ServiceClosing,   // 421 Service closing: this server was removed from the configuration.
    UsePasvFirst,     // 425 Use PORT or PASV first.
    CantOpenData,     // 425 Failed to establish connection.
    PasvFailed,       // 425 Could not open a passive port; try again.
    UseEpsv,          // 425 PASV cannot name an IPv6 address: use EPSV.
    TransferAborted,  // 426 Connection closed; transfer aborted.
    DataTimeout,      // 426 Data connection timed out; transfer aborted.
    ListBusy,         // 450 Could not read the directory.
    WriteFailed,      // 451 Failure writing to local file.
    ReadFailed,       // 451 Failure reading local file.
    NoSpace,          // 452 Insufficient storage space.
    // 5xx
    Unknown,             // 500 Unknown command.
    LineTooLong,         // 500 Command line too long.
    BadSyntax,           // 500 Syntax error, command unrecognized.
    PortRefused,         // 500 Illegal PORT command: only your own address is allowed.
    BadArguments,        // 501 Syntax error in parameters or arguments.
    NoArgumentsAllowed,  // 501 This command takes no arguments.
    BadBytes,            // 501 Control characters are not allowed in commands.
    BadPath,             // 501 Invalid path.
    NotImplemented,      // 502 Command not implemented.
    AuthNotAvailable,    // 502 TLS is not available on this server.
    RnfrFirst,           // 503 RNFR required first.
    UserFirst,           // 503 Login with USER first.
    EpsvAllActive,       // 503 EPSV ALL in force: only EPSV may set up data connections.
    NoSuchParam,         // 504 Command not implemented for that parameter.
    LowPortRefused,      // 504 Data ports below 1024 are refused.
    NetProtoIpv4,        // 522 Network protocol not supported, use (1)
    NetProtoIpv6,        // 522 Network protocol not supported, use (2)
    NotLoggedIn,         // 530 Please login with USER and PASS.
    LoginIncorrect,      // 530 Login incorrect.
    AlreadyLoggedIn,     // 530 Can't change to another user.
    NoAnonymous,         // 530 This FTP server does not allow anonymous logins.
    RootUnavailable,     // 530 Your root directory cannot be opened.
    FileUnavailable,     // 550 Failed to open file.
    NoSuchFile,          // 550 No such file or directory.
    PermissionDenied,    // 550 Permission denied.
    CwdFailed,           // 550 Failed to change directory.
    MkdFailed,           // 550 Create directory operation failed.
    RmdFailed,           // 550 Remove directory operation failed.
    DeleFailed,          // 550 Delete operation failed.
    RenameFailed,        // 550 Rename failed.
    SizeFailed,          // 550 Could not get file size.
    MdtmFailed,          // 550 Could not get file modification time.
    ListFailed,          // 550 Failed to list directory.
    NotADirectory,       // 501 Not a directory.
    StoreFailed,         // 553 Could not create file.
    FileExists,          // 553 File exists; overwriting is not allowed here.
    BadRest,             // 554 Restart offset beyond the end of the file.
    OptsUnknown,         // 501 Option not understood.
    // RFC 4217 (FTPS), kept together
    AuthOk,           // 234 Proceed with negotiation.
    PbszOk,           // 200 PBSZ=0
    ProtOk,           // 200 PROT now {}.
    AuthFirst,        // 503 Use AUTH TLS first.
    PbszFirst,        // 503 PBSZ required first.
    AlreadyTls,       // 503 Already using TLS.
    AuthUnknown,      // 504 Security mechanism not understood; use AUTH TLS.
    ProtUnknown,      // 504 PROT level not understood.
    ProtUnsupported,  // 536 Requested PROT level not supported by mechanism.
    ProtPolicy,       // 534 PROT C refused: data connections must be encrypted.
    CccRefused,       // 533 CCC refused: the control connection stays encrypted.
    TlsRequired,      // 530 TLS required: use AUTH TLS before logging in.
    DataNeedsProt,    // 521 Data connection cannot be opened with this PROT setting: use PROT P.
    DataTlsFailed,    // 425 TLS on the data connection failed; it must resume the control ...
    AuthFailed,       // 431 Unable to start TLS.
    Count,
};

// The code of a reply (150, 226, ...).
[[nodiscard]] int replyCode(Reply r) noexcept;

// "CODE TEXT\r\n" with `detail` in place of the text's `{}`; every byte of `detail` below 0x20
// is replaced with '?', so nothing from outside can end the reply line early.
[[nodiscard]] std::string formatReply(Reply r, std::string_view detail = {});

// The first line of a multi-line reply, "CODE-TEXT\r\n" (RFC 959 4.2), with the same rule.
[[nodiscard]] std::string formatReplyStart(Reply r, std::string_view text);
// Its last line, "CODE TEXT\r\n".
[[nodiscard]] std::string formatReplyEnd(Reply r, std::string_view text);

}  // namespace gorgon::ftp
