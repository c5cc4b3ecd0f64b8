#include "net/admission.hpp"

#include "log/logger.hpp"

namespace gorgon {

namespace {

constexpr int64_t kLogIntervalMs = 1000;

}  // namespace

Admission::Admission(std::string server, const ConnectionLimits& limits, event_base* base)
    : server_(std::move(server)), limits_(limits), base_(base) {
    for (int k = 0; k < kKinds; ++k) summary_args_[k] = {this, static_cast<Kind>(k)};
}

Admission::Decision Admission::check(const sockaddr* peer) const {
    Decision d;
    d.key = peerPrefix(peer, limits_.ipv4_prefix, limits_.ipv6_prefix);
    if (d.key && limits_.per_address != 0 && fromAddress(*d.key) >= limits_.per_address) {
        d.verdict = Verdict::AddressFull;
    } else if (open_ >= limits_.max_connections) {
        bool can_reclaim = limits_.reclaim_idle && reports_requests_ && !idle_.empty();
        d.verdict = can_reclaim ? Verdict::ReclaimIdle : Verdict::ServerFull;
    }
    return d;
}

uint64_t Admission::fromAddress(const AddressPrefix& key) const {
    auto it = per_address_.find(key);
    return it == per_address_.end() ? 0 : it->second;
}

std::unique_ptr<AdmissionTicket> Admission::admit(const Decision& d) {
    open_++;
    if (d.key) per_address_[*d.key]++;
    return std::make_unique<AdmissionTicket>(shared_from_this(), d.key);
}

void Admission::release(const std::optional<AddressPrefix>& key) {
    open_--;
    if (!key) return;
    auto it = per_address_.find(*key);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

bool Admission::allow(Kind kind, int64_t now_ms) {
    Throttle& t = throttles_[kind];
    if (now_ms - t.last_ms >= kLogIntervalMs) {
        t.last_ms = now_ms;
        return true;
    }
    t.held++;
    armSummary(kind, now_ms);
    return false;
}

void Admission::armSummary(Kind kind, int64_t now_ms) {
    Throttle& t = throttles_[kind];
    if (base_ == nullptr) return;
    if (!t.summary)
        t.summary.reset(event_new(base_, -1, 0, &Admission::onSummary, &summary_args_[kind]));
    if (!t.summary || event_pending(t.summary.get(), EV_TIMEOUT, nullptr) != 0) return;
    int64_t left = std::max<int64_t>(1, t.last_ms + kLogIntervalMs - now_ms);
    timeval tv{static_cast<time_t>(left / 1000), static_cast<suseconds_t>((left % 1000) * 1000)};
    event_add(t.summary.get(), &tv);
}

void Admission::onSummary(evutil_socket_t, short, void* arg) noexcept {
    auto* a = static_cast<SummaryArg*>(arg);
    Throttle& t = a->self->throttles_[a->kind];
    if (t.held == 0) return;
    static constexpr const char* kWhat[kKinds] = {"refused over limits.per_address",
                                                  "refused at limits.max_connections",
                                                  "idle connections closed to make room"};
    GLOG(Warn, "server %s: %llu more %s in the last second (not logged one by one)",
         a->self->server_.c_str(), static_cast<unsigned long long>(t.held), kWhat[a->kind]);
    t.held = 0;
    t.last_ms = -1'000'000;  // the next one is news again
}

std::string Admission::heldText(Kind kind) {
    Throttle& t = throttles_[kind];
    if (t.held == 0) return {};
    std::string s = " (" + std::to_string(t.held) + " more before this one not logged)";
    t.held = 0;
    return s;
}

void Admission::refused(const Decision& d, const std::string& peer, int64_t now_ms) {
    refused_total_++;
    if (d.verdict == Verdict::AddressFull) {
        if (!allow(kAddress, now_ms)) return;
        std::string held = heldText(kAddress);
        GLOG(Warn,
             "server %s: connection from %s refused: %s already holds %llu connections "
             "(limits.per_address)%s",
             server_.c_str(), peer.c_str(), d.key ? d.key->text().c_str() : "?",
             static_cast<unsigned long long>(limits_.per_address), held.c_str());
        return;
    }
    if (!allow(kFull, now_ms)) return;
    std::string held = heldText(kFull);
    GLOG(Warn,
         "server %s: connection from %s refused: %llu connections open (limits.max_connections) "
         "and none idle to close%s",
         server_.c_str(), peer.c_str(), static_cast<unsigned long long>(open_), held.c_str());
}

void Admission::reclaimed(const std::string& peer, int64_t idle_ms, int64_t now_ms) {
    reclaimed_total_++;
    if (!allow(kReclaim, now_ms)) return;
    std::string held = heldText(kReclaim);
    GLOG(Info,
         "server %s: at limits.max_connections (%llu): closed the idle connection from %s "
         "(idle %lld ms) to make room for a new client%s",
         server_.c_str(), static_cast<unsigned long long>(limits_.max_connections), peer.c_str(),
         static_cast<long long>(idle_ms), held.c_str());
}

AdmissionTicket::~AdmissionTicket() {
    unlist();
    owner_->release(key_);
}

void AdmissionTicket::attach(gorgon_conn_id id) {
    id_ = id;
    requestEnded();
}

void AdmissionTicket::unlist() {
    if (!listed_) return;
    owner_->idle_.erase(pos_);
    listed_ = false;
}

void AdmissionTicket::requestBegun() {
    owner_->reports_requests_ = true;
    unlist();
}

void AdmissionTicket::requestEnded() {
    unlist();
    if (id_ == 0) return;
    pos_ = owner_->idle_.insert(owner_->idle_.end(), id_);
    listed_ = true;
}

}  // namespace gorgon
