#include "ftp_producers.hpp"

#include "ftp_ascii.hpp"

#include <gorgon/fd.hpp>

#include <cerrno>
#include <memory>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace gorgon::ftp {

namespace {

// Formatted per produce() call: about what the host asks for, at least this much.
constexpr std::size_t kChunk = 64 * 1024;

class ListingProducer {
  public:
    ListingProducer(Host host, ListingBody body) : host_(host), body_(std::move(body)) {}

    gorgon_status produce(gorgon_sink* sink, std::size_t want) {
        const std::size_t target = want > kChunk ? want : kChunk;
        buf_.clear();
        while (next_ < body_.entries.size() && buf_.size() < target) {
            appendEntry(buf_, body_.format, body_.entries[next_], body_.now, body_.facts,
                        body_.writable);
            // Formatted lines are not needed again: give the memory back as we go.
            std::string().swap(body_.entries[next_].name);
            ++next_;
        }
        if (!buf_.empty()) {
            gorgon_status s = host_.api()->sink_write(sink, buf_.data(), buf_.size());
            if (s != GORGON_OK) return s;
        }
        return next_ == body_.entries.size() ? GORGON_PRODUCER_DONE : GORGON_OK;
    }

  private:
    Host host_;
    ListingBody body_;
    std::size_t next_ = 0;
    std::string buf_;
};

class AsciiFileProducer {
  public:
    AsciiFileProducer(Host host, UniqueFd fd, std::uint64_t offset)
        : host_(host), fd_(std::move(fd)), offset_(offset) {}

    gorgon_status produce(gorgon_sink* sink, std::size_t want) {
        const std::size_t size = want > kChunk ? kChunk : (want < 4096 ? 4096 : want);
        in_.resize(size);
        ssize_t n = 0;
        do {
            n = ::pread(fd_.get(), in_.data(), in_.size(), static_cast<off_t>(offset_));
        } while (n < 0 && errno == EINTR);
        if (n < 0) return GORGON_E_IO;
        if (n == 0) return GORGON_PRODUCER_DONE;
        offset_ += static_cast<std::uint64_t>(n);
        out_.clear();
        toNetAscii(std::string_view(in_.data(), static_cast<std::size_t>(n)), out_);
        gorgon_status s = host_.api()->sink_write(sink, out_.data(), out_.size());
        return s == GORGON_OK ? GORGON_OK : s;
    }

  private:
    Host host_;
    UniqueFd fd_;
    std::uint64_t offset_;
    std::string in_;
    std::string out_;
};

// The C callbacks for a producer class P, which owns itself once handed to the host.
template <class P>
struct Ops {
    static gorgon_status produce(void* user, gorgon_sink* sink, std::size_t want) noexcept {
        try {
            return static_cast<P*>(user)->produce(sink, want);
        } catch (...) {
            return GORGON_E_NOMEM;
        }
    }
    static void release(void* user) noexcept { std::unique_ptr<P> gone(static_cast<P*>(user)); }
    static constexpr gorgon_producer_ops kOps = {sizeof(gorgon_producer_ops), &produce, &release};
};

template <class P>
gorgon_producer_id hand(Host host, std::unique_ptr<P> p) {
    gorgon_producer_id id = host.api()->producer_custom(host.self(), &Ops<P>::kOps, p.get());
    if (id != 0) p.release();  // the host calls release() when done with it
    return id;
}

}  // namespace

gorgon_producer_id makeListingProducer(Host host, ListingBody body) {
    return hand(host, std::make_unique<ListingProducer>(host, std::move(body)));
}

gorgon_producer_id makeAsciiFileProducer(Host host, int fd, std::uint64_t offset) {
    UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!dup.valid()) return 0;
    return hand(host, std::make_unique<AsciiFileProducer>(host, std::move(dup), offset));
}

}  // namespace gorgon::ftp
