// One configured chat server: its settings, who is connected, who is in which room, and the
// fan-out of lines to a room. The host builds one per server and per plugin generation.
#pragma once

#include "chat_config.hpp"
#include "chat_handoff.hpp"

#include <gorgon/plugin.hpp>

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace gorgon::chat {

class ChatPlugin;
class ChatUser;

inline constexpr std::string_view kLobby = "lobby";

class ChatServer {
  public:
    ChatServer(ChatPlugin& owner, Host host, const gorgon_server_info& info, const Config& config);
    ~ChatServer();
    ChatServer(const ChatServer&) = delete;
    ChatServer& operator=(const ChatServer&) = delete;
    ChatServer(ChatServer&&) = delete;
    ChatServer& operator=(ChatServer&&) = delete;

    gorgon_status accept(gorgon_conn_id id);
    // A reload removes this server (protocol_goodbye): every user is told before the host
    // closes the connections.
    void goodbye();

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const ChatConfig& config() const noexcept { return config_; }
    // The plugin object is going away before this server: stop calling it.
    void ownerGone() noexcept { owner_ = nullptr; }

    // -- What users do. Each sends the caller its own replies and tells the room. --
    [[nodiscard]] bool nickTaken(std::string_view nick, const ChatUser* self) const;
    void welcome(ChatUser& user, std::string_view nick);
    void rename(ChatUser& user, std::string_view nick);
    void moveTo(ChatUser& user, std::string_view room);
    void say(const ChatUser& user, std::string_view text);
    void emote(const ChatUser& user, std::string_view action);
    void who(ChatUser& user) const;
    void listRooms(ChatUser& user) const;

    // -- Leaving. A departure is queued, not done at once, because it can be decided in the
    // middle of a fan-out (a reader found too slow) that is walking the very room it changes.
    // settle() does the queued ones; every entry point calls it before returning to the host.
    void depart(ChatUser& user, bool announce);
    void settle();
    // The user object is about to be freed: drop every reference to it.
    void detach(ChatUser& user) noexcept;

    // -- Hot reload --
    void exportUsers(std::vector<HandoffEntry>& out) const;
    [[nodiscard]] bool canRestore(const HandoffEntry& entry) const;
    void restore(ChatUser& user);

  private:
    void admit(ChatUser& user, bool counted);
    void describeRoom(ChatUser& user) const;
    // A quarter of the output limit; as much again may go to the motd (see chat_config.cpp),
    // which leaves half for whatever is queued already.
    [[nodiscard]] std::size_t listingBudget() const noexcept { return config_.output_limit / 4; }
    void broadcast(std::string_view room, std::string_view bytes, const ChatUser* except) const;
    void addToRoom(ChatUser& user);
    void removeFromRoom(const ChatUser& user) noexcept;
    void releaseNick(const ChatUser& user) noexcept;

    ChatPlugin* owner_;
    Host host_;
    std::string name_;
    ChatConfig config_;
    std::unordered_set<ChatUser*> users_;    // every attached user, refused ones included
    std::unordered_set<ChatUser*> members_;  // those holding one of max_users slots
    std::unordered_map<std::string, ChatUser*> nicks_;                  // by foldCase(nick)
    std::map<std::string, std::vector<ChatUser*>, std::less<>> rooms_;  // in order of arrival
    struct Departure {
        ChatUser* user;
        bool announce;
    };
    std::deque<Departure> departures_;
};

}  // namespace gorgon::chat
