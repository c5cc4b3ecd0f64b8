#include "monitor_plugin.hpp"

#include "monitor_server.hpp"
#include "monitor_session.hpp"

#include <array>

namespace gorgon::monitor {

namespace {

// The plugin itself has no settings (plugins.load.monitor); every setting is per server.
Host checkPluginConfig(Host host, const Config& config) {
    if (config.present()) {
        if (config.type() != GORGON_CONFIG_MAP) config.fail("expected an empty map");
        static constexpr const char* kNoKeys[] = {nullptr};
        config.allowKeys(host, kNoKeys);
    }
    return host;
}

constexpr std::array<const char*, 6> kCounterNames = {
    "commands", "commands_denied", "logins_ok", "logins_failed", "lockouts", "clients_refused"};

}  // namespace

MonitorPlugin::MonitorPlugin(Host host, const Config& config)
    : host_(checkPluginConfig(host, config)), protocol_(host, "monitor", this) {
    for (const char* name : kCounterNames) {
        counters_.push_back(host_.api()->stat_counter(host_.self(), name));
    }
}

MonitorPlugin::~MonitorPlugin() {
    // The host closes servers before shutdown; should one outlive us, it must not call back.
    for (MonitorServer* server : servers_) server->ownerGone();
}

void MonitorPlugin::drain() {
    // Collected first: a session may close, and so leave the map, while being told.
    std::vector<Session*> all;
    all.reserve(sessions_.size());
    for (auto& [conn, session] : sessions_) all.push_back(session.get());
    for (Session* s : all) s->drain();
}

void MonitorPlugin::addServer(MonitorServer& server) {
    servers_.push_back(&server);
}

void MonitorPlugin::removeServer(const MonitorServer& server) noexcept {
    std::erase(servers_, &server);
}

Session* MonitorPlugin::createSession(MonitorServer& server, gorgon_conn_id conn,
                                      gorgon_status& status) {
    // The map slot exists before the host holds a pointer to the session, so nothing that can
    // throw runs between attach() and the session being owned.
    auto [it, inserted] = sessions_.try_emplace(conn);
    if (!inserted) {
        status = GORGON_E_EXISTS;
        return nullptr;
    }
    it->second = std::make_unique<Session>(*this, server);
    status = it->second->attach(host_, conn);
    if (status != GORGON_OK) {
        sessions_.erase(it);
        return nullptr;
    }
    return it->second.get();
}

void MonitorPlugin::destroySession(gorgon_conn_id conn) noexcept {
    sessions_.erase(conn);
}

void MonitorPlugin::count(Counter counter) const noexcept {
    const auto i = static_cast<std::size_t>(counter);
    if (i < counters_.size() && counters_[i] != 0) {
        host_.api()->stat_add(host_.self(), counters_[i], 1);
    }
}

}  // namespace gorgon::monitor

GORGON_PLUGIN(gorgon::monitor::MonitorPlugin, gorgon::monitor::kPluginName, "0.1.0",
              "Remote administration: status, plugin load/unload/reload, config, shutdown",
              GORGON_PROVIDES("protocol:monitor"), GORGON_NONE)
