#include "auth_route.hpp"

#include "auth_basic.hpp"
#include "auth_passwd.hpp"

#include <cstddef>
#include <stdexcept>
#include <utility>

#include <string.h>

namespace gorgon::httpauth {

namespace {

using http::Deferred;
using http::Request;
using http::Result;

// The address part of a peer "1.2.3.4:5", "[::1]:5" or "unix:/path" (kept whole).
std::string addressOf(std::string_view peer) {
    if (peer.starts_with('[')) return std::string(peer.substr(1, peer.find(']') - 1));
    const std::size_t colon = peer.rfind(':');
    if (peer.starts_with("unix:") || colon == std::string_view::npos) return std::string(peer);
    return std::string(peer.substr(0, colon));
}

// A client-chosen name made safe for one log line: at most 64 bytes, controls as '?'.
std::string printable(std::string_view name) {
    std::string out;
    for (const char c : name.substr(0, 64)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
    if (name.size() > 64) out += "...";
    return out;
}

// Wipes a string holding a password when it goes out of scope.
struct Scrub {
    std::string& s;
    ~Scrub() { explicit_bzero(s.data(), s.size()); }
};

std::string checkedRealm(const Config& node) {
    std::string realm = node.string("Restricted");
    if (realm.empty() || realm.size() > 256) node.fail("must be 1 to 256 characters");
    for (const char c : realm) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) node.fail("must not hold control characters");
    }
    return realm;
}

std::string checkedPrefix(const Config& node) {
    std::string prefix = node.string("/");
    if (!prefix.starts_with('/')) node.fail("must start with '/'");
    while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
    return prefix;
}

}  // namespace

// What a check captures: the pool thread reads the inputs and writes `ok`; the loop reads it
// after the work is done (the host orders the two).
struct AuthRoute::Check {
    std::string password;  // wiped by the pool thread when done
    std::string hash;      // the user's, or the decoy
    bool known = false;    // the user exists and is enabled
    bool ok = false;
    // For the completion on the loop.
    Deferred later;
    AuthRoute* route = nullptr;  // valid while `later` is true
    std::shared_ptr<PasswordFile> file;
    std::uint64_t version = 0;
    Digest key{};
    bool keyed = false;  // `key` is a digest: the success may be cached
    std::string user;
    std::string address;
    std::string label;
};

AuthRoute::AuthRoute(AuthShared& shared, http::Env env, Config config)
    : shared_(shared), host_(env.host()) {
    static const char* const keys[] = {"prefix", "realm", "file", "allow_plaintext", nullptr};
    if (config.type() != GORGON_CONFIG_MAP) config.fail("expected a map with at least `file`");
    config.allowKeys(host_, keys);
    const gorgon_http_api* api = env.api();
    if (!GORGON_HTTP_HAS(api, decline) || !GORGON_HTTP_HAS(api, set_user) ||
        !GORGON_HTTP_HAS(api, secure)) {
        config.fail("http-auth needs an http plugin with ABI 1.4 (decline, set_user, secure)");
    }
    prefix_ = checkedPrefix(config["prefix"]);
    realm_ = checkedRealm(config["realm"]);
    challenge_ = httpauth::challenge(realm_);
    allow_plaintext_ = config["allow_plaintext"].boolean(false);
    const Config file = config["file"];
    if (!file.present()) config.fail("`file` (the password file) is required");
    try {
        file_ = shared_.file(file.string());
    } catch (const std::runtime_error& e) {
        file.fail(e.what());
    }
    label_ = prefix_ + " (realm " + quoted(realm_) + ")";
}

AuthRoute::~AuthRoute() {
    for (auto& [slot, owned] : delayed_) host_.api()->timer_cancel(host_.self(), owned->timer);
}

Result AuthRoute::challenge(Request& req) {
    return req.error(401, {{"WWW-Authenticate", challenge_}});
}

bool AuthRoute::digest(std::string_view user, std::string_view password, Digest& out) const {
    // Realm, user and password, each preceded by its length: no two triples share a key.
    std::string material;
    for (const std::string_view part : {std::string_view(realm_), user, password}) {
        material += std::to_string(part.size());
        material.push_back(':');
        material.append(part);
    }
    const bool ok = host_.api()->sha256(host_.self(), material.data(), material.size(),
                                        out.data()) == GORGON_OK;
    explicit_bzero(material.data(), material.size());
    return ok;
}

