// gorgon/service.hpp — header-only C++ lease on a service of the registry (service_acquire).
//
// Acquiring a service pins the generation that published it until it is released; a lease
// releases it when it goes out of scope, so a plugin cannot forget and keep an old generation
// mapped forever:
//
//   gorgon::ServiceLease<gorgon_fs_provider> fs(host, "filesystem:os");   // throws if absent
//   fs->open_root(fs->ctx, "/srv/www", GORGON_FS_READ_ONLY, &root, err, sizeof err);
#ifndef GORGON_SERVICE_HPP
#define GORGON_SERVICE_HPP

#include <gorgon/plugin.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace gorgon {

template <class Interface>
class ServiceLease {
  public:
    ServiceLease() = default;
    // Acquires the newest generation's `name`. Throws std::runtime_error naming the service
    // when nothing publishes it (load the provider first, or list it in `depends`).
    ServiceLease(Host host, const std::string& name) : host_(host) {
        const void* iface = nullptr;
        if (host.api()->service_acquire(host.self(), name.c_str(), &iface) != GORGON_OK ||
            iface == nullptr) {
            throw std::runtime_error("no plugin provides \"" + name + "\"");
        }
        iface_ = static_cast<const Interface*>(iface);
    }
    // As above, but empty instead of throwing.
    [[nodiscard]] static std::optional<ServiceLease> tryAcquire(Host host,
                                                                const std::string& name) {
        const void* iface = nullptr;
        if (host.api()->service_acquire(host.self(), name.c_str(), &iface) != GORGON_OK ||
            iface == nullptr) {
            return std::nullopt;
        }
        ServiceLease lease;
        lease.host_ = host;
        lease.iface_ = static_cast<const Interface*>(iface);
        return lease;
    }
    ServiceLease(const ServiceLease&) = delete;
    ServiceLease& operator=(const ServiceLease&) = delete;
    ServiceLease(ServiceLease&& o) noexcept
        : host_(o.host_), iface_(std::exchange(o.iface_, nullptr)) {}
    ServiceLease& operator=(ServiceLease&& o) noexcept {
        if (this != &o) {
            reset();
            host_ = o.host_;
            iface_ = std::exchange(o.iface_, nullptr);
        }
        return *this;
    }
    ~ServiceLease() { reset(); }

    [[nodiscard]] const Interface* get() const noexcept { return iface_; }
    const Interface* operator->() const noexcept { return iface_; }
    const Interface& operator*() const noexcept { return *iface_; }
    explicit operator bool() const noexcept { return iface_ != nullptr; }
    // True while no newer generation publishes `name` (the lease still holds the newest).
    [[nodiscard]] bool current(const std::string& name) const noexcept {
        return iface_ != nullptr && host_.api()->service_current(host_.self(), name.c_str()) ==
                                        static_cast<const void*>(iface_);
    }
    void reset() noexcept {
        if (iface_ != nullptr) host_.api()->service_release(host_.self(), iface_);
        iface_ = nullptr;
    }

  private:
    Host host_;
    const Interface* iface_ = nullptr;
};

}  // namespace gorgon

#endif  // GORGON_SERVICE_HPP
