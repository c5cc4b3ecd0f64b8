// libFuzzer target for every plugin's configuration: YAML text becomes the host's ConfigNode tree
// (the real loader), and each top-level key hands its subtree to that plugin's real parser, the
// way the host hands it over: http (server config), http-static (route config), ftp, monitor,
// chat, and fs-os through its real init hook. Each parser runs inside the SDK's exception
// barrier, as in the plugin. Invariants:
//
//   - a parser either succeeds or throws ConfigError: anything else would reach the operator as
//     an unlocated message (GORGON_E_INTERNAL);
//   - a refusal always says something;
//   - what a parser accepts lies inside the bounds its README documents.
#include "chat_config.hpp"
#include "config/config_node.hpp"
#include "ftp_config.hpp"
#include "fuzz_check.hpp"
#include "fuzz_config_api.hpp"
#include "http_config.hpp"
#include "http_vhost.hpp"
#include "monitor_config.hpp"
#include "static_config.hpp"

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using gorgon::Config;
using gorgon::ConfigNode;
using gorgon::Host;
using gorgon::fuzz::Reported;

namespace {

constexpr std::uint64_t kDay = std::uint64_t{24} * 3600 * 1000;

// Runs `parse` as the plugin does (inside the SDK's barrier) and checks how it ended.
template <class Fn>
bool run(Reported& reported, Fn&& parse) {
    const gorgon_host_api* api = gorgon::fuzz::configApi();
    const gorgon_status s = gorgon::detail::barrier(api, gorgon::fuzz::reporter(reported), [&] {
        parse();
        return GORGON_OK;
    });
    GORGON_FUZZ_CHECK(s == GORGON_OK || s == GORGON_E_INVAL);
    if (s != GORGON_OK) GORGON_FUZZ_CHECK(reported.count > 0 && !reported.errors.empty());
    return s == GORGON_OK;
}

void fuzzHttp(const ConfigNode* node) {
    Reported r;
    const gorgon_host_api* api = gorgon::fuzz::configApi();
    gorgon::http::ServerConfig c;
    if (!run(r, [&] {
            c = gorgon::http::parseServerConfig(Host(api, gorgon::fuzz::reporter(r)),
                                                Config(api, node));
        })) {
        return;
    }
    GORGON_FUZZ_CHECK(c.limits.request_line >= 64 && c.limits.request_line <= 1024 * 1024);
    GORGON_FUZZ_CHECK(c.limits.header_size >= 256 && c.limits.header_size <= 4 * 1024 * 1024);
    GORGON_FUZZ_CHECK(c.limits.header_count >= 1 && c.limits.header_count <= 10'000);
    GORGON_FUZZ_CHECK(c.header_timeout_ms >= 1 && c.header_timeout_ms <= kDay);
    GORGON_FUZZ_CHECK(c.keepalive_timeout_ms <= kDay);
    GORGON_FUZZ_CHECK(c.server_header.size() <= 256);
    for (char ch : c.server_header) GORGON_FUZZ_CHECK(ch >= 0x20 && ch <= 0x7e);
    for (const auto& route : c.routes) {
        GORGON_FUZZ_CHECK(!route.extension.empty() && route.node != nullptr);
    }
    if (c.hsts.enabled) GORGON_FUZZ_CHECK(!c.hsts_value.empty());
    // Virtual hosts: canonical names, each once over all of them, one default set at most.
    gorgon::http::VirtualHostTable names;
    std::size_t defaults = c.routes_present ? 1 : 0;
    for (std::size_t i = 0; i < c.virtual_hosts.size(); ++i) {
        const auto& vh = c.virtual_hosts[i];
        GORGON_FUZZ_CHECK(vh.is_default || !vh.names.empty());
        if (vh.is_default) ++defaults;
        for (const std::string& n : vh.names) {
            GORGON_FUZZ_CHECK(gorgon::http::canonicalHostName(n) == n);
            GORGON_FUZZ_CHECK(names.add(n, i) == gorgon::http::VirtualHostTable::kNone);
        }
    }
    GORGON_FUZZ_CHECK(defaults <= 1 || c.virtual_hosts.empty());
}

void fuzzStatic(const ConfigNode* node) {
    Reported r;
    const gorgon_host_api* api = gorgon::fuzz::configApi();
    gorgon::httpstatic::RouteConfig c;
    if (!run(r, [&] { c = gorgon::httpstatic::parseRouteConfig(Config(api, node)); })) {
        return;
    }
    GORGON_FUZZ_CHECK(!c.root.empty() && c.root_node != nullptr);
    GORGON_FUZZ_CHECK(!c.prefix.empty() && c.prefix.front() == '/');
    GORGON_FUZZ_CHECK(c.gzip_level >= 1 && c.gzip_level <= 9);
    for (const auto& name : c.index) {
        GORGON_FUZZ_CHECK(!name.empty() && name.find('/') == std::string::npos);
    }
    GORGON_FUZZ_CHECK(c.max_listing_entries >= 1 && c.max_listing_entries <= 1'000'000);
}

// "0644" or "0o644" (what YAML 1.2 calls an octal integer): octal digits, at most one prefix.
bool octalMode(std::string_view s) {
    if (s.starts_with("0o")) s.remove_prefix(2);
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '7') return false;
    }
    return true;
}

