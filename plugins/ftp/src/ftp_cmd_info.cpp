// Commands that only talk: SYST, FEAT, OPTS, HELP, TYPE, MODE, STRU, REST and STAT.
#include "ftp_server.hpp"
#include "ftp_session.hpp"

#include <charconv>

namespace gorgon::ftp {

namespace {

std::string upperCase(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return out;
}

}  // namespace

void Session::cmdSyst() {
    reply(Reply::System);
}

void Session::cmdFeat() {
    // RFC 2389: one feature a line, each starting with a space.
    std::string body;
    if (tls_available_) body += " AUTH TLS\r\n";
    body += " EPRT\r\n EPSV\r\n MDTM\r\n MLST ";
    body += factList(facts_);
    body += "\r\n PASV\r\n";
    if (tls_available_) body += " PBSZ\r\n PROT\r\n";
    body += " REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n";
    replyLines(Reply::Features, "Features:", body, "End");
}

void Session::cmdOpts(const CommandLine& cmd) {
    const std::size_t space = cmd.arg.find(' ');
    const std::string name = upperCase(std::string_view(cmd.arg).substr(0, space));
    const std::string_view rest = space == std::string::npos
                                      ? std::string_view()
                                      : std::string_view(cmd.arg).substr(space + 1);
    if (name == "UTF8") {
        // Names are bytes on disk and on the wire alike: nothing is converted either way.
        const std::string value = upperCase(rest);
        if (value == "ON" || value == "OFF" || value.empty()) {
            reply(Reply::Utf8On);
        } else {
            reply(Reply::OptsUnknown);
        }
        return;
    }
    if (name == "MLST") {
        std::string echo;
        facts_ = parseFactOpts(rest, echo);
        reply(Reply::MlstOpts, echo);
        return;
    }
    reply(Reply::OptsUnknown);
}

void Session::cmdHelp(const CommandLine& cmd) {
    if (cmd.has_arg) {
        const CommandSpec* spec = findCommand(upperCase(cmd.arg));
        if (spec == nullptr) {
            reply(Reply::Unknown);
            return;
        }
        reply(Reply::HelpSyntax, spec->syntax);
        return;
    }
    std::string body;
    std::size_t column = 0;
    for (const CommandSpec& spec : commandTable()) {
        if ((spec.flags & kNotImplemented) != 0) continue;
        if (column == 0) body += ' ';
        body += ' ';
        body += spec.name;
        body.append(5 - spec.name.size(), ' ');
        if (++column == 10) {
            body += "\r\n";
            column = 0;
        }
    }
    if (column != 0) body += "\r\n";
    replyLines(Reply::Help, "The following commands are recognized.", body, "Help OK.");
}

void Session::cmdType(const CommandLine& cmd) {
    const std::string t = upperCase(cmd.arg);
    if (t == "A" || t == "A N") {
        ascii_ = true;
        reply(Reply::TypeAscii);
    } else if (t == "I" || t == "L 8" || t == "L8") {
        ascii_ = false;
        reply(Reply::TypeBinary);
    } else if (t == "E" || t == "A T" || t == "A C" || t == "E N" || t.starts_with("L ")) {
        reply(Reply::NoSuchParam);
    } else {
        reply(Reply::BadArguments);
    }
}

void Session::cmdMode(const CommandLine& cmd) {
    const std::string m = upperCase(cmd.arg);
    if (m == "S") {
        reply(Reply::ModeOk);
    } else if (m == "B" || m == "C" || m == "Z") {
        reply(Reply::NoSuchParam);
    } else {
        reply(Reply::BadArguments);
    }
}

void Session::cmdStru(const CommandLine& cmd) {
    const std::string s = upperCase(cmd.arg);
    if (s == "F") {
        reply(Reply::StruOk);
    } else if (s == "R" || s == "P") {
        reply(Reply::NoSuchParam);
    } else {
        reply(Reply::BadArguments);
    }
}

void Session::cmdRest(const CommandLine& cmd) {
    // RFC 3659 5: a decimal byte count (REST STREAM); at most 2^63 - 1, which off_t holds.
    std::uint64_t v = 0;
    const char* first = cmd.arg.data();
    const char* last = first + cmd.arg.size();
    auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last || cmd.arg.front() == '+' ||
        v > static_cast<std::uint64_t>(INT64_MAX)) {
        reply(Reply::BadArguments);
        return;
    }
    rest_ = v;
    reply(Reply::RestOk, std::to_string(v));
}

void Session::cmdStat(const CommandLine& cmd) {
    if (!cmd.has_arg || transfer_) {
        statServer();
        return;
    }
    if (access_ == Access::None) {
        reply(Reply::NotLoggedIn);
        return;
    }
    statPath(cmd.arg);
}

void Session::statServer() {
    std::string body;
    body += "     Connected to " + local_host_ + "\r\n";
    body += "     Logged in as ";
    body += access_ == Access::None        ? "(nobody)"
            : access_ == Access::Anonymous ? "anonymous"
                                           : user_;
    body += "\r\n     TYPE: ";
    body += ascii_ ? "ASCII" : "BINARY";
    body += "; STRUcture: File; transfer MODE: Stream\r\n";
    if (transfer_) {
        body += "     Transfer in progress: ";
        body += transfer_->outbound() ? std::to_string(transfer_->size) + " bytes to send"
                                      : std::to_string(transfer_->bytes) + " bytes received";
        body += "\r\n";
    } else {
        body += "     No data connection\r\n";
    }
    replyLines(Reply::SystemStatus, "FTP server status:", body, "End of status");
}

}  // namespace gorgon::ftp
