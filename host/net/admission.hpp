// Who may connect to a server: the per-address connection limit and the server's
// max_connections, checked at accept before any plugin sees the connection, and the list of
// idle connections (no request in flight, oldest first) that make room for a new client when
// the server is full, as nginx reuses its idle keep-alive connections.
//
// A connection holds its place through an AdmissionTicket, dropped when its socket closes
// (not when the plugin hears of it later), so a place freed is free for the very next accept.
#pragma once

#include "config/server_limits.hpp"
#include "loop/event_loop.hpp"
#include "net/address_prefix.hpp"

#include <gorgon/plugin.h>

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace gorgon {

class AdmissionTicket;

class Admission : public std::enable_shared_from_this<Admission> {
  public:
    enum class Verdict {
        Admit,        // room for it
        ReclaimIdle,  // the server is full: close the oldest idle connection first
        AddressFull,  // its address (prefix) holds per_address connections already
        ServerFull,   // the server is full and none of its connections is idle
    };
    struct Decision {
        Verdict verdict = Verdict::Admit;
        std::optional<AddressPrefix> key;  // unset for Unix sockets: no per-address limit
    };

    // `base` (may be null in tests) times the summaries of log lines held back.
    Admission(std::string server, const ConnectionLimits& limits, event_base* base);
    Admission(const Admission&) = delete;
    Admission& operator=(const Admission&) = delete;

    // Whether a client at `peer` may come in now. ReclaimIdle is only answered when there is a
    // candidate: oldestIdle() then names it.
    [[nodiscard]] Decision check(const sockaddr* peer) const;
    // Idle connections, oldest first, for the caller to close the first one it can (it skips
    // those with output still going out). Looks at no more than `max_scan` of them.
    template <class Fn>
    gorgon_conn_id oldestIdle(Fn&& closable, size_t max_scan = 64) const {
        for (gorgon_conn_id id : idle_) {
            if (max_scan-- == 0) break;
            if (closable(id)) return id;
        }
        return 0;
    }
    // Takes a place for the connection about to be created; it joins the idle list when it is
    // attached (a connection waiting for its first request has none in flight).
    std::unique_ptr<AdmissionTicket> admit(const Decision& d);

    // Log lines, at most one a second per kind; the count of those held back follows.
    void refused(const Decision& d, const std::string& peer, int64_t now_ms);
    void reclaimed(const std::string& peer, int64_t idle_ms, int64_t now_ms);

    [[nodiscard]] uint64_t open() const noexcept { return open_; }
    [[nodiscard]] uint64_t fromAddress(const AddressPrefix& key) const;
    [[nodiscard]] size_t idleCount() const noexcept { return idle_.size(); }
    [[nodiscard]] const ConnectionLimits& limits() const noexcept { return limits_; }
    [[nodiscard]] uint64_t refusedTotal() const noexcept { return refused_total_; }
    [[nodiscard]] uint64_t reclaimedTotal() const noexcept { return reclaimed_total_; }

  private:
    friend class AdmissionTicket;
    enum Kind { kAddress, kFull, kReclaim, kKinds };
    struct Throttle {
        int64_t last_ms = -1'000'000;
        uint64_t held = 0;  // lines not written since the last one
        EventPtr summary;   // writes the count of held lines when the second is over
    };
    // True when a line of `kind` may be written now; otherwise counts it as held back.
    bool allow(Kind kind, int64_t now_ms);
    void armSummary(Kind kind, int64_t now_ms);
    static void onSummary(evutil_socket_t, short, void* arg) noexcept;
    [[nodiscard]] std::string heldText(Kind kind);
    void release(const std::optional<AddressPrefix>& key);

    std::string server_;
    ConnectionLimits limits_;
    event_base* base_;
    uint64_t open_ = 0;
    std::unordered_map<AddressPrefix, uint64_t, AddressPrefixHash> per_address_;
    // Connections with no request in flight, in the order they became idle.
    std::list<gorgon_conn_id> idle_;
    // Set by the first conn_request_begin on this server: its protocol tells requests apart,
    // so a connection without one in flight is idle rather than busy with a session.
    bool reports_requests_ = false;
    uint64_t refused_total_ = 0;
    uint64_t reclaimed_total_ = 0;
    Throttle throttles_[kKinds];
    struct SummaryArg {
        Admission* self;
        Kind kind;
    } summary_args_[kKinds];
};

// One connection's place in its server's accounting.
class AdmissionTicket {
  public:
    AdmissionTicket(std::shared_ptr<Admission> owner, std::optional<AddressPrefix> key)
        : owner_(std::move(owner)), key_(std::move(key)) {}
    AdmissionTicket(const AdmissionTicket&) = delete;
    AdmissionTicket& operator=(const AdmissionTicket&) = delete;
    ~AdmissionTicket();

    // The connection exists: it is idle until its first request.
    void attach(gorgon_conn_id id);
    void requestBegun();
    void requestEnded();

  private:
    void unlist();

    std::shared_ptr<Admission> owner_;
    std::optional<AddressPrefix> key_;
    gorgon_conn_id id_ = 0;
    std::list<gorgon_conn_id>::iterator pos_;
    bool listed_ = false;
};

}  // namespace gorgon