Result AuthRoute::handle(Request& req) {
    if (!allow_plaintext_ && !req.secure()) {
        // Basic credentials over plaintext are readable by anyone on the path.
        return req.error(403);
    }
    std::string user;
    std::string password;
    Scrub scrub{password};
    switch (parseBasic(req.header("Authorization"), user, password)) {
        case Credentials::none:
        case Credentials::other:
            return challenge(req);
        case Credentials::malformed:
            return req.error(400);
        case Credentials::basic:
            break;
    }
    const std::string address = addressOf(req.peer());
    const std::int64_t now = shared_.now();
    if (const std::int64_t left = shared_.failures().lockedFor(address, now); left > 0) {
        const std::string seconds = std::to_string((left + 999) / 1000);
        return req.error(429, {{"Retry-After", seconds}});
    }
    return check(req, user, password, address);
}

Result AuthRoute::check(Request& req, const std::string& user, const std::string& password,
                        const std::string& address) {
    const std::int64_t now = shared_.now();
    const std::shared_ptr<const PasswordTable> table = file_->table(now);
    Digest key{};
    // Without a digest (the host could not hash), no cache: every request is checked.
    const bool keyed = digest(user, password, key);
    if (keyed && file_->cache().hit(key, now)) {
        if (req.setUser(user) != GORGON_OK) return req.error(500);
        return Result::decline;
    }
    if (shared_.pending >= shared_.policy().max_checks) {
        return req.error(503, {{"Retry-After", "1"}});
    }
    auto c = std::make_shared<Check>();
    c->password = password;
    const auto found = table->users.find(user);
    c->known = found != table->users.end() && !methodOf(found->second).empty();
    c->hash = c->known ? found->second : table->decoy;
    c->route = this;
    c->file = file_;
    c->version = file_->version();
    c->key = key;
    c->keyed = keyed;
    c->user = user;
    c->address = address;
    c->label = label_;
    c->later = req.defer();
    AuthShared* shared = &shared_;
    const gorgon_status s = host_.submitWork(
        [c] {
            // An unknown or disabled user costs the same hash, and always fails.
            c->ok = checkPassword(c->password, c->hash) && c->known;
            explicit_bzero(c->password.data(), c->password.size());
        },
        [shared, c](gorgon_status status) { completed(*shared, c, status); });
    if (s != GORGON_OK) {
        explicit_bzero(c->password.data(), c->password.size());
        return req.error(503, {{"Retry-After", "1"}});
    }
    ++shared_.pending;
    return Result::later;
}

void AuthRoute::completed(AuthShared& shared, const std::shared_ptr<Check>& c,
                          gorgon_status status) {
    --shared.pending;
    Deferred later = c->later;
    if (status != GORGON_OK) {
        // Cancelled (the plugin is going away) or failed: no verdict either way.
        explicit_bzero(c->password.data(), c->password.size());
        if (later) (void)later->error(503, {{"Retry-After", "1"}});
        return;
    }
    const std::int64_t now = shared.now();
    if (c->ok) {
        shared.failures().succeeded(c->address);
        // Not cached if the file changed while the check ran: it was checked against the old.
        if (c->keyed && c->file->version() == c->version) c->file->cache().insert(c->key, now);
        if (!later) return;
        if (later->setUser(c->user) != GORGON_OK || later.decline() != GORGON_OK) {
            if (later) (void)later->error(500);
        }
        return;
    }
    const bool locked = shared.failures().failed(c->address, now);
    shared.host().warn("authentication failed from " + c->address + " for user \"" +
                       printable(c->user) + "\"" + (c->known ? "" : " (no such user)") +
                       " on route " + c->label +
                       (locked ? "; too many failures: the address is locked out" : ""));
    if (later) c->route->refuse(later);
}

void AuthRoute::refuse(Deferred later) {
    const std::int64_t delay = shared_.policy().failure_delay_ms;
    if (delay > 0) {
        auto slot = std::make_unique<Delayed>(Delayed{this, later, 0});
        slot->timer = host_.api()->timer_start(host_.self(), static_cast<std::uint64_t>(delay),
                                               GORGON_TIMER_ONCE, &fireDelayed, slot.get());
        if (slot->timer != 0) {
            Delayed* key = slot.get();
            delayed_.emplace(key, std::move(slot));
            return;
        }
    }
    (void)challenge(later.request());
}

void AuthRoute::fireDelayed(void* user, gorgon_timer_id /*timer*/) noexcept {
    auto* slot = static_cast<Delayed*>(user);
    AuthRoute* route = slot->route;
    const auto it = route->delayed_.find(slot);
    if (it == route->delayed_.end()) return;
    const std::unique_ptr<Delayed> owned = std::move(it->second);
    route->delayed_.erase(it);
    if (!owned->later) return;  // the client went away meanwhile
    try {
        (void)route->challenge(owned->later.request());
    } catch (...) {
        route->host_.error("exception answering a delayed 401");
    }
}

}  // namespace gorgon::httpauth
