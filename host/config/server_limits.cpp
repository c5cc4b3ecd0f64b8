#include "config/server_limits.hpp"

namespace gorgon {

namespace {

// Socket buffers: the kernel doubles what is asked and caps it at net.core.{r,w}mem_max (as
// root, SO_*BUFFORCE is not used: the operator's sysctl stays the ceiling).
constexpr uint64_t kMinBuffer = 1024;
constexpr uint64_t kMaxBuffer = 1ULL << 30;
// The host reads at most this much per readiness event; at least one TLS record.
constexpr uint64_t kMinReadBuffer = 1024;
constexpr uint64_t kMaxReadBuffer = 16ULL << 20;

template <class T>
bool take(Result<T> r, T& out, std::vector<std::string>& errors) {
    if (!r) {
        errors.push_back(r.error());
        return false;
    }
    out = std::move(r.value());
    return true;
}

bool isMap(const ConfigNode& node, std::vector<std::string>& errors) {
    if (node.isMap()) return true;
    errors.push_back(node.error("expected a map").message);
    return false;
}

void readSize(const ConfigNode* node, uint64_t min, uint64_t max, std::optional<uint32_t>& out,
              std::vector<std::string>& errors) {
    uint64_t v = 0;
    if (node == nullptr || !take(node->asSizeBytes(), v, errors)) return;
    if (v < min || v > max) {
        errors.push_back(node->error("must be between " + std::to_string(min) + " and " +
                                     std::to_string(max) + " bytes")
                             .message);
        return;
    }
    out = static_cast<uint32_t>(v);
}

void readBuffers(const ConfigNode& node, SocketBuffers& out, std::vector<std::string>& errors) {
    readSize(node.get("rcvbuf"), kMinBuffer, kMaxBuffer, out.rcvbuf, errors);
    readSize(node.get("sndbuf"), kMinBuffer, kMaxBuffer, out.sndbuf, errors);
    readSize(node.get("read_buffer"), kMinReadBuffer, kMaxReadBuffer, out.read_buffer, errors);
}

// Whole seconds, as the socket options take them; a duration below one second is refused.
bool readSeconds(const ConfigNode& node, uint32_t max_s, uint32_t& out,
                 std::vector<std::string>& errors) {
    uint64_t ms = 0;
    if (!take(node.asDurationMs(), ms, errors)) return false;
    if (ms % 1000 != 0 || ms / 1000 > max_s) {
        errors.push_back(
            node.error("expected whole seconds up to " + std::to_string(max_s) + "s").message);
        return false;
    }
    out = static_cast<uint32_t>(ms / 1000);
    return true;
}

void readKeepalive(const ConfigNode& node, SocketOptions& out, std::vector<std::string>& errors) {
    if (node.isScalar()) {
        bool on = false;
        if (!take(node.asBool(), on, errors)) return;
        // `true`: probes with the kernel's settings (net.ipv4.tcp_keepalive_*).
        out.keepalive = on ? std::optional<TcpKeepalive>(TcpKeepalive{}) : std::nullopt;
        return;
    }
    if (!isMap(node, errors)) return;
    for (auto& e : node.unknownKeys({"idle", "interval", "count"})) errors.push_back(e);
    TcpKeepalive k;
    // Limits of the kernel: TCP_KEEPIDLE/TCP_KEEPINTVL up to 32767 s, TCP_KEEPCNT up to 127.
    if (const auto* n = node.get("idle");
        n != nullptr && readSeconds(*n, 32767, k.idle_s, errors)) {
        if (k.idle_s == 0) errors.push_back(n->error("must be at least 1s").message);
    }
    if (const auto* n = node.get("interval");
        n != nullptr && readSeconds(*n, 32767, k.interval_s, errors)) {
        if (k.interval_s == 0) errors.push_back(n->error("must be at least 1s").message);
    }
    if (const auto* n = node.get("count")) {
        int64_t v = 0;
        if (take(n->asInt(1, 127), v, errors)) k.count = static_cast<uint32_t>(v);
    }
    out.keepalive = k;
}

void readByAddress(const ConfigNode& node, SocketOptions& out, std::vector<std::string>& errors) {
    if (!node.isSequence()) {
        errors.push_back(
            node.error("expected a list of {prefix, rcvbuf, sndbuf, read_buffer}").message);
        return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
        const ConfigNode& item = *node.at(i);
        if (!isMap(item, errors)) continue;
        for (auto& e : item.unknownKeys({"prefix", "rcvbuf", "sndbuf", "read_buffer"})) {
            errors.push_back(e);
        }
        PrefixBuffers pb;
        const auto* prefix = item.get("prefix");
        std::string text;
        if (prefix == nullptr) {
            errors.push_back(item.error("an entry needs a prefix, such as 10.0.0.0/8").message);
        } else if (take(prefix->asString(), text, errors)) {
            if (auto p = parseAddressPrefix(text); p) {
                pb.prefix = p.value();
            } else {
                errors.push_back(prefix->error(p.error()).message);
            }
        }
        readBuffers(item, pb.buffers, errors);
        out.by_address.push_back(pb);
    }
}

}  // namespace

SocketBuffers SocketOptions::buffersFor(const sockaddr* peer) const {
    SocketBuffers b = buffers;
    if (by_address.empty()) return b;
    auto addr = peerPrefix(peer, 32, 128);
    if (!addr) return b;
    for (const auto& pb : by_address) {
        if (!pb.prefix.contains(*addr)) continue;
        if (pb.buffers.rcvbuf) b.rcvbuf = pb.buffers.rcvbuf;
        if (pb.buffers.sndbuf) b.sndbuf = pb.buffers.sndbuf;
        if (pb.buffers.read_buffer) b.read_buffer = pb.buffers.read_buffer;
        break;
    }
    return b;
}

void readConnectionLimits(const ConfigNode& node, ConnectionLimits& out,
                          std::vector<std::string>& errors) {
    if (!isMap(node, errors)) return;
    for (auto& e : node.unknownKeys(
             {"max_connections", "per_address", "ipv4_prefix", "ipv6_prefix", "reclaim_idle"})) {
        errors.push_back(e);
    }
    int64_t v = 0;
    if (const auto* n = node.get("max_connections");
        n && take(n->asInt(1, 10'000'000), v, errors)) {
        out.max_connections = static_cast<uint64_t>(v);
    }
    if (const auto* n = node.get("per_address"); n && take(n->asInt(0, 10'000'000), v, errors)) {
        out.per_address = static_cast<uint64_t>(v);
    }
    if (const auto* n = node.get("ipv4_prefix"); n && take(n->asInt(1, 32), v, errors)) {
        out.ipv4_prefix = static_cast<unsigned>(v);
    }
    if (const auto* n = node.get("ipv6_prefix"); n && take(n->asInt(1, 128), v, errors)) {
        out.ipv6_prefix = static_cast<unsigned>(v);
    }
    if (const auto* n = node.get("reclaim_idle")) take(n->asBool(), out.reclaim_idle, errors);
}

void readSocketOptions(const ConfigNode& node, SocketOptions& out,
                       std::vector<std::string>& errors) {
    if (!isMap(node, errors)) return;
    for (auto& e : node.unknownKeys({"backlog", "rcvbuf", "sndbuf", "read_buffer", "keepalive",
                                     "defer_accept", "by_address"})) {
        errors.push_back(e);
    }
    int64_t v = 0;
    // The kernel caps it at net.core.somaxconn (4096 by default since Linux 5.4).
    if (const auto* n = node.get("backlog"); n && take(n->asInt(1, 65535), v, errors)) {
        out.backlog = static_cast<int>(v);
    }
    readBuffers(node, out.buffers, errors);
    if (const auto* n = node.get("keepalive")) readKeepalive(*n, out, errors);
    if (const auto* n = node.get("defer_accept")) {
        bool off = false;
        if (n->isScalar() && (n->scalar() == "false" || n->scalar() == "off")) {
            off = true;
        }
        if (!off) readSeconds(*n, 3600, out.defer_accept_s, errors);
    }
    if (const auto* n = node.get("by_address")) readByAddress(*n, out, errors);
}

}  // namespace gorgon
