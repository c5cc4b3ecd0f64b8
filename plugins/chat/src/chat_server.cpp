#include "chat_server.hpp"

#include "chat_plugin.hpp"
#include "chat_text.hpp"
#include "chat_user.hpp"

#include <algorithm>

namespace gorgon::chat {

namespace {

std::string callers(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " caller" : " callers");
}

// Appends one "  LABEL" line per item while the reply stays within `budget` bytes, then says
// how many were left out. A listing the caller asked for must not cost it its connection (its
// output limit) however many users or rooms there are.
template <class Range, class Label>
void appendListing(std::string& reply, const Range& items, std::size_t budget, Label label) {
    std::size_t left = std::size(items);
    for (const auto& item : items) {
        std::string line = "  " + label(item) + "\r\n";
        if (reply.size() + line.size() > budget) {
            reply += "  ... and " + std::to_string(left) + " more\r\n";
            return;
        }
        reply += line;
        --left;
    }
}

}  // namespace

ChatServer::ChatServer(ChatPlugin& owner, Host host, const gorgon_server_info& info,
                       const Config& config)
    : owner_(&owner),
      host_(host),
      name_(info.name != nullptr ? info.name : ""),
      config_(parseChatConfig(host, config)) {
    owner.addServer(*this);
}

ChatServer::~ChatServer() {
    // Users outlive their server (the plugin owns them); tell each one the server is gone so it
    // neither calls back here nor keeps a connection this generation can no longer serve.
    const std::unordered_set<ChatUser*> users = std::move(users_);
    users_.clear();
    members_.clear();
    nicks_.clear();
    rooms_.clear();
    departures_.clear();
    for (ChatUser* user : users) {
        user->serverGone();
    }
    if (owner_ != nullptr) {
        owner_->removeServer(*this);
    }
}

void ChatServer::goodbye() {
    const std::vector<ChatUser*> users(users_.begin(), users_.end());
    for (ChatUser* user : users) {
        user->goodbye();
    }
    settle();
}

gorgon_status ChatServer::accept(gorgon_conn_id id) {
    if (owner_ == nullptr) {
        return GORGON_E_STALE;
    }
    gorgon_status status = GORGON_OK;
    ChatUser* user = owner_->createUser(*this, id, /*adopt=*/false, status);
    if (user == nullptr) {
        return status;
    }
    const bool full = members_.size() >= config_.max_users;
    admit(*user, !full);
    if (full) {
        user->refuse("Sorry, the server is full");
    } else {
        user->start();
    }
    settle();
    return GORGON_OK;
}

void ChatServer::admit(ChatUser& user, bool counted) {
    users_.insert(&user);
    if (counted) {
        members_.insert(&user);
    }
}

bool ChatServer::nickTaken(std::string_view nick, const ChatUser* self) const {
    auto it = nicks_.find(foldCase(nick));
    return it != nicks_.end() && it->second != self;
}

void ChatServer::welcome(ChatUser& user, std::string_view nick) {
    nicks_[foldCase(nick)] = &user;
    user.enterChat(nick, kLobby);
    if (owner_ != nullptr) {
        owner_->countJoin();
    }
    user.send("Hello, " + user.nick());
    if (!config_.motd.empty()) {
        std::string_view motd = config_.motd;
        while (!motd.empty()) {
            const std::size_t eol = motd.find('\n');
            user.send(sanitize(motd.substr(0, eol)));
            motd.remove_prefix(eol == std::string_view::npos ? motd.size() : eol + 1);
        }
    }
    describeRoom(user);
    addToRoom(user);
    broadcast(user.room(), user.nick() + ": [joined]\r\n", &user);
}

void ChatServer::rename(ChatUser& user, std::string_view nick) {
    const std::string old = user.nick();
    auto it = nicks_.find(foldCase(old));
    if (it != nicks_.end() && it->second == &user) {
        nicks_.erase(it);
    }
    nicks_[foldCase(nick)] = &user;
    user.setNick(nick);
    user.send("[You are now known as " + user.nick() + "]");
    broadcast(user.room(), old + " is now known as " + user.nick() + "\r\n", &user);
}

void ChatServer::moveTo(ChatUser& user, std::string_view room) {
    const std::string old = user.room();
    removeFromRoom(user);
    broadcast(old, user.nick() + ": [left]\r\n", &user);
    user.setRoom(room);
    user.send("[You are now in " + user.room() + "]");
    describeRoom(user);
    addToRoom(user);
    broadcast(user.room(), user.nick() + ": [joined]\r\n", &user);
}

void ChatServer::say(const ChatUser& user, std::string_view text) {
    std::string bytes = user.nick();
    bytes += ": ";
    bytes += sanitize(text);
    bytes += "\r\n";
    broadcast(user.room(), bytes, &user);
    if (owner_ != nullptr) {
        owner_->countMessage();
    }
}

