// gorgonctl: the client of Gorgon's monitor (docs/monitor-protocol.md).
#include "client.hpp"
#include "endpoint.hpp"
#include "exit_codes.hpp"
#include "options.hpp"
#include "runner.hpp"
#include "secret.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <unistd.h>

#ifndef GORGONCTL_VERSION
#define GORGONCTL_VERSION "0.0.0"
#endif

namespace {

int run(int argc, char** argv) {
    using namespace gorgonctl;
    std::vector<std::string> args(argv + 1, argv + argc);
    ParsedOptions parsed = parseOptions(args);
    if (!parsed.options) {
        std::fprintf(stderr, "gorgonctl: %s\nTry gorgonctl --help.\n", parsed.error.c_str());
        return kExitUsage;
    }
    RunContext ctx{std::move(*parsed.options), {}, {}, {}};
    if (ctx.options.help) {
        std::fputs(usageText().c_str(), stdout);
        return kExitOk;
    }
    if (ctx.options.version) {
        std::printf("gorgonctl %s (monitor protocol 1)\n", GORGONCTL_VERSION);
        return kExitOk;
    }
    // A reply may come after the peer has gone; a write then must fail, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        ctx.endpoint = resolveEndpoint(ctx.options, std::getenv("GORGON_MONITOR"));
        if (!ctx.endpoint.host.empty()) {
            ctx.secret = ctx.options.secret_file.empty()
                             ? promptSecret("secret for " + ctx.endpoint.describe() + ": ")
                             : readSecretFile(ctx.options.secret_file);
        }
        ctx.client.connect(ctx.endpoint, ctx.secret, ctx.options.connect_timeout_s,
                           ctx.options.timeout_s);
        int code = kExitOk;
        if (!ctx.options.command.empty()) {
            code = runOneShot(ctx);
        } else if (::isatty(STDIN_FILENO) != 0) {
            code = runInteractive(ctx);
        } else {
            code = runScript(ctx);
        }
        wipe(ctx.secret);
        return code;
    } catch (const ClientError& e) {
        wipe(ctx.secret);
        std::fprintf(stderr, "gorgonctl: %s\n", e.what());
        return e.exitCode();
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gorgonctl: %s\n", e.what());
        return gorgonctl::kExitProtocol;
    }
}
