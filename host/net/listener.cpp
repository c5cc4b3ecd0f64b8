#include "net/listener.hpp"

#include "log/logger.hpp"
#include "net/socket_options.hpp"
#include "util/unique_fd.hpp"

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon {

namespace {

std::string errnoText() {
    return std::strerror(errno);
}

// The socket's directory is made if missing (run/ under the working directory by default),
// readable by the owner and group only.
Result<void> makeParentDirectory(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) return {};
    std::string dir = path.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) return {};
    if (auto r = makeParentDirectory(dir); !r) return r;
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
        return fail("cannot create directory " + dir + ": " + errnoText());
    }
    return {};
}

Result<void> clearStaleUnixSocket(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};
    if (!S_ISSOCK(st.st_mode)) return fail(path + " exists and is not a socket");
    ::unlink(path.c_str());
    return {};
}

}  // namespace

Result<std::unique_ptr<Listener>> Listener::open(event_base* base, const ListenAddress& addr,
                                                 AcceptFn on_accept, const SocketOptions* opts) {
    const auto* sa = reinterpret_cast<const sockaddr*>(&addr.addr);
    UniqueFd fd(::socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fail(addr.text + ": socket: " + errnoText());
    int one = 1;
    if (addr.isUnix()) {
        if (auto r = makeParentDirectory(addr.unix_path); !r) return fail(r.error());
        if (auto r = clearStaleUnixSocket(addr.unix_path); !r) return fail(r.error());
    } else {
        ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        // [::]:port means IPv6 only; list 0.0.0.0:port as well for both.
        if (sa->sa_family == AF_INET6) {
            ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        }
    }
    if (::bind(fd.get(), sa, addr.len) != 0) return fail(addr.text + ": bind: " + errnoText());
    // Between bind and listen nobody can connect, so the mode is in force before the first
    // client: no window with the umask's permissions.
    if (addr.isUnix() && ::chmod(addr.unix_path.c_str(), addr.unix_mode) != 0) {
        return fail(addr.text + ": chmod: " + errnoText());
    }
    static const SocketOptions defaults;
    const SocketOptions& o = opts != nullptr ? *opts : defaults;
    for (const auto& w : applyListenOptions(fd.get(), o, !addr.isUnix())) {
        GLOG(Warn, "%s: the kernel refused %s", addr.text.c_str(), w.c_str());
    }
    if (::listen(fd.get(), o.backlog) != 0) return fail(addr.text + ": listen: " + errnoText());

    auto l = std::make_unique<Listener>(Key{});
    l->addr_ = addr;
    l->on_accept_ = std::move(on_accept);
    sockaddr_storage bound{};
    socklen_t bound_len = sizeof bound;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len) == 0 &&
        !addr.isUnix()) {
        l->bound_ = formatAddress(reinterpret_cast<sockaddr*>(&bound), bound_len);
    } else {
        l->bound_ = addr.isUnix() ? "unix:" + addr.unix_path : addr.text;
    }
    int raw = fd.release();
    // Backlog 0: libevent must not call listen() again (with -1 it does, with 128, and the
    // configured backlog is lost).
    l->listener_.reset(evconnlistener_new(base, &Listener::onAccept, l.get(),
                                          LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, raw));
    if (!l->listener_) {
        ::close(raw);
        return fail(addr.text + ": cannot watch the listening socket");
    }
    evconnlistener_set_error_cb(l->listener_.get(), &Listener::onError);
    return l;
}

Listener::~Listener() {
    listener_.reset();
    if (addr_.isUnix()) ::unlink(addr_.unix_path.c_str());
}

void Listener::pause() noexcept {
    paused_ = true;
    resume_.reset();
    if (listener_) evconnlistener_disable(listener_.get());
}

void Listener::onResume(evutil_socket_t, short, void* arg) noexcept {
    auto* self = static_cast<Listener*>(arg);
    if (!self->paused_ && self->listener_) evconnlistener_enable(self->listener_.get());
}

void Listener::onAccept(evconnlistener*, evutil_socket_t fd, sockaddr* peer, int len,
                        void* arg) noexcept {
    auto* self = static_cast<Listener*>(arg);
    try {
        self->on_accept_(fd, peer, static_cast<socklen_t>(len));
    } catch (const std::exception& e) {
        GLOG(Error, "internal error accepting on %s: %s", self->bound_.c_str(), e.what());
        ::close(fd);
    }
}

void Listener::onError(evconnlistener*, void* arg) noexcept {
    auto* self = static_cast<Listener*>(arg);
    int err = errno;
    bool out_of_descriptors = err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
    if (!out_of_descriptors) {
        GLOG(Warn, "accept on %s failed: %s", self->bound_.c_str(), std::strerror(err));
        return;
    }
    // The pending connection stays in the queue and the socket stays readable: accepting again
    // at once would spin the loop (and the log) until a descriptor frees. Pause, as nginx does.
    event_base* base = evconnlistener_get_base(self->listener_.get());
    if (!self->resume_) {
        self->resume_.reset(event_new(base, -1, 0, &Listener::onResume, self));
    }
    if (!self->resume_) return;
    evconnlistener_disable(self->listener_.get());
    timeval tv{0, static_cast<suseconds_t>(kAcceptPauseMs * 1000)};
    event_add(self->resume_.get(), &tv);
    self->failures_++;
    timeval now{};
    event_base_gettimeofday_cached(base, &now);
    int64_t now_ms = static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_usec / 1000;
    if (now_ms - self->last_failure_log_ms_ < 1000) return;
    GLOG(Warn,
         "accept on %s failed: %s; accepting paused for %d ms at a time (%llu times since the "
         "last line). Raise the open-file limit (max_open_files) or lower limits.max_connections",
         self->bound_.c_str(), std::strerror(err), kAcceptPauseMs,
         static_cast<unsigned long long>(self->failures_));
    self->failures_ = 0;
    self->last_failure_log_ms_ = now_ms;
}

}  // namespace gorgon
