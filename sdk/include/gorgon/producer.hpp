// gorgon/producer.hpp — header-only C++ ownership for producers (gorgon/producer.h).
//
// A gorgon_producer_id belongs to whoever holds it until it is passed to the host; one that is
// never passed on must be freed. Producer holds an id and frees it when it goes out of scope
// unless release() handed it on, so no error path leaks a producer:
//
//   gorgon::Producer body = gorgon::Producer::memory(host, text);
//   if (!body) return fail();
//   req.respond(200, headers, std::move(body), size);   // taken by the http plugin
#ifndef GORGON_PRODUCER_HPP
#define GORGON_PRODUCER_HPP

#include <gorgon/plugin.hpp>
#include <gorgon/producer.h>

#include <cstdint>
#include <string_view>
#include <utility>

namespace gorgon {

class Producer {
  public:
    Producer() = default;
    // Takes `id` (0: empty).
    Producer(Host host, gorgon_producer_id id) noexcept : host_(host), id_(id) {}
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;
    Producer(Producer&& o) noexcept : host_(o.host_), id_(std::exchange(o.id_, 0)) {}
    Producer& operator=(Producer&& o) noexcept {
        if (this != &o) {
            reset();
            host_ = o.host_;
            id_ = std::exchange(o.id_, 0);
        }
        return *this;
    }
    ~Producer() { reset(); }

    // A body of `data` (copied). Empty on failure.
    [[nodiscard]] static Producer memory(Host host, std::string_view data) noexcept {
        return {host, host.api()->producer_memory(host.self(), data.data(), data.size())};
    }
    // `length` bytes of `fd` from `offset` (the host duplicates fd; the caller keeps its own).
    [[nodiscard]] static Producer file(Host host, int fd, std::uint64_t offset,
                                       std::uint64_t length) noexcept {
        return {host, host.api()->producer_file(host.self(), fd, offset, length)};
    }
    // gzip of `inner` (taken), at zlib `level` (0: the default).
    [[nodiscard]] static Producer gzip(Producer inner, int level = 0) noexcept {
        Host host = inner.host_;
        return {host, host.api()->producer_gzip(host.self(), inner.release(), level)};
    }

    [[nodiscard]] gorgon_producer_id get() const noexcept { return id_; }
    explicit operator bool() const noexcept { return id_ != 0; }
    // Gives the id away (to a host call that takes it); this object is empty afterwards.
    [[nodiscard]] gorgon_producer_id release() noexcept { return std::exchange(id_, 0); }
    void reset() noexcept {
        if (id_ != 0) host_.api()->producer_free(host_.self(), id_);
        id_ = 0;
    }

  private:
    Host host_;
    gorgon_producer_id id_ = 0;
};

}  // namespace gorgon

#endif  // GORGON_PRODUCER_HPP
