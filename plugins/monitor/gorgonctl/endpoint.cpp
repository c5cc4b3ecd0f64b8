#include "endpoint.hpp"

#include "exit_codes.hpp"

#include <sys/stat.h>

namespace gorgonctl {

const std::vector<std::string>& defaultSockets() {
    static const std::vector<std::string> paths = {"run/monitor.sock", "/run/gorgon/monitor.sock"};
    return paths;
}

Endpoint resolveEndpoint(const Options& o, const char* env_monitor) {
    Endpoint ep;
    if (!o.host.empty()) {
        ep.host = o.host;
        ep.port = o.port;
        ep.tls.enabled = o.tls;
        ep.tls.ca_file = o.ca_file;
        ep.tls.server_name = o.server_name;
        ep.tls.pins = o.pins;
        return ep;
    }
    if (!o.socket.empty()) {
        ep.socket = o.socket;
        return ep;
    }
    if (env_monitor != nullptr && env_monitor[0] != '\0') {
        std::string path(env_monitor);
        if (path.starts_with("unix:")) path.erase(0, 5);
        ep.socket = path;
        return ep;
    }
    std::string tried;
    for (const std::string& path : defaultSockets()) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
            ep.socket = path;
            return ep;
        }
        tried += tried.empty() ? path : ", " + path;
    }
    throw ClientError(kExitConnect, "no monitor socket found (tried " + tried +
                                        "); give --socket PATH or set GORGON_MONITOR");
}

}  // namespace gorgonctl
