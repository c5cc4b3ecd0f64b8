// One http-put route: PUT stores the body under the route's root, DELETE removes a file; every
// other method is left to the routes after this one (an http-static route over the same tree
// serves GET and HEAD).
#pragma once

#include "put_config.hpp"
#include "put_upload.hpp"

#include <gorgon/filesystem.hpp>
#include <gorgon/http.hpp>
#include <gorgon/http_etag.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::httpput {

class PutRoute {
  public:
    PutRoute(http::Env env, Config config);

    bool match(const http::Request& req);
    http::Result handle(http::Request& req);

  private:
    // What is at a path now: whether anything is, what, and a regular file's ETag (the one
    // http-static sends for it).
    struct Existing {
        bool exists = false;
        std::int32_t type = GORGON_FS_OTHER;
        std::string etag;
    };

    http::Result put(http::Request& req, const std::string& target);
    http::Result remove(http::Request& req, const std::string& target);
    // Reads at most one buffer of body per notification: a local disk write takes
    // microseconds, and the loop serves everybody else between two pieces.
    void onBody(http::Request& req, Upload& up);
    // The whole body is on disk: close, check the conditions again, rename, answer.
    void finish(http::Request& req, Upload& up);

    gorgon_status inspect(std::string_view path, Existing& out) const;
    // 0, or the status that refuses the request (405, 409 or 412) given what is there now.
    [[nodiscard]] int refusal(const http::Request& req, const Existing& e) const;
    // 0 when the parent directory of `target` exists (made if create_directories), or the
    // status to answer.
    [[nodiscard]] int prepareParent(std::string_view target) const;

    Host host_;
    PutConfig cfg_;
    std::shared_ptr<const FsRoot> fs_;
    std::vector<char> buf_;  // one piece of body; the loop is single-threaded
};

}  // namespace gorgon::httpput
