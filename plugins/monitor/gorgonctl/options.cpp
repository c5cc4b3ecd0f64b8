#include "options.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

namespace gorgonctl {

namespace {

std::optional<double> parseSeconds(const std::string& text) {
    // from_chars for double is in GCC 12's libstdc++.
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v <= 0 ||
        v > 86400) {
        return std::nullopt;
    }
    return v;
}

std::optional<std::uint16_t> parsePort(const std::string& text) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v == 0 || v > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(v);
}

}  // namespace

std::optional<std::string> parsePin(const std::string& text) {
    std::string_view t(text);
    if (t.size() > 7 && (t.substr(0, 7) == "sha256:" || t.substr(0, 7) == "SHA256:")) {
        t.remove_prefix(7);
    }
    std::string hex;
    const bool colons = t.find(':') != std::string_view::npos;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (colons && i % 3 == 2) {
            if (c != ':') return std::nullopt;
            continue;
        }
        if (c >= '0' && c <= '9') {
            hex += c;
        } else if (c >= 'a' && c <= 'f') {
            hex += c;
        } else if (c >= 'A' && c <= 'F') {
            hex += static_cast<char>(c - 'A' + 'a');
        } else {
            return std::nullopt;
        }
    }
    if (hex.size() != 64 || (colons && t.size() != 64 + 31)) return std::nullopt;
    return hex;
}

ParsedOptions parseOptions(const std::vector<std::string>& args) {
    Options o;
    ParsedOptions out;
    std::size_t i = 0;
    // An option's value: "--name VALUE" or "--name=VALUE".
    auto value = [&](const std::string& arg, const std::string& name, std::string& into) -> bool {
        if (arg == name) {
            if (i + 1 >= args.size()) {
                out.error = name + " needs a value";
                return false;
            }
            into = args[++i];
            return true;
        }
        into = arg.substr(name.size() + 1);
        return true;
    };
    auto is = [](const std::string& arg, const char* name) {
        const std::string n(name);
        return arg == n || arg.starts_with(n + "=");
    };
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        std::string v;
        if (a == "--") {
            ++i;
            break;
        }
        if (a.empty() || a[0] != '-' || a == "-") break;  // the command starts here
        if (a == "-h" || a == "--help") {
            o.help = true;
        } else if (a == "-V" || a == "--version") {
            o.version = true;
        } else if (a == "-j" || a == "--json") {
            o.json = true;
        } else if (a == "-s" || is(a, "--socket")) {
            if (!value(a, a == "-s" ? "-s" : "--socket", o.socket)) return out;
            if (o.socket.empty()) {
                out.error = "--socket needs a path";
                return out;
            }
        } else if (a == "-H" || is(a, "--host")) {
            if (!value(a, a == "-H" ? "-H" : "--host", o.host)) return out;
            if (o.host.empty()) {
                out.error = "--host needs a host name or address";
                return out;
            }
        } else if (a == "-p" || is(a, "--port")) {
            if (!value(a, a == "-p" ? "-p" : "--port", v)) return out;
            const auto port = parsePort(v);
            if (!port) {
                out.error = "--port must be a number from 1 to 65535, not \"" + v + "\"";
                return out;
            }
            o.port = *port;
        } else if (is(a, "--secret-file")) {
            if (!value(a, "--secret-file", o.secret_file)) return out;
        } else if (a == "--tls") {
            o.tls = true;
        } else if (is(a, "--ca-file")) {
            if (!value(a, "--ca-file", o.ca_file)) return out;
            if (o.ca_file.empty()) {
                out.error = "--ca-file needs a file";
                return out;
            }
            o.tls = true;
        } else if (is(a, "--server-name")) {
            if (!value(a, "--server-name", o.server_name)) return out;
            if (o.server_name.empty()) {
                out.error = "--server-name needs a host name";
                return out;
            }
            o.tls = true;
        } else if (is(a, "--pin")) {
            if (!value(a, "--pin", v)) return out;
            const auto pin = parsePin(v);
            if (!pin) {
                out.error =
                    "--pin must be sha256: and 64 hex digits (colons between pairs "
                    "allowed), not \"" +
                    v + "\"";
                return out;
            }
            o.pins.push_back(*pin);
            o.tls = true;
        } else if (a == "-t" || is(a, "--timeout")) {
            if (!value(a, a == "-t" ? "-t" : "--timeout", v)) return out;
            const auto s = parseSeconds(v);
            if (!s) {
                out.error = "--timeout must be a number of seconds above 0, not \"" + v + "\"";
                return out;
            }
            o.timeout_s = *s;
        } else if (is(a, "--connect-timeout")) {
            if (!value(a, "--connect-timeout", v)) return out;
            const auto s = parseSeconds(v);
            if (!s) {
                out.error =
                    "--connect-timeout must be a number of seconds above 0, not \"" + v + "\"";
                return out;
            }
            o.connect_timeout_s = *s;
        } else {
            out.error = "unknown option \"" + a + "\" (gorgonctl --help lists them)";
            return out;
        }
    }
    o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    if (!o.socket.empty() && !o.host.empty()) {
        out.error = "give either --socket or --host, not both";
        return out;
    }
    if (!o.host.empty() && o.port == 0) {
        out.error = "--host needs --port";
        return out;
    }
    if (o.host.empty() && o.port != 0) {
        out.error = "--port needs --host";
        return out;
    }
    if (!o.secret_file.empty() && o.host.empty()) {
        out.error = "--secret-file is for TCP (--host and --port)";
        return out;
    }
    if (o.tls && o.host.empty()) {
        out.error = "TLS (--tls, --ca-file, --pin, --server-name) is for TCP (--host and --port)";
        return out;
    }
    out.options = std::move(o);
    return out;
}

