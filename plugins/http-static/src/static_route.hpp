// One configured static route: a root opened through the filesystem provider, its settings, its
// MIME table, and the request handling (Medusa's default_handler, done right). The code is
// split by job: static_route.cpp dispatches, static_file.cpp answers for a file (validators,
// conditionals, ranges, gzip), static_directory.cpp for a directory (redirect, index, listing).
//
// The same class serves "http-static:serve" (static_service.cpp): there it has no root of its
// own (no lease, `root` null) and each call names the root, which another extension
// (http-userdir) opened for the request. Every file answer goes through serve(), whichever way
// the request came, so there is one implementation of file serving.
#pragma once

#include "static_config.hpp"
#include "static_mime.hpp"
#include "static_plugin.hpp"
#include "static_range.hpp"
#include "static_request.hpp"
#include "static_response.hpp"

#include <gorgon/fd.hpp>
#include <gorgon/fs.h>
#include <gorgon/http.h>
#include <gorgon/http_date.hpp>
#include <gorgon/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

#include <sys/stat.h>

namespace gorgon::httpstatic {

class Route {
  public:
    // Takes `root` (closed with fs->close_root when the route goes), opened through `fs`, which
    // stays pinned until then. With no root (an empty lease and a null `root`), the object only
    // holds settings for serve().
    Route(StaticPlugin& owner, const gorgon_http_api* http, FsLease fs, gorgon_fs* root,
          RouteConfig config, MimeTable mime);
    ~Route();
    Route(const Route&) = delete;
    Route& operator=(const Route&) = delete;
    Route(Route&&) = delete;
    Route& operator=(Route&&) = delete;

    [[nodiscard]] StaticPlugin& owner() const noexcept { return owner_; }
    [[nodiscard]] bool match(const gorgon_http_request* req) const noexcept;
    // Always responds (GORGON_OK), or GORGON_DECLINED for a path outside the prefix, or an
    // error status (out of memory) that the http plugin turns into a 500.
    gorgon_status handle(gorgon_http_request* req);
    // Serves `rel` (a path inside `root`, "" or starting with '/') for `req` with this route's
    // settings, whatever the request's path; the request's path still names the URL (for a
    // directory's redirect and a listing's title). Responds, or returns an error status as
    // handle() does; never declines.
    gorgon_status serve(gorgon_http_request* req, const gorgon_fs_provider* fs, gorgon_fs* root,
                        std::string_view rel);

  private:
    struct Request {
        gorgon_http_request* req = nullptr;
        const gorgon_fs_provider* fs = nullptr;  // the root the path is served from
        gorgon_fs* root = nullptr;
        bool head = false;
        std::string_view path;  // decoded URL path
        std::string_view rel;   // the part below the prefix: a path inside the root
        RequestFields fields;
    };

    // static_route.cpp: answers OPTIONS and refused methods, or returns nullopt for GET/HEAD
    std::optional<gorgon_status> checkMethod(Request& r);
    gorgon_status serveRel(Request& r);
    gorgon_status respondError(const Request& r, int status, const gorgon_http_header* headers,
                               std::size_t count);
    gorgon_status respondError(const Request& r, int status) {
        return respondError(r, status, nullptr, 0);
    }
    // Answers for a filesystem status: 404 (missing, or a path the filesystem refuses), 403
    // (permission denied), 500 (anything else).
    gorgon_status respondFsError(const Request& r, gorgon_status fs_status);
    gorgon_status respondAllow(const Request& r, bool options);
    [[nodiscard]] std::int64_t nowSeconds() const noexcept;

    // static_file.cpp: `fs_path` is the file's path in the root (for a ".gz" sibling), `name`
    // the name that decides its type.
    gorgon_status serveFile(const Request& r, UniqueFd fd, std::string_view fs_path,
                            std::string_view name);
    bool openPrecompressed(const Request& r, std::string_view fs_path, const struct stat& plain,
                           UniqueFd& fd, struct stat& st) const noexcept;
    gorgon_status sendMultipart(const Request& r, int fd, std::uint64_t size, std::string_view type,
                                const ByteRanges& ranges, ResponseHeaders& headers);

    // static_directory.cpp
    gorgon_status serveDirectory(const Request& r);
    gorgon_status redirectToDirectory(const Request& r);
    gorgon_status serveListing(const Request& r);

    StaticPlugin& owner_;
    Host host_;
    const gorgon_http_api* http_;
    FsLease lease_;  // released after the root is closed (members go after the destructor body)
    const gorgon_fs_provider* fs_;
    gorgon_fs* root_;
    RouteConfig config_;
    MimeTable mime_;
    HttpDateCache dates_;
    std::uint64_t multipart_count_ = 0;
};

}  // namespace gorgon::httpstatic