void fuzzFtp(const ConfigNode* node) {
    Reported r;
    const gorgon_host_api* api = gorgon::fuzz::configApi();
    gorgon::ftp::FtpConfig c;
    if (!run(r, [&] {
            c = gorgon::ftp::parseFtpConfig(Host(api, gorgon::fuzz::reporter(r)),
                                            Config(api, node));
        })) {
        return;
    }
    GORGON_FUZZ_CHECK(c.anonymous.enabled || c.virtual_users.enabled || c.real_users.enabled);
    GORGON_FUZZ_CHECK(c.passive || c.active);
    GORGON_FUZZ_CHECK(c.passive_min <= c.passive_max);
    GORGON_FUZZ_CHECK(c.passive_min == 0 || c.passive_min >= 1024);
    GORGON_FUZZ_CHECK(c.file_mode <= 0777 && c.dir_mode <= 0777);
    for (const char* key : {"file_mode", "dir_mode"}) {
        if (const ConfigNode* mode = node->get(key); mode != nullptr && mode->isScalar()) {
            GORGON_FUZZ_CHECK(octalMode(mode->scalar()));
        }
    }
    GORGON_FUZZ_CHECK(!c.banner.empty() && c.banner.size() <= 200);
    GORGON_FUZZ_CHECK(c.data_timeout_ms > 0 && c.connect_timeout_ms > 0 && c.write_timeout_ms > 0);
    GORGON_FUZZ_CHECK(c.max_login_attempts >= 1 && c.max_login_attempts <= 100);
    GORGON_FUZZ_CHECK(c.login_failure_delay_ms <= 60'000);
    if (c.anonymous.enabled) GORGON_FUZZ_CHECK(!c.anonymous.root.empty());
    if (!c.anonymous.upload_dir.empty()) {
        GORGON_FUZZ_CHECK(c.anonymous.upload_dir.front() == '/' && c.anonymous.upload_dir != "/");
    }
}

void fuzzMonitor(const ConfigNode* node) {
    Reported r;
    const gorgon_host_api* api = gorgon::fuzz::configApi();
    gorgon::monitor::MonitorConfig c;
    if (!run(r, [&] {
            c = gorgon::monitor::parseMonitorConfig(Host(api, gorgon::fuzz::reporter(r)),
                                                    Config(api, node));
        })) {
        return;
    }
    GORGON_FUZZ_CHECK(c.max_clients >= 1 && c.max_clients <= 1024);
    GORGON_FUZZ_CHECK(c.max_line >= 256 && c.max_line <= 65536);
    GORGON_FUZZ_CHECK(c.max_args >= 2 && c.max_args <= 256);
    GORGON_FUZZ_CHECK(c.idle_timeout_ms > 0 && c.login_timeout_ms > 0 && c.write_timeout_ms > 0);
    GORGON_FUZZ_CHECK(c.lockout.delay_ms <= 30'000);
    GORGON_FUZZ_CHECK(c.output_limit >= 64 * 1024);
}

void fuzzChat(const ConfigNode* node) {
    Reported r;
    const gorgon_host_api* api = gorgon::fuzz::configApi();
    gorgon::chat::ChatConfig c;
    if (!run(r, [&] {
            c = gorgon::chat::parseChatConfig(Host(api, gorgon::fuzz::reporter(r)),
                                              Config(api, node));
        })) {
        return;
    }
    GORGON_FUZZ_CHECK(c.max_users >= 1 && c.max_users <= 1'000'000);
    GORGON_FUZZ_CHECK(c.max_line >= 64 && c.max_line <= 1024 * 1024);
    GORGON_FUZZ_CHECK(c.output_limit >= 2 * c.max_line);
    GORGON_FUZZ_CHECK(c.motd.size() <= c.output_limit / 4);
    GORGON_FUZZ_CHECK(c.write_timeout_ms > 0);
}

// fs-os has nothing to configure: only an empty map (or nothing) may pass its real init hook.
void fuzzFsOs(const ConfigNode* node) {
    Reported r;
    const gorgon_plugin_descriptor* d = gorgon_plugin_entry();
    void* state = nullptr;
    const gorgon_status s =
        d->init(gorgon::fuzz::configApi(), gorgon::fuzz::reporter(r), node, &state);
    const bool empty = node->isNull() || (node->isMap() && node->size() == 0);
    GORGON_FUZZ_CHECK((s == GORGON_OK) == empty);
    if (s == GORGON_OK) {
        d->shutdown(state);
    } else {
        GORGON_FUZZ_CHECK(s == GORGON_E_INVAL && r.count > 0);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto root = ConfigNode::loadText(text, "fuzz.yaml");
    if (!root || !root.value()->isMap()) return 0;
    const ConfigNode& doc = *root.value();
    // The top-level key names the plugin whose parser gets the subtree.
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const std::string& key = *doc.keyAt(i);
        const ConfigNode* node = doc.at(i);
        if (key == "http") {
            fuzzHttp(node);
        } else if (key == "http-static") {
            fuzzStatic(node);
        } else if (key == "ftp") {
            fuzzFtp(node);
        } else if (key == "monitor") {
            fuzzMonitor(node);
        } else if (key == "chat") {
            fuzzChat(node);
        } else if (key == "fs-os") {
            fuzzFsOs(node);
        }
    }
    return 0;
}
