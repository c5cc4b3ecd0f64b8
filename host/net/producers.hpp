// Producers: pull-based bodies the host drains into a connection's output only as the socket
// takes data (ABI 1.1, gorgon/producer.h). The standard ones are host code; custom ones call
// back into the plugin that made them, which stays pinned while they exist.
#pragma once

#include "util/handle_table.hpp"

#include <gorgon/producer.h>

#include <event2/buffer.h>

#include <memory>
#include <vector>

// Where a producer writes. `files` is false when the bytes must be in memory (gzip input): file
// ranges are then read instead of sent with sendfile.
struct gorgon_sink {
    evbuffer* out = nullptr;
    bool files = true;
};

namespace gorgon {

class Generation;

class Producer {
  public:
    Producer() = default;
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;
    virtual ~Producer() = default;
    // Writes about `want` bytes; returns GORGON_OK, GORGON_PRODUCER_DONE, GORGON_E_AGAIN or an
    // error (see producer.h).
    virtual gorgon_status produce(gorgon_sink& sink, size_t want) = 0;

    Generation* creator = nullptr;  // freed with it if never passed on
    bool taken = false;             // passed to a constructor or to conn_send
    gorgon_conn_id queued_on = 0;   // set while queued on a connection (for wake)
};

using ProducerPtr = std::unique_ptr<Producer>;

// Writes a file range into a sink: a sendfile segment, or read into memory.
gorgon_status sinkWriteFile(gorgon_sink& sink, int fd, uint64_t offset, uint64_t length);

class Producers {
  public:
    gorgon_producer_id add(ProducerPtr p, Generation& creator);
    [[nodiscard]] Producer* find(gorgon_producer_id id) const noexcept { return table_.find(id); }
    // Removes it from the table to be owned by a composite (it must not be taken yet).
    ProducerPtr adopt(gorgon_producer_id id);
    // Frees it (its creator stopped needing it, or it finished).
    void free(gorgon_producer_id id) { table_.take(id); }
    // Frees every producer `gen` made that nobody took.
    void sweep(Generation& gen);

    static ProducerPtr memory(const void* data, size_t len);
    static ProducerPtr file(int fd, uint64_t offset, uint64_t length);  // dups fd
    static ProducerPtr chunked(ProducerPtr inner);
    static ProducerPtr gzip(ProducerPtr inner, int level);
    static ProducerPtr concat(std::vector<ProducerPtr> parts);
    static ProducerPtr custom(const gorgon_producer_ops& ops, void* user, Generation& owner);

  private:
    HandleTable<Producer> table_;
};

}  // namespace gorgon
