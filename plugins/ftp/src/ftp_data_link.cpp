#include "ftp_data_link.hpp"

#include <exception>
#include <memory>
#include <new>
#include <string>

namespace gorgon::ftp {

const gorgon_conn_callbacks& DataLink::callbacks() noexcept {
    static const gorgon_conn_callbacks cb = {sizeof(gorgon_conn_callbacks), &DataLink::onData,
                                             &DataLink::onDrained, &DataLink::onEvent,
                                             &DataLink::onClose};
    return cb;
}

DataLink* DataLink::adopt(Host host, gorgon_conn_id conn, DataLinkOwner* owner) {
    std::unique_ptr<DataLink> link;
    try {
        link = std::make_unique<DataLink>(host, owner);
    } catch (const std::bad_alloc&) {
        host.api()->conn_close(host.self(), conn, GORGON_CLOSE_NOW);
        return nullptr;
    }
    link->channel_ = Channel(host, conn);
    link->connected_ = true;
    if (host.api()->conn_set_callbacks(host.self(), conn, &callbacks(), link.get()) != GORGON_OK) {
        host.api()->conn_close(host.self(), conn, GORGON_CLOSE_NOW);
        return nullptr;
    }
    return link.release();  // owned by its connection: freed in onClose
}

DataLink* DataLink::connect(Host host, gorgon_conn_id related, const char* address,
                            std::uint16_t port, std::uint64_t timeout_ms, DataLinkOwner* owner,
                            gorgon_status& status) {
    std::unique_ptr<DataLink> link;
    try {
        link = std::make_unique<DataLink>(host, owner);
    } catch (const std::bad_alloc&) {
        status = GORGON_E_NOMEM;
        return nullptr;
    }
    gorgon_conn_id id = 0;
    status = host.api()->conn_connect(host.self(), related, address, port, timeout_ms, &callbacks(),
                                      link.get(), &id);
    if (status != GORGON_OK || id == 0) {
        if (status == GORGON_OK) status = GORGON_E_INTERNAL;
        return nullptr;
    }
    link->channel_ = Channel(host, id);
    return link.release();  // owned by its connection: freed in onClose
}

gorgon_status DataLink::startTls(gorgon_conn_id control) noexcept {
    const gorgon_status s = channel_.startTls(control, GORGON_TLS_REQUIRE_REUSE);
    if (s == GORGON_OK) tls_started_ = true;
    return s;
}

void DataLink::detach() noexcept {
    owner_ = nullptr;
    channel_.close(GORGON_CLOSE_NOW);
}

template <class Fn>
void DataLink::guarded(Fn&& fn) noexcept {
    if (owner_ == nullptr) return;
    try {
        fn(*owner_);
    } catch (const std::exception& e) {
        host_.error(std::string("exception on a data connection: ") + e.what());
        channel_.close(GORGON_CLOSE_NOW);
    } catch (...) {
        host_.error("unknown exception on a data connection");
        channel_.close(GORGON_CLOSE_NOW);
    }
}

void DataLink::onData(void* user, gorgon_conn_id) noexcept {
    auto* link = static_cast<DataLink*>(user);
    link->guarded([link](DataLinkOwner& o) { o.linkReadable(*link); });
}

void DataLink::onDrained(void* user, gorgon_conn_id) noexcept {
    auto* link = static_cast<DataLink*>(user);
    link->guarded([link](DataLinkOwner& o) { o.linkDrained(*link); });
}

void DataLink::onEvent(void* user, gorgon_conn_id, gorgon_conn_event event) noexcept {
    auto* link = static_cast<DataLink*>(user);
    if (event == GORGON_CONN_CONNECTED) link->connected_ = true;
    if (event == GORGON_CONN_EOF) link->eof_ = true;
    if (event == GORGON_CONN_TLS_READY) link->tls_ready_ = true;
    if (link->owner_ == nullptr) {
        link->channel_.close(GORGON_CLOSE_NOW);
        return;
    }
    if (event == GORGON_CONN_CONNECTED) {
        link->guarded([link](DataLinkOwner& o) { o.linkConnected(*link); });
    } else {
        link->guarded([link, event](DataLinkOwner& o) { o.linkEvent(*link, event); });
    }
}

void DataLink::onClose(void* user, gorgon_conn_id, gorgon_close_reason reason) noexcept {
    std::unique_ptr<DataLink> link(static_cast<DataLink*>(user));  // freed on return
    link->guarded([&link, reason](DataLinkOwner& o) { o.linkClosed(*link, reason); });
}

}  // namespace gorgon::ftp
