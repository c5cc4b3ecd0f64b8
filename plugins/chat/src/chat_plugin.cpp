#include "chat_plugin.hpp"

#include "chat_config.hpp"
#include "chat_handoff.hpp"
#include "chat_server.hpp"
#include "chat_user.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

namespace gorgon::chat {

namespace {

// The plugin itself has no settings (plugins.load.chat); every setting is per server.
Host checkPluginConfig(Host host, const Config& config) {
    if (config.present()) {
        if (config.type() != GORGON_CONFIG_MAP) {
            config.fail("expected an empty map");
        }
        static constexpr const char* kNoKeys[] = {nullptr};
        config.allowKeys(host, kNoKeys);
    }
    return host;
}

}  // namespace

ChatPlugin::ChatPlugin(Host host, const Config& config)
    : host_(checkPluginConfig(host, config)), protocol_(host, "chat", this) {
    const gorgon_host_api* api = host_.api();
    messages_ = api->stat_counter(host_.self(), "messages");
    users_joined_ = api->stat_counter(host_.self(), "users_joined");
    slow_readers_ = api->stat_counter(host_.self(), "slow_readers_disconnected");
}

ChatPlugin::~ChatPlugin() {
    // The host closes servers before shutdown; should one outlive us, it must not call back
    // into this object or into the users freed with it.
    for (ChatServer* server : servers_) {
        server->ownerGone();
    }
}

void ChatPlugin::add(gorgon_stat_id counter) const noexcept {
    if (counter != 0) {
        host_.api()->stat_add(host_.self(), counter, 1);
    }
}

void ChatPlugin::addServer(ChatServer& server) {
    servers_.push_back(&server);
}

void ChatPlugin::removeServer(const ChatServer& server) noexcept {
    std::erase(servers_, &server);
}

ChatServer* ChatPlugin::findServer(std::string_view name) const noexcept {
    // Newest first: while a server is being replaced, the new one is the one that counts.
    for (std::size_t i = servers_.size(); i > 0; --i) {
        if (servers_[i - 1]->name() == name) {
            return servers_[i - 1];
        }
    }
    return nullptr;
}

ChatUser* ChatPlugin::createUser(ChatServer& server, gorgon_conn_id conn, bool adopt,
                                 gorgon_status& status) {
    // The map slot exists before the host holds a pointer to the user, so nothing that can
    // throw runs between attach() and the user being owned.
    auto [it, inserted] = users_.try_emplace(conn);
    if (!inserted) {
        status = GORGON_E_EXISTS;
        return nullptr;
    }
    it->second = std::make_unique<ChatUser>(*this, server);
    status = it->second->attach(host_, conn, adopt);
    if (status != GORGON_OK) {
        users_.erase(it);
        return nullptr;
    }
    return it->second.get();
}

void ChatPlugin::destroyUser(gorgon_conn_id conn) noexcept {
    users_.erase(conn);
}

void ChatPlugin::drain() {
    for (auto& [conn, user] : users_) {
        user->drain();
    }
    for (ChatServer* server : servers_) {
        server->settle();
    }
}

void ChatPlugin::handoffExport(std::string& out) {
    std::vector<HandoffEntry> entries;
    for (ChatServer* server : servers_) {
        server->settle();
        server->exportUsers(entries);
    }
    out = encodeHandoff(entries);
    host_.info("handing " + std::to_string(entries.size()) + " chat users to the new generation");
}

void ChatPlugin::handoffImport(std::string_view in) {
    std::vector<HandoffEntry> entries;
    std::string error;
    if (!decodeHandoff(in, entries, error)) {
        throw std::runtime_error("malformed chat hand-off: " + error);
    }

    // Decide everything before adopting anything: a user left out stays with the old
    // generation, which serves it until it drains.
    std::vector<std::pair<ChatServer*, const HandoffEntry*>> plan;
    plan.reserve(entries.size());
    for (const HandoffEntry& e : entries) {
        ChatServer* server = findServer(e.server);
        if (server == nullptr) {
            host_.warn("chat server " + e.server + " is gone; connection " +
                       std::to_string(e.conn) + " stays with the old generation");
            continue;
        }
        if (!server->canRestore(e)) {
            host_.warn("nickname " + e.nick + " is already in use on " + e.server +
                       "; connection " + std::to_string(e.conn) + " stays with the old generation");
            continue;
        }
        plan.emplace_back(server, &e);
    }

    std::vector<ChatUser*> adopted;
    adopted.reserve(plan.size());
    for (auto [server, e] : plan) {
        gorgon_status status = GORGON_OK;
        ChatUser* user = createUser(*server, e->conn, /*adopt=*/true, status);
        if (user == nullptr) {
            host_.warn("cannot adopt chat connection " + std::to_string(e->conn) + ": status " +
                       std::to_string(status));
            continue;
        }
        user->restore(*e);
        server->restore(*user);
        adopted.push_back(user);
    }
    // Only once every user is back in its room may anyone's buffered input be acted on, or a
    // line could reach half a room.
    for (ChatUser* user : adopted) {
        user->resume();
    }
    for (ChatServer* server : servers_) {
        server->settle();
    }
    host_.info("adopted " + std::to_string(adopted.size()) + " of " +
               std::to_string(entries.size()) + " chat users");
}

}  // namespace gorgon::chat

GORGON_PLUGIN(gorgon::chat::ChatPlugin, "chat", "0.1.0",
              "Medusa's chat server: line-based rooms over TCP", GORGON_PROVIDES("protocol:chat"),
              GORGON_NONE)
