// plugins.watch: the plugin directory watched with inotify. A .so whose write has completed
// (closed after writing, or renamed into place) triggers `on_change` once the directory has
// been quiet for a moment, so a copy in several steps is picked up once, whole.
#pragma once

#include "loop/event_loop.hpp"
#include "util/result.hpp"
#include "util/unique_fd.hpp"

#include <functional>
#include <memory>
#include <string>

namespace gorgon {

class PluginWatch {
  public:
    using ChangeFn = std::function<void()>;

    static Result<std::unique_ptr<PluginWatch>> open(EventLoop& loop, const std::string& directory,
                                                     ChangeFn on_change);
    PluginWatch(const PluginWatch&) = delete;
    PluginWatch& operator=(const PluginWatch&) = delete;
    ~PluginWatch();

    [[nodiscard]] const std::string& directory() const noexcept { return directory_; }

    class Key {
        friend class PluginWatch;
        Key() = default;
    };
    explicit PluginWatch(Key /*unused*/) {}

  private:
    static void onReadable(evutil_socket_t fd, short what, void* arg) noexcept;
    static void onQuiet(evutil_socket_t fd, short what, void* arg) noexcept;

    std::string directory_;
    ChangeFn on_change_;
    UniqueFd fd_;
    EventPtr read_ev_;
    EventPtr quiet_ev_;  // fires once events have stopped for kQuietMs
};

}  // namespace gorgon
