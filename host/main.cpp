// gorgon: argument parsing, --check-config, start and stop. Nothing else lives here.
#include "config/config.hpp"
#include "core/host.hpp"
#include "core/privileges.hpp"
#include "log/logger.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include <unistd.h>

namespace {

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: gorgon [-c FILE]       run with the configuration in FILE\n"
                 "                              (default " GORGON_DEFAULT_CONFIG
                 ")\n"
                 "       gorgon --check-config FILE   validate FILE, its plugins and their\n"
                 "                              settings, then exit (0: valid, 1: not)\n"
                 "       gorgon --version\n");
}

int checkConfig(const std::string& path) {
    auto config = gorgon::loadConfig(path);
    if (!config) {
        std::fprintf(stderr, "%s\n", config.error().c_str());
        return 1;
    }
    // Only errors reach stderr; plugins are loaded and initialised, but nothing listens.
    (void)gorgon::Logger::configure(gorgon::LogLevel::Error, "stderr");
    gorgon::trustServiceUser(config->user);
    gorgon::Host host;
    auto r = host.start(std::move(config.value()), false);
    host.teardown();
    if (!r) {
        std::fprintf(stderr, "%s\n", r.error().c_str());
        return 1;
    }
    std::printf("%s: configuration OK\n", path.c_str());
    return 0;
}

int run(const std::string& path) {
    auto config = gorgon::loadConfig(path);
    if (!config) {
        std::fprintf(stderr, "%s\n", config.error().c_str());
        return 1;
    }
    if (auto r = gorgon::Logger::configure(config->log_level, config->log_file); !r) {
        std::fprintf(stderr, "%s\n", r.error().c_str());
        return 1;
    }
    std::string user = config->user;
    std::string group = config->group;
    std::string runtime = config->runtime_directory;
    gorgon::trustServiceUser(user);
    gorgon::Host host;
    if (auto r = host.start(std::move(config.value()), true); !r) {
        GLOG(Error, "cannot start: %s", r.error().c_str());
        if (gorgon::Logger::level() >= gorgon::LogLevel::Error) {
            std::fprintf(stderr, "gorgon: cannot start: %s\n", r.error().c_str());
        }
        return 1;
    }
    if (auto r = gorgon::dropPrivileges(user, group, {runtime}); !r) {
        GLOG(Error, "cannot start: %s", r.error().c_str());
        return 1;
    }
    return host.run();
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    std::string config = GORGON_DEFAULT_CONFIG;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            usage(stdout);
            return 0;
        }
        if (arg == "--version" || arg == "-v") {
            std::printf("gorgon %s (plugin ABI %d.%d)\n", GORGON_HOST_VERSION, GORGON_ABI_MAJOR,
                        GORGON_ABI_MINOR);
            return 0;
        }
        if ((arg == "--check-config" || arg == "-t") && i + 1 < argc) return checkConfig(argv[++i]);
        if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
            config = argv[++i];
            continue;
        }
        std::fprintf(stderr, "gorgon: unknown argument \"%s\"\n", arg.c_str());
        usage(stderr);
        return 2;
    }
    return run(config);
}
