// The plugin object: one per loaded generation. It registers the "chat" protocol, owns every
// user object (so none can outlive the code or the callbacks that point at it), keeps the
// counters, and moves users from one generation to the next on a hot reload.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gorgon::chat {

class ChatServer;
class ChatUser;

class ChatPlugin {
  public:
    ChatPlugin(Host host, const Config& config);
    ~ChatPlugin();
    ChatPlugin(const ChatPlugin&) = delete;
    ChatPlugin& operator=(const ChatPlugin&) = delete;
    ChatPlugin(ChatPlugin&&) = delete;
    ChatPlugin& operator=(ChatPlugin&&) = delete;

    void drain();
    void handoffExport(std::string& out);
    void handoffImport(std::string_view in);

    [[nodiscard]] Host host() const noexcept { return host_; }

    void addServer(ChatServer& server);
    void removeServer(const ChatServer& server) noexcept;
    // The newest open server called `name`, or null.
    [[nodiscard]] ChatServer* findServer(std::string_view name) const noexcept;

    // Builds a user for `conn` and binds it (adopting it from the previous generation if
    // `adopt`). Returns null, with `status` set, if the host refused.
    ChatUser* createUser(ChatServer& server, gorgon_conn_id conn, bool adopt,
                         gorgon_status& status);
    // Frees the user of `conn`. Called last thing from that user's onClose.
    void destroyUser(gorgon_conn_id conn) noexcept;

    void countMessage() const noexcept { add(messages_); }
    void countJoin() const noexcept { add(users_joined_); }
    void countSlowReader() const noexcept { add(slow_readers_); }

  private:
    void add(gorgon_stat_id counter) const noexcept;

    Host host_;
    gorgon_stat_id messages_ = 0;
    gorgon_stat_id users_joined_ = 0;
    gorgon_stat_id slow_readers_ = 0;
    // Not owned: the host owns them. Oldest first; a name can appear twice for a moment, when a
    // SIGHUP replaces a server whose settings changed (the old one is closed after the new one
    // is opened).
    std::vector<ChatServer*> servers_;
    std::unordered_map<gorgon_conn_id, std::unique_ptr<ChatUser>> users_;
    // Last, so the protocol is registered only once everything it can reach exists.
    ProtocolRegistration<ChatServer, ChatPlugin> protocol_;
};

}  // namespace gorgon::chat
