// http-userdir: /~user/... served from the user's public_html (Medusa's unix_user_handler,
// Apache's mod_userdir). This file resolves the user and opens the root; http-static serves the
// file ("http-static:serve"), so ranges, conditionals, MIME types, gzip, index files and
// listings are the very code a static route runs.
//
// The user database is asked on the work pool (NSS may be LDAP: slow), once per name however
// many requests wait for it, and the answer is cached (userdir_cache.hpp). Every refusal - an
// unknown user, root, a system account, a user not allowed, no public_html, one that belongs to
// somebody else - is the same 404, so the answers never tell whether an account exists.
#include "userdir_cache.hpp"
#include "userdir_config.hpp"
#include "userdir_lookup.hpp"
#include "userdir_path.hpp"

#include <gorgon/filesystem.hpp>
#include <gorgon/http.hpp>
#include <gorgon/http_static.h>
#include <gorgon/service.hpp>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gorgon::userdir {

namespace {

using http::Deferred;
using http::Request;
using http::Result;

// http-static's options for this route, closed through the service that made them.
struct OptionsCloser {
    const gorgon_http_static* svc = nullptr;
    void operator()(gorgon_http_static_options* o) const noexcept { svc->options_close(o); }
};
using Options = std::unique_ptr<gorgon_http_static_options, OptionsCloser>;

ServiceLease<gorgon_http_static> acquireStatic(Host host) {
    ServiceLease<gorgon_http_static> svc(host, GORGON_HTTP_STATIC_SERVICE);
    if (svc->struct_size < sizeof(gorgon_http_static)) {
        throw std::runtime_error("the http-static plugin is too old for http-userdir");
    }
    return svc;
}

Options openOptions(const ServiceLease<gorgon_http_static>& svc, const http::Env& env,
                    const Config& config) {
    gorgon_http_static_options* raw = nullptr;
    std::array<char, 1024> err{};
    const gorgon_status s =
        svc->options_open(svc->ctx, env.api(), config.node(), &raw, err.data(), err.size());
    if (s != GORGON_OK || raw == nullptr) {
        throw std::runtime_error(std::string("static: ") + err.data());
    }
    return Options(raw, OptionsCloser{svc.get()});
}

// The state of one route. Shared with the work-pool completions, which may arrive after the
// route has closed (then every waiting request is gone, and the completion only drops its
// result).
class Userdir {
  public:
    Userdir(http::Env env, const Config& config)
        : host_(env.host()),
          config_(parseUserdirConfig(host_, config)),
          static_(acquireStatic(host_)),
          options_(openOptions(static_, env, config["static"])),
          cache_(config_.cache_size) {}

    Result handle(Request& req, const std::shared_ptr<Userdir>& self) {
        const std::optional<UserPath> up = splitUserPath(req.path());
        if (!up) return Result::decline;
        if (!validUserName(up->user)) return req.error(404);
        if (up->rest.empty()) {
            // "/~ann" -> "/~ann/", for every name alike (no lookup: nothing is revealed).
            std::string location = "/~" + std::string(up->user) + "/";
            if (!req.query().empty()) location += "?" + std::string(req.query());
            return req.error(301, {{"Location", location}});
        }
        if (!nameAllowed(config_, up->user)) return req.error(404);

        std::string name(up->user);
        if (auto hit = cache_.find(name, nowMs())) return serve(req, *hit);

        auto waiting = waiting_.find(name);
        if (waiting != waiting_.end()) {  // a lookup is under way: wait for it
            waiting->second.push_back(req.defer());
            return Result::later;
        }
        if (waiting_.size() >= config_.max_lookups) return req.error(503);
        waiting_[name].push_back(req.defer());
        auto account = std::make_shared<Account>();
        const gorgon_status s = host_.submitWork(
            [account, name] { *account = lookupAccount(name); },
            [self, account, name](gorgon_status st) { self->finish(name, *account, st); });
        if (s != GORGON_OK) {
            waiting_.erase(name);
            return req.error(503);
        }
        return Result::later;
    }

  private:
    void finish(const std::string& name, const Account& account, gorgon_status status) {
        std::vector<Deferred> waiters;
        if (auto it = waiting_.find(name); it != waiting_.end()) {
            waiters = std::move(it->second);
            waiting_.erase(it);
        }
        // A failed lookup (the directory service is down, the work was cancelled) is not an
        // answer about the user: 503, and nothing is cached.
        if (status != GORGON_OK || account.outcome == Account::Outcome::failed) {
            for (Deferred& w : waiters) {
                if (w) w->error(503);
            }
            return;
        }
        RootCache::Root root = open(name, account);
        cache_.put(name, root, nowMs() + static_cast<std::int64_t>(config_.cache_ttl_ms));
        for (Deferred& w : waiters) {
            if (w) serve(w.request(), root);
        }
    }

    // The user's directory, opened read-only, or null for every reason not to serve it.
    RootCache::Root open(const std::string& name, const Account& account) {
        if (account.outcome != Account::Outcome::found) return nullptr;
        if (account.uid == 0 || account.uid < config_.min_uid) {
            refused(name, "a system account (uid below min_uid)");
            return nullptr;
        }
        std::string dir = account.home;
        if (dir.back() != '/') dir += '/';
        dir += config_.directory;
        std::shared_ptr<FsRoot> root;
        try {
            root = std::make_shared<FsRoot>(host_, config_.filesystem, dir, GORGON_FS_READ_ONLY);
        } catch (const std::exception& e) {
            refused(name, e.what());
            return nullptr;
        }
        if (config_.owner_check) {
            // public_html as a link to /etc, or a directory someone else made: not the user's
            // to publish.
            gorgon_fs_stat st{};
            if (root->stat("", 0, st) != GORGON_OK || st.uid != account.uid) {
                refused(name, dir + " does not belong to the user (owner_check)");
                return nullptr;
            }
        }
        return root;
    }

    Result serve(Request& req, const RootCache::Root& root) {
        if (!root) return req.error(404);
        const std::optional<UserPath> up = splitUserPath(req.path());
        if (!up) return req.error(404);
        return req.answeredBy(static_->serve(static_->ctx, req.raw(), root->provider(),
                                             root->handle(), up->rest.data(), up->rest.size(),
                                             options_.get()));
    }

    void refused(const std::string& name, const std::string& why) const {
        if (host_.logEnabled(GORGON_LOG_DEBUG)) host_.debug("userdir: ~" + name + ": " + why);
    }

    [[nodiscard]] std::int64_t nowMs() const noexcept { return host_.api()->now_ms(host_.self()); }

    Host host_;
    UserdirConfig config_;
    ServiceLease<gorgon_http_static> static_;
    Options options_;  // closed before static_ is released (members go in reverse)
    RootCache cache_;
    std::unordered_map<std::string, std::vector<Deferred>> waiting_;
};

}  // namespace

class UserdirRoute {
  public:
    UserdirRoute(http::Env env, Config config) : core_(std::make_shared<Userdir>(env, config)) {}

    bool match(const Request& req) { return req.path().starts_with("/~"); }
    Result handle(Request& req) { return core_->handle(req, core_); }

  private:
    std::shared_ptr<Userdir> core_;
};

}  // namespace gorgon::userdir

GORGON_HTTP_EXTENSION_SHARED(::gorgon::http::detail::NoShared, gorgon::userdir::UserdirRoute,
                             "http-userdir", "userdir", "0.1.0",
                             "/~user/ from the user's public_html, served by http-static",
                             GORGON_DEPENDS(GORGON_HTTP_STATIC_SERVICE, "filesystem:os"))