std::string usageText() {
    return R"(usage: gorgonctl [OPTIONS] [COMMAND [ARGUMENTS...]]

Talks to Gorgon's monitor. With a COMMAND, runs it and exits; without one, reads commands
from the terminal (line editing, history in ~/.gorgonctl_history) or, if standard input is
not a terminal, one per line.

Options:
  -s, --socket PATH          the monitor's Unix socket (default: $GORGON_MONITOR, then
                             run/monitor.sock, then /run/gorgon/monitor.sock)
  -H, --host HOST            connect over TCP instead (with --port)
  -p, --port PORT
      --secret-file FILE     the TCP login secret (mode 0600); otherwise it is asked for
      --tls                  TLS over --host/--port (TLS 1.2 at least); the server's
                             certificate is verified before the login is answered:
                             against the system's CAs unless --ca-file or --pin is given
      --ca-file FILE         verify the certificate chain against these CAs (PEM), and
                             its name against --server-name, else --host (implies --tls)
      --server-name NAME     the name sent as SNI and verified (implies --tls)
      --pin sha256:HEX       accept only a certificate whose DER has this SHA-256 (as
                             `openssl x509 -noout -fingerprint -sha256` prints it, or
                             plain hex); repeatable; without --ca-file no CA check is
                             made; with it, both must pass (implies --tls)
  -j, --json                 JSON output
  -t, --timeout SECONDS      how long to wait for each reply (default 30)
      --connect-timeout SECONDS  how long to wait to connect (default 5)
  -h, --help                 this text;  -V, --version  gorgonctl's version

Commands: help, status, plugins, load NAME|PATH, unload NAME, reload NAME [PATH],
connections [SERVER], config show|check [FILE]|reload, log level [LEVEL], stats,
shutdown [--graceful]. `gorgonctl help` asks the server for details.

Exit status: 0 ok, 1 the command failed, 2 usage, 3 cannot connect, 4 authentication
failed, 5 protocol error or timeout, 6 not allowed by the access list, 7 TLS failed (the
handshake, the certificate's verification or pin, or the server requires TLS).
)";
}

}  // namespace gorgonctl
