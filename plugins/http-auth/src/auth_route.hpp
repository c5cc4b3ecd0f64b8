// One `extension: auth` route: the requests under its prefix need good credentials. Good ones
// are passed to the routes after it (Deferred::decline) with the user set for them and the
// access log; the rest are challenged (401), refused (400 malformed, 403 plaintext, 429 locked
// out, 503 too many checks waiting). The password check runs on the host's work pool.
#pragma once

#include "auth_cache.hpp"
#include "auth_file.hpp"
#include "auth_shared.hpp"

#include <gorgon/http.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gorgon::httpauth {

class AuthRoute {
  public:
    AuthRoute(AuthShared& shared, http::Env env, Config config);
    AuthRoute(const AuthRoute&) = delete;
    AuthRoute& operator=(const AuthRoute&) = delete;
    ~AuthRoute();

    bool match(const http::Request& req) { return http::pathUnder(req.path(), prefix_); }
    http::Result handle(http::Request& req);

  private:
    // A refusal held back by failure_delay: the timer's context, owned by delayed_.
    struct Delayed {
        AuthRoute* route;
        http::Deferred later;
        gorgon_timer_id timer = 0;
    };
    struct Check;  // what a pool check needs and leaves

    http::Result challenge(http::Request& req);
    http::Result check(http::Request& req, const std::string& user, const std::string& password,
                       const std::string& address);
    // On the loop, after the pool check: pass the request on, or refuse it.
    static void completed(AuthShared& shared, const std::shared_ptr<Check>& c,
                          gorgon_status status);
    void refuse(http::Deferred later);
    static void fireDelayed(void* user, gorgon_timer_id timer) noexcept;
    // SHA-256 of the realm, user and password (the cache's key); false if the host failed.
    [[nodiscard]] bool digest(std::string_view user, std::string_view password, Digest& out) const;

    AuthShared& shared_;
    Host host_;
    std::string prefix_;
    std::string realm_;
    std::string challenge_;  // the WWW-Authenticate value
    std::string label_;      // names the route in the log
    bool allow_plaintext_ = false;
    std::shared_ptr<PasswordFile> file_;
    std::unordered_map<Delayed*, std::unique_ptr<Delayed>> delayed_;
};

}  // namespace gorgon::httpauth
