// gorgonctl's command line: options first, then the monitor command and its arguments, which
// are passed on untouched (so `gorgonctl shutdown --graceful` works). Pure code: unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gorgonctl {

struct Options {
    std::string socket;             // --socket PATH
    std::string host;               // --host HOST (TCP)
    std::uint16_t port = 0;         // --port PORT
    std::string secret_file;        // --secret-file FILE
    bool tls = false;               // --tls (implied by --ca-file, --pin, --server-name)
    std::string ca_file;            // --ca-file FILE: verify the chain and the name against it
    std::string server_name;        // --server-name NAME: SNI and the name verified
    std::vector<std::string> pins;  // --pin sha256:HEX (repeatable), normalized to 64 hex digits
    bool json = false;              // --json
    double timeout_s = 30;          // --timeout: each reply
    double connect_timeout_s = 5;   // --connect-timeout
    bool help = false;
    bool version = false;
    std::vector<std::string> command;  // the monitor command and its arguments
};

struct ParsedOptions {
    std::optional<Options> options;
    std::string error;  // set when options is empty
};

// "sha256:AB:CD:...", "sha256:abcd..." or the bare hex (64 digits, colons between pairs
// allowed): the 64 lower-case hex digits, or nullopt.
[[nodiscard]] std::optional<std::string> parsePin(const std::string& text);

[[nodiscard]] ParsedOptions parseOptions(const std::vector<std::string>& args);

[[nodiscard]] std::string usageText();

}  // namespace gorgonctl
