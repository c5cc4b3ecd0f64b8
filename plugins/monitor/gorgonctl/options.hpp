// gorgonctl's command line: options first, then the monitor command and its arguments, which
// are passed on untouched (so `gorgonctl shutdown --graceful` works). Pure code: unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gorgonctl {

struct Options {
    std::string socket;            // --socket PATH
    std::string host;              // --host HOST (TCP)
    std::uint16_t port = 0;        // --port PORT
    std::string secret_file;       // --secret-file FILE
    bool json = false;             // --json
    double timeout_s = 30;         // --timeout: each reply
    double connect_timeout_s = 5;  // --connect-timeout
    bool help = false;
    bool version = false;
    std::vector<std::string> command;  // the monitor command and its arguments
};

struct ParsedOptions {
    std::optional<Options> options;
    std::string error;  // set when options is empty
};

[[nodiscard]] ParsedOptions parseOptions(const std::vector<std::string>& args);

[[nodiscard]] std::string usageText();

}  // namespace gorgonctl
