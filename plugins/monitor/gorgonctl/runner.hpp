// The three ways gorgonctl runs: one command from its arguments, an interactive prompt, or a
// script read from standard input. Each returns gorgonctl's exit code.
#pragma once

#include "client.hpp"
#include "options.hpp"

#include <string>

namespace gorgonctl {

struct RunContext {
    Options options;
    Endpoint endpoint;
    std::string secret;  // TCP only; kept to log in again after a reconnect
    Client client;
};

int runOneShot(RunContext& ctx);
int runInteractive(RunContext& ctx);
int runScript(RunContext& ctx);

}  // namespace gorgonctl
