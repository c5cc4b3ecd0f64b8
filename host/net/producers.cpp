#include "net/producers.hpp"

#include "core/host.hpp"
#include "plugin/generation.hpp"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>

#include <fcntl.h>
#include <unistd.h>

namespace gorgon {

namespace {

// How much of a file is read per call when it must be in memory (gzip).
constexpr size_t kReadChunk = 64 * 1024;
// Up to this size a file is read rather than sent with sendfile: one pread plus one writev
// beats a writev for the headers plus a sendfile for the body.
constexpr uint64_t kSmallFile = 16 * 1024;

gorgon_status readInto(evbuffer* out, int fd, uint64_t offset, uint64_t length);

class MemoryProducer final : public Producer {
  public:
    MemoryProducer(const void* data, size_t len) : buf_(evbuffer_new()) {
        if (!buf_ || (len != 0 && evbuffer_add(buf_.get(), data, len) != 0)) {
            throw std::bad_alloc();
        }
    }
    // A small file range, read now: cheaper than keeping a duplicate descriptor for later.
    MemoryProducer(int fd, uint64_t offset, uint64_t length) : buf_(evbuffer_new()) {
        if (!buf_) throw std::bad_alloc();
        if (readInto(buf_.get(), fd, offset, length) != GORGON_OK) {
            throw std::runtime_error("cannot read the file");
        }
    }
    gorgon_status produce(gorgon_sink& sink, size_t want) override {
        size_t n = std::max(want, size_t{4096});
        evbuffer_remove_buffer(buf_.get(), sink.out, n);
        return evbuffer_get_length(buf_.get()) == 0 ? GORGON_PRODUCER_DONE : GORGON_OK;
    }

  private:
    CHandle<evbuffer, evbuffer_free> buf_;
};

class FileProducer final : public Producer {
  public:
    FileProducer(int fd, uint64_t offset, uint64_t length)
        : fd_(::fcntl(fd, F_DUPFD_CLOEXEC, 0)), offset_(offset), left_(length) {
        if (fd_ < 0) throw std::runtime_error(std::strerror(errno));
    }
    ~FileProducer() override {
        if (fd_ >= 0) ::close(fd_);
    }
    FileProducer(const FileProducer&) = delete;
    FileProducer& operator=(const FileProducer&) = delete;
    gorgon_status produce(gorgon_sink& sink, size_t want) override {
        if (left_ == 0) return GORGON_PRODUCER_DONE;
        // Small files are read so that headers and body leave in one writev; large ones go
        // as one sendfile segment, which takes our descriptor over (no second dup).
        if (sink.files && left_ > kSmallFile) {
            evbuffer_file_segment* seg = evbuffer_file_segment_new(
                fd_, static_cast<ev_off_t>(offset_), static_cast<ev_off_t>(left_),
                EVBUF_FS_CLOSE_ON_FREE | EVBUF_FS_DISABLE_MMAP);
            if (seg == nullptr) return GORGON_E_IO;
            fd_ = -1;
            int rc = evbuffer_add_file_segment(sink.out, seg, 0, static_cast<ev_off_t>(left_));
            evbuffer_file_segment_free(seg);
            if (rc != 0) return GORGON_E_IO;
            left_ = 0;
            return GORGON_PRODUCER_DONE;
        }
        // Into memory (small files, gzip input): a chunk at a time.
        uint64_t n = std::min<uint64_t>(left_, std::max(want, kReadChunk));
        gorgon_sink memory{sink.out, false};
        gorgon_status s = sinkWriteFile(memory, fd_, offset_, n);
        if (s != GORGON_OK) return s;
        offset_ += n;
        left_ -= n;
        return left_ == 0 ? GORGON_PRODUCER_DONE : GORGON_OK;
    }

  private:
    int fd_;
    uint64_t offset_;
    uint64_t left_;
};

class ChunkedProducer final : public Producer {
  public:
    explicit ChunkedProducer(ProducerPtr inner) : inner_(std::move(inner)), tmp_(evbuffer_new()) {
        if (!tmp_) throw std::bad_alloc();
        // Its chains move to the socket's buffer whole, so file segments may stay sendfile.
        evbuffer_set_flags(tmp_.get(), EVBUFFER_FLAG_DRAINS_TO_FD);
    }
    gorgon_status produce(gorgon_sink& sink, size_t want) override {
        gorgon_sink inner_sink{tmp_.get(), sink.files};
        gorgon_status s = inner_->produce(inner_sink, want);
        if (s < 0 && s != GORGON_E_AGAIN) return s;
        size_t n = evbuffer_get_length(tmp_.get());
        if (n != 0) {
            evbuffer_add_printf(sink.out, "%zx\r\n", n);
            evbuffer_add_buffer(sink.out, tmp_.get());
            evbuffer_add(sink.out, "\r\n", 2);
        }
        if (s == GORGON_PRODUCER_DONE) {
            evbuffer_add(sink.out, "0\r\n\r\n", 5);
            return GORGON_PRODUCER_DONE;
        }
        return s;
    }

