#include "ftp_replies.hpp"

#include <array>

namespace gorgon::ftp {

namespace {

struct Entry {
    Reply id;
    int code;
    std::string_view text;
};

constexpr Entry kReplies[] = {
    {Reply::OpeningData, 150, "Opening {}."},
    {Reply::UniqueFile, 150, "FILE: {}"},
    {Reply::Ok, 200, "{}"},
    {Reply::TypeAscii, 200, "Switching to ASCII mode."},
    {Reply::TypeBinary, 200, "Switching to Binary mode."},
    {Reply::ModeOk, 200, "Mode set to S."},
    {Reply::StruOk, 200, "Structure set to F."},
    {Reply::PortOk, 200, "PORT command successful. Consider using PASV."},
    {Reply::EprtOk, 200, "EPRT command successful."},
    {Reply::NoopOk, 200, "NOOP ok."},
    {Reply::Utf8On, 200, "Always in UTF8 mode."},
    {Reply::MlstOpts, 200, "MLST OPTS {}"},
    {Reply::EpsvAllOk, 200, "EPSV ALL ok."},
    {Reply::AlloOk, 202, "ALLO command ignored."},
    {Reply::SystemStatus, 211, "{}"},
    {Reply::Features, 211, "{}"},
    {Reply::FileStatus, 213, "{}"},
    {Reply::StatusOfPath, 213, "{}"},
    {Reply::Help, 214, "{}"},
    {Reply::HelpSyntax, 214, "Syntax: {}"},
    {Reply::System, 215, "UNIX Type: L8"},
    {Reply::Greeting, 220, "{}"},
    {Reply::Goodbye, 221, "Goodbye."},
    {Reply::NoTransfer, 225, "No transfer to ABOR."},
    {Reply::TransferOk, 226, "Transfer complete."},
    {Reply::TransferOkTruncated, 226, "Transfer complete; listing truncated at {} entries."},
    {Reply::AbortOk, 226, "ABOR successful."},
    {Reply::Pasv, 227, "Entering Passive Mode {}."},
    {Reply::Epsv, 229, "Entering Extended Passive Mode {}."},
    {Reply::LoginOk, 230, "Login successful."},
    {Reply::CwdOk, 250, "Directory successfully changed."},
    {Reply::DeleOk, 250, "Delete operation successful."},
    {Reply::RmdOk, 250, "Remove directory operation successful."},
    {Reply::RenameOk, 250, "Rename successful."},
    {Reply::MlstListing, 250, "{}"},
    {Reply::Pwd, 257, "\"{}\" is the current directory"},
    {Reply::Mkd, 257, "\"{}\" created"},
    {Reply::NeedPassword, 331, "Please specify the password."},
    {Reply::RestOk, 350, "Restart position accepted ({})."},
    {Reply::RnfrOk, 350, "Ready for RNTO."},
    {Reply::TooManyUsers, 421, "There are too many connected users, please try later."},
    {Reply::TooManyFromYou, 421, "There are too many connections from your internet address."},
    {Reply::LockedOut, 421, "Too many failed logins from your address; try later."},
    {Reply::TooManyAttempts, 421, "Too many failed login attempts; closing the connection."},
    {Reply::TooManyBad, 421, "Too many unrecognized commands; closing the connection."},
    {Reply::IdleTimeout, 421, "Timeout."},
    {Reply::LoginTimeout, 421, "Login timeout."},
    {Reply::ShuttingDown, 421, "Service not available, closing control connection."},
    {Reply::ServiceClosing, 421,
     "Service closing: this server was removed from the configuration."},
    {Reply::UsePasvFirst, 425, "Use PORT or PASV first."},
    {Reply::CantOpenData, 425, "Failed to establish connection."},
    {Reply::PasvFailed, 425, "Could not open a passive port; try again."},
    {Reply::UseEpsv, 425, "PASV cannot name an IPv6 address: use EPSV."},
    {Reply::TransferAborted, 426, "Connection closed; transfer aborted."},
    {Reply::DataTimeout, 426, "Data connection timed out; transfer aborted."},
    {Reply::ListBusy, 450, "Could not read the directory."},
    {Reply::WriteFailed, 451, "Failure writing to local file."},
    {Reply::ReadFailed, 451, "Failure reading local file."},
    {Reply::NoSpace, 452, "Insufficient storage space."},
    {Reply::Unknown, 500, "Unknown command."},
    {Reply::LineTooLong, 500, "Command line too long."},
    {Reply::BadSyntax, 500, "Syntax error, command unrecognized."},
    {Reply::PortRefused, 500, "Illegal PORT command: only your own address is allowed."},
    {Reply::BadArguments, 501, "Syntax error in parameters or arguments."},
    {Reply::NoArgumentsAllowed, 501, "This command takes no arguments."},
    {Reply::BadBytes, 501, "Control characters are not allowed in commands."},
    {Reply::BadPath, 501, "Invalid path."},
    {Reply::NotImplemented, 502, "Command not implemented."},
    {Reply::AuthNotAvailable, 502, "TLS is not available on this server."},
    {Reply::RnfrFirst, 503, "RNFR required first."},
    {Reply::UserFirst, 503, "Login with USER first."},
    {Reply::EpsvAllActive, 503, "EPSV ALL in force: only EPSV may set up data connections."},
    {Reply::NoSuchParam, 504, "Command not implemented for that parameter."},
    {Reply::LowPortRefused, 504, "Data ports below 1024 are refused."},
    {Reply::NetProtoIpv4, 522, "Network protocol not supported, use (1)"},
    {Reply::NetProtoIpv6, 522, "Network protocol not supported, use (2)"},
    {Reply::NotLoggedIn, 530, "Please login with USER and PASS."},
    {Reply::LoginIncorrect, 530, "Login incorrect."},
    {Reply::AlreadyLoggedIn, 530, "Can't change to another user."},
    {Reply::NoAnonymous, 530, "This FTP server does not allow anonymous logins."},
    {Reply::RootUnavailable, 530, "Your root directory cannot be opened."},
    {Reply::FileUnavailable, 550, "Failed to open file."},
    {Reply::NoSuchFile, 550, "No such file or directory."},
    {Reply::PermissionDenied, 550, "Permission denied."},
    {Reply::CwdFailed, 550, "Failed to change directory."},
    {Reply::MkdFailed, 550, "Create directory operation failed."},
    {Reply::RmdFailed, 550, "Remove directory operation failed."},
    {Reply::DeleFailed, 550, "Delete operation failed."},
    {Reply::RenameFailed, 550, "Rename failed."},
    {Reply::SizeFailed, 550, "Could not get file size."},
    {Reply::MdtmFailed, 550, "Could not get file modification time."},
    {Reply::ListFailed, 550, "Failed to list directory."},
    {Reply::NotADirectory, 501, "Not a directory."},
    {Reply::StoreFailed, 553, "Could not create file."},
    {Reply::FileExists, 553, "File exists; overwriting is not allowed here."},
    {Reply::BadRest, 554, "Restart offset beyond the end of the file."},
    {Reply::OptsUnknown, 501, "Option not understood."},
    {Reply::AuthOk, 234, "Proceed with negotiation."},
    {Reply::PbszOk, 200, "PBSZ=0"},
    {Reply::ProtOk, 200, "PROT now {}."},
    {Reply::AuthFirst, 503, "Use AUTH TLS first."},
    {Reply::PbszFirst, 503, "PBSZ required first."},
    {Reply::AlreadyTls, 503, "Already using TLS."},
    {Reply::AuthUnknown, 504, "Security mechanism not understood; use AUTH TLS."},
    {Reply::ProtUnknown, 504, "PROT level not understood."},
    {Reply::ProtUnsupported, 536, "Requested PROT level not supported by mechanism."},
    {Reply::ProtPolicy, 534, "PROT C refused: data connections must be encrypted."},
    {Reply::CccRefused, 533, "CCC refused: the control connection stays encrypted."},
    {Reply::TlsRequired, 530, "TLS required: use AUTH TLS before logging in."},
    {Reply::DataNeedsProt, 521,
     "Data connection cannot be opened with this PROT setting: use PROT P."},
    {Reply::DataTlsFailed, 425,
     "TLS on the data connection failed; it must resume the control connection's TLS session."},
    {Reply::AuthFailed, 431, "Unable to start TLS."},
};
static_assert(std::size(kReplies) == static_cast<std::size_t>(Reply::Count),
              "every Reply has exactly one entry");

constexpr bool inOrder() {
    for (std::size_t i = 0; i < std::size(kReplies); ++i) {
        if (static_cast<std::size_t>(kReplies[i].id) != i) return false;
    }
    return true;
}
static_assert(inOrder(), "kReplies is indexed by Reply");

const Entry& entry(Reply r) noexcept {
    auto i = static_cast<std::size_t>(r);
    return kReplies[i < std::size(kReplies) ? i : static_cast<std::size_t>(Reply::Unknown)];
}

void appendSafe(std::string& out, std::string_view s) {
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7F) ? '?' : c;
    }
}

void appendText(std::string& out, std::string_view text, std::string_view detail) {
    std::size_t at = text.find("{}");
    if (at == std::string_view::npos) {
        out += text;
        return;
    }
    out += text.substr(0, at);
    appendSafe(out, detail);
    out += text.substr(at + 2);
}

std::string line(Reply r, char sep, std::string_view detail) {
    const Entry& e = entry(r);
    std::string out = std::to_string(e.code);
    out += sep;
    appendText(out, e.text, detail);
    out += "\r\n";
    return out;
}

}  // namespace

int replyCode(Reply r) noexcept {
    return entry(r).code;
}

std::string formatReply(Reply r, std::string_view detail) {
    return line(r, ' ', detail);
}

std::string formatReplyStart(Reply r, std::string_view text) {
    return line(r, '-', text);
}

std::string formatReplyEnd(Reply r, std::string_view text) {
    return line(r, ' ', text);
}

}  // namespace gorgon::ftp
