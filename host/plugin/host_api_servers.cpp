// ABI 1.3 host functions for configuration generations: moving a connection to the newer
// configuration of its server, and the goodbye a protocol says when its server is removed.
#include "plugin/host_api_internal.hpp"

namespace gorgon::api {

gorgon_status connMoveServer(gorgon_plugin* self, gorgon_conn_id id, gorgon_server_id to) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    return gen(self).host().servers().moveConnection(*c, gen(self), to);
}

gorgon_status protocolGoodbye(gorgon_plugin* self, const char* name,
                              gorgon_server_goodbye_fn goodbye) noexcept {
    if (name == nullptr) return GORGON_E_INVAL;
    try {
        Generation& g = gen(self);
        auto it = g.protocols.find(std::string(name, strnlen(name, 64)));
        if (it == g.protocols.end()) return GORGON_E_NOTFOUND;
        it->second.goodbye = goodbye;
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

}  // namespace gorgon::api
