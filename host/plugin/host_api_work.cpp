// ABI 1.3 entries of the host table: the work pool.
#include "plugin/host_api_internal.hpp"

namespace gorgon::api {

gorgon_status workSubmit(gorgon_plugin* self, gorgon_work_fn work, gorgon_work_done_fn done,
                         void* arg, gorgon_work_id* out) noexcept {
    try {
        return gen(self).host().work().submit(gen(self), work, done, arg, out);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status workCancel(gorgon_plugin* self, gorgon_work_id work) noexcept {
    return gen(self).host().work().cancel(gen(self), work);
}

}  // namespace gorgon::api
