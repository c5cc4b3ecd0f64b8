#include "plugin/plugin_watch.hpp"

#include "log/logger.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <sys/inotify.h>
#include <unistd.h>

namespace gorgon {

namespace {

// Long enough to coalesce `cp` + `mv`, or a package manager's burst; short enough to feel
// immediate to an operator.
constexpr timeval kQuiet{0, 250'000};

bool interesting(std::string_view name) {
    // Editors' and installers' temporary files (".foo.so.swp", "foo.so.tmp") are not plugins.
    return name.size() > 3 && name.ends_with(".so") && name.front() != '.';
}

}  // namespace

Result<std::unique_ptr<PluginWatch>> PluginWatch::open(EventLoop& loop,
                                                       const std::string& directory,
                                                       ChangeFn on_change) {
    auto w = std::make_unique<PluginWatch>(Key{});
    w->directory_ = directory;
    w->on_change_ = std::move(on_change);
    w->fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!w->fd_.valid()) return fail(std::string("inotify: ") + std::strerror(errno));
    // Only completed writes: IN_CLOSE_WRITE (copied in place) and IN_MOVED_TO (renamed in).
    if (::inotify_add_watch(w->fd_.get(), directory.c_str(),
                            IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
        return fail("cannot watch " + directory + ": " + std::strerror(errno));
    }
    w->read_ev_.reset(event_new(loop.base(), w->fd_.get(), EV_READ | EV_PERSIST,
                                &PluginWatch::onReadable, w.get()));
    w->quiet_ev_.reset(event_new(loop.base(), -1, 0, &PluginWatch::onQuiet, w.get()));
    if (!w->read_ev_ || !w->quiet_ev_ || event_add(w->read_ev_.get(), nullptr) != 0) {
        return fail("cannot watch " + directory + ": no event");
    }
    GLOG(Info, "watching %s for plugins", directory.c_str());
    return w;
}

PluginWatch::~PluginWatch() {
    quiet_ev_.reset();
    read_ev_.reset();
}

void PluginWatch::onReadable(evutil_socket_t fd, short, void* arg) noexcept {
    auto* self = static_cast<PluginWatch*>(arg);
    alignas(inotify_event) std::array<char, 8192> buf{};
    bool relevant = false;
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n <= 0) break;
        for (size_t off = 0; off + sizeof(inotify_event) <= static_cast<size_t>(n);) {
            inotify_event ev{};
            std::memcpy(&ev, buf.data() + off, sizeof ev);
            std::string_view name(buf.data() + off + sizeof ev, ev.len);
            name = name.substr(0, name.find('\0'));
            const char* what = (ev.mask & IN_MOVED_TO) != 0 ? "moved in" : "written";
            if ((ev.mask & IN_Q_OVERFLOW) != 0 || interesting(name)) {
                relevant = true;
                GLOG(Debug, "plugin directory: %.*s %s", static_cast<int>(name.size()), name.data(),
                     what);
            } else if (!name.empty()) {
                // Said, so that a test (or an operator) can tell "seen and ignored" from "not
                // seen yet": events are read in order, so this line also proves that every
                // earlier event has been read.
                GLOG(Debug, "plugin directory: %.*s %s, ignored: not a plugin file name",
                     static_cast<int>(name.size()), name.data(), what);
            }
            off += sizeof ev + ev.len;
        }
    }
    // Restart the quiet period on every relevant event.
    if (relevant) event_add(self->quiet_ev_.get(), &kQuiet);
}

void PluginWatch::onQuiet(evutil_socket_t, short, void* arg) noexcept {
    auto* self = static_cast<PluginWatch*>(arg);
    try {
        self->on_change_();
    } catch (const std::exception& e) {
        GLOG(Error, "plugin directory change: %s", e.what());
    }
}

}  // namespace gorgon