  private:
    ProducerPtr inner_;
    CHandle<evbuffer, evbuffer_free> tmp_;
};

class GzipProducer final : public Producer {
  public:
    GzipProducer(ProducerPtr inner, int level) : inner_(std::move(inner)), tmp_(evbuffer_new()) {
        if (!tmp_) throw std::bad_alloc();
        if (level < 1 || level > 9) level = 6;
        // windowBits 15 + 16: a gzip wrapper (RFC 1952), not raw zlib.
        if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            throw std::bad_alloc();
        }
    }
    ~GzipProducer() override { deflateEnd(&z_); }
    GzipProducer(const GzipProducer&) = delete;
    GzipProducer& operator=(const GzipProducer&) = delete;

    gorgon_status produce(gorgon_sink& sink, size_t want) override {
        gorgon_status s = GORGON_PRODUCER_DONE;
        if (!inner_done_) {
            gorgon_sink memory{tmp_.get(), false};
            s = inner_->produce(memory, want);
            if (s < 0 && s != GORGON_E_AGAIN) return s;
            inner_done_ = s == GORGON_PRODUCER_DONE;
        }
        size_t before = evbuffer_get_length(sink.out);
        // Deflate what the inner producer gave, chunk by chunk of the buffer.
        while (evbuffer_get_length(tmp_.get()) != 0) {
            evbuffer_iovec in{};
            if (evbuffer_peek(tmp_.get(), -1, nullptr, &in, 1) < 1) break;
            z_.next_in = static_cast<Bytef*>(in.iov_base);
            z_.avail_in = static_cast<uInt>(in.iov_len);
            if (!deflateInto(sink.out, Z_NO_FLUSH)) return GORGON_E_INTERNAL;
            evbuffer_drain(tmp_.get(), in.iov_len - z_.avail_in);
        }
        if (inner_done_) {
            z_.next_in = nullptr;
            z_.avail_in = 0;
            if (!deflateInto(sink.out, Z_FINISH)) return GORGON_E_INTERNAL;
            return GORGON_PRODUCER_DONE;
        }
        if (s == GORGON_E_AGAIN && evbuffer_get_length(sink.out) == before) return GORGON_E_AGAIN;
        return GORGON_OK;
    }

  private:
    // Runs deflate until it has taken all the input (or, with Z_FINISH, ended the stream).
    bool deflateInto(evbuffer* out, int flush) {
        for (;;) {
            evbuffer_iovec v{};
            if (evbuffer_reserve_space(out, 16 * 1024, &v, 1) < 1) return false;
            z_.next_out = static_cast<Bytef*>(v.iov_base);
            z_.avail_out = static_cast<uInt>(v.iov_len);
            int rc = deflate(&z_, flush);
            v.iov_len -= z_.avail_out;
            evbuffer_commit_space(out, &v, 1);
            if (rc == Z_STREAM_END) return true;
            if (rc == Z_BUF_ERROR) return flush != Z_FINISH;  // no progress possible: done
            if (rc != Z_OK) return false;
            if (flush != Z_FINISH && z_.avail_in == 0 && z_.avail_out != 0) return true;
        }
    }

    ProducerPtr inner_;
    CHandle<evbuffer, evbuffer_free> tmp_;
    z_stream z_{};
    bool inner_done_ = false;
};

class ConcatProducer final : public Producer {
  public:
    explicit ConcatProducer(std::vector<ProducerPtr> parts)
        : parts_(std::make_move_iterator(parts.begin()), std::make_move_iterator(parts.end())) {}
    gorgon_status produce(gorgon_sink& sink, size_t want) override {
        size_t before = evbuffer_get_length(sink.out);
        while (!parts_.empty()) {
            size_t got = evbuffer_get_length(sink.out) - before;
            if (got >= want && got != 0) return GORGON_OK;
            gorgon_status s = parts_.front()->produce(sink, want > got ? want - got : 0);
            if (s == GORGON_PRODUCER_DONE) {
                parts_.pop_front();
                continue;
            }
            if (s == GORGON_E_AGAIN && evbuffer_get_length(sink.out) != before) return GORGON_OK;
            return s;
        }
        return GORGON_PRODUCER_DONE;
    }