void ChatServer::emote(const ChatUser& user, std::string_view action) {
    broadcast(user.room(), "* " + user.nick() + " " + sanitize(action) + "\r\n", nullptr);
    if (owner_ != nullptr) {
        owner_->countMessage();
    }
}

void ChatServer::who(ChatUser& user) const {
    auto it = rooms_.find(user.room());
    if (it == rooms_.end()) {
        return;
    }
    std::string reply = "[";
    reply += callers(it->second.size());
    reply += " in " + user.room() + "]\r\n";
    appendListing(reply, it->second, listingBudget(), [](const ChatUser* u) { return u->nick(); });
    user.sendRaw(reply);
}

void ChatServer::listRooms(ChatUser& user) const {
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive) about
    // "literal" + std::string&& here.
    std::string reply = "[";
    reply += std::to_string(rooms_.size());
    reply += rooms_.size() == 1 ? " room]\r\n" : " rooms]\r\n";
    appendListing(reply, rooms_, listingBudget(), [](const auto& room) {
        return room.first + " (" + callers(room.second.size()) + ")";
    });
    user.sendRaw(reply);
}

void ChatServer::describeRoom(ChatUser& user) const {
    auto it = rooms_.find(user.room());
    if (it == rooms_.end() || it->second.empty()) {
        user.send("[Kinda lonely in here... you're the only caller!]");
        return;
    }
    const std::size_t n = it->second.size();
    std::string reply = n == 1 ? std::string("[There is 1 other caller]\r\n")
                               : "[There are " + std::to_string(n) + " other callers]\r\n";
    appendListing(reply, it->second, listingBudget(), [](const ChatUser* u) { return u->nick(); });
    user.sendRaw(reply);
}

void ChatServer::broadcast(std::string_view room, std::string_view bytes,
                           const ChatUser* except) const {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) {
        return;
    }
    // sendRaw never changes rooms_: a reader found too slow is only queued for departure.
    for (ChatUser* u : it->second) {
        if (u != except && u->chatting()) {
            u->sendRaw(bytes);
        }
    }
}

void ChatServer::addToRoom(ChatUser& user) {
    rooms_[user.room()].push_back(&user);
}

void ChatServer::removeFromRoom(const ChatUser& user) noexcept {
    auto it = rooms_.find(user.room());
    if (it == rooms_.end()) {
        return;
    }
    std::erase(it->second, &user);
    if (it->second.empty()) {
        rooms_.erase(it);
    }
}

void ChatServer::releaseNick(const ChatUser& user) noexcept {
    if (user.nick().empty()) {
        return;
    }
    auto it = nicks_.find(foldCase(user.nick()));
    if (it != nicks_.end() && it->second == &user) {
        nicks_.erase(it);
    }
}

void ChatServer::depart(ChatUser& user, bool announce) {
    departures_.push_back({&user, announce});
}

void ChatServer::settle() {
    while (!departures_.empty()) {
        const Departure d = departures_.front();
        departures_.pop_front();
        ChatUser& user = *d.user;
        const bool was_in_room = rooms_.contains(user.room());
        removeFromRoom(user);
        releaseNick(user);
        if (user.state() == ChatUser::State::HandedOff) {
            // Another generation serves it now: forget it without a word to anyone.
            users_.erase(&user);
            members_.erase(&user);
            user.forgetServer();
            continue;
        }
        if (d.announce && was_in_room) {
            broadcast(user.room(), user.nick() + ": [left]\r\n", &user);
        }
    }
}

void ChatServer::detach(ChatUser& user) noexcept {
    std::erase_if(departures_, [&user](const Departure& d) { return d.user == &user; });
    if (user.state() == ChatUser::State::Chatting) {
        removeFromRoom(user);
        releaseNick(user);
    } else {
        // A departed user is already out of the registry; make sure of it without trusting
        // that its room and nick still name it.
        for (auto it = rooms_.begin(); it != rooms_.end();) {
            std::erase(it->second, &user);
            it = it->second.empty() ? rooms_.erase(it) : std::next(it);
        }
        std::erase_if(nicks_, [&user](const auto& entry) { return entry.second == &user; });
    }
    users_.erase(&user);
    members_.erase(&user);
}

void ChatServer::exportUsers(std::vector<HandoffEntry>& out) const {
    for (const auto& [room, people] : rooms_) {
        for (const ChatUser* u : people) {
            if (u->chatting()) {
                out.push_back(u->handoffEntry());
            }
        }
    }
    for (const ChatUser* u : members_) {
        if (u->state() == ChatUser::State::Prompting) {
            out.push_back(u->handoffEntry());
        }
    }
}

bool ChatServer::canRestore(const HandoffEntry& entry) const {
    return entry.state != HandoffState::Chatting || !nickTaken(entry.nick, nullptr);
}

void ChatServer::restore(ChatUser& user) {
    admit(user, true);
    if (user.chatting()) {
        nicks_[foldCase(user.nick())] = &user;
        addToRoom(user);
    }
}

}  // namespace gorgon::chat