  private:
    std::deque<ProducerPtr> parts_;
};

class CustomProducer final : public Producer {
  public:
    CustomProducer(const gorgon_producer_ops& ops, void* user, Generation& owner)
        : user_(user), owner_(owner) {
        std::memcpy(&ops_, &ops, std::min<size_t>(ops.struct_size, sizeof ops_));
        // The callbacks are the plugin's code: it must stay mapped while they can be called.
        owner_.pinned_by++;
    }
    ~CustomProducer() override {
        if (ops_.release != nullptr) ops_.release(user_);
        owner_.pinned_by--;
        owner_.host().plugins().referenceDropped(owner_);
    }
    CustomProducer(const CustomProducer&) = delete;
    CustomProducer& operator=(const CustomProducer&) = delete;
    gorgon_status produce(gorgon_sink& sink, size_t want) override {
        if (ops_.produce == nullptr) return GORGON_PRODUCER_DONE;
        return ops_.produce(user_, &sink, want);
    }

  private:
    gorgon_producer_ops ops_{};
    void* user_;
    Generation& owner_;
};

}  // namespace

gorgon_status sinkWriteFile(gorgon_sink& sink, int fd, uint64_t offset, uint64_t length) {
    if (length == 0) return GORGON_OK;
    if (sink.files) {
        int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (dup < 0) return GORGON_E_IO;
        // DISABLE_MMAP: sendfile from the page cache, never a mapping of a file that may shrink.
        evbuffer_file_segment* seg = evbuffer_file_segment_new(
            dup, static_cast<ev_off_t>(offset), static_cast<ev_off_t>(length),
            EVBUF_FS_CLOSE_ON_FREE | EVBUF_FS_DISABLE_MMAP);
        if (seg == nullptr) {
            ::close(dup);
            return GORGON_E_IO;
        }
        int rc = evbuffer_add_file_segment(sink.out, seg, 0, static_cast<ev_off_t>(length));
        evbuffer_file_segment_free(seg);  // the buffer holds its own reference
        return rc == 0 ? GORGON_OK : GORGON_E_IO;
    }
    return readInto(sink.out, fd, offset, length);
}

namespace {

gorgon_status readInto(evbuffer* out, int fd, uint64_t offset, uint64_t length) {
    while (length > 0) {
        evbuffer_iovec v{};
        size_t n = static_cast<size_t>(std::min<uint64_t>(length, kReadChunk));
        if (evbuffer_reserve_space(out, static_cast<ev_ssize_t>(n), &v, 1) < 1) {
            return GORGON_E_NOMEM;
        }
        ssize_t got = ::pread(fd, v.iov_base, n, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return GORGON_E_IO;  // an error, or the file shrank under us
        v.iov_len = static_cast<size_t>(got);
        evbuffer_commit_space(out, &v, 1);
        offset += static_cast<uint64_t>(got);
        length -= static_cast<uint64_t>(got);
    }
    return GORGON_OK;
}

}  // namespace

gorgon_producer_id Producers::add(ProducerPtr p, Generation& creator) {
    p->creator = &creator;
    return table_.insert(std::move(p));
}

ProducerPtr Producers::adopt(gorgon_producer_id id) {
    Producer* p = table_.find(id);
    if (p == nullptr || p->taken) return nullptr;
    return table_.take(id);
}

void Producers::sweep(Generation& gen) {
    std::vector<uint64_t> ids;
    table_.forEachId([&](uint64_t id, const Producer& p) {
        if (p.creator == &gen && !p.taken) ids.push_back(id);
    });
    for (auto id : ids) table_.take(id);
}

ProducerPtr Producers::memory(const void* data, size_t len) {
    return std::make_unique<MemoryProducer>(data, len);
}
ProducerPtr Producers::file(int fd, uint64_t offset, uint64_t length) {
    if (length <= kSmallFile) return std::make_unique<MemoryProducer>(fd, offset, length);
    return std::make_unique<FileProducer>(fd, offset, length);
}
ProducerPtr Producers::chunked(ProducerPtr inner) {
    return std::make_unique<ChunkedProducer>(std::move(inner));
}
ProducerPtr Producers::gzip(ProducerPtr inner, int level) {
    return std::make_unique<GzipProducer>(std::move(inner), level);
}
ProducerPtr Producers::concat(std::vector<ProducerPtr> parts) {
    return std::make_unique<ConcatProducer>(std::move(parts));
}
ProducerPtr Producers::custom(const gorgon_producer_ops& ops, void* user, Generation& owner) {
    return std::make_unique<CustomProducer>(ops, user, owner);
}

}  // namespace gorgon
