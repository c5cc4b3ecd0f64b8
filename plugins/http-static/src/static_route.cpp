#include "static_route.hpp"

#include "static_paths.hpp"
#include "static_plugin.hpp"

#include <utility>

namespace gorgon::httpstatic {

namespace {

constexpr std::string_view kAllow = "GET, HEAD, OPTIONS";

}  // namespace

Route::Route(StaticPlugin& owner, const gorgon_http_api* http, FsLease fs, gorgon_fs* root,
             RouteConfig config, MimeTable mime)
    : owner_(owner),
      host_(owner.host()),
      http_(http),
      lease_(std::move(fs)),
      fs_(lease_.get()),
      root_(root),
      config_(std::move(config)),
      mime_(std::move(mime)) {}

Route::~Route() {
    if (root_ != nullptr) fs_->close_root(root_);
}

bool Route::match(const gorgon_http_request* req) const noexcept {
    return belowPrefix(view(http_->path(req)), config_.prefix).has_value();
}

gorgon_status Route::handle(gorgon_http_request* req) {
    Request r;
    r.req = req;
    if (auto answered = checkMethod(r)) return *answered;
    r.path = view(http_->path(req));
    auto rel = belowPrefix(r.path, config_.prefix);
    if (!rel) return GORGON_DECLINED;  // match() said no; the http plugin should not be here
    r.rel = *rel;
    r.fs = fs_;
    r.root = root_;
    return serveRel(r);
}

gorgon_status Route::serve(gorgon_http_request* req, const gorgon_fs_provider* fs, gorgon_fs* root,
                           std::string_view rel) {
    Request r;
    r.req = req;
    if (auto answered = checkMethod(r)) return *answered;
    r.path = view(http_->path(req));
    r.rel = rel;
    r.fs = fs;
    r.root = root;
    return serveRel(r);
}

std::optional<gorgon_status> Route::checkMethod(Request& r) {
    // Methods are case-sensitive (RFC 9110 §9.1): "get" is not GET.
    const std::string_view method = view(http_->method(r.req));
    if (method == "HEAD") {
        r.head = true;
    } else if (method == "OPTIONS") {
        return respondAllow(r, /*options=*/true);
    } else if (method != "GET") {
        return respondAllow(r, /*options=*/false);
    }
    return std::nullopt;
}

gorgon_status Route::serveRel(Request& r) {
    r.fields = readFields(http_, r.req);

    if (!r.rel.empty() && r.rel.back() == '/') return serveDirectory(r);

    // The common case first: a file, opened directly (one path walk), then fstat'ed.
    int fd = -1;
    gorgon_status s = r.fs->open(r.root, r.rel.data(), r.rel.size(), GORGON_FS_READ, 0, &fd);
    if (s == GORGON_OK) return serveFile(r, UniqueFd(fd), r.rel, r.rel);
    if (s == GORGON_E_INVAL) {
        // Not a regular file: a directory named without its slash, or something not served.
        gorgon_fs_stat st{};
        st.struct_size = sizeof st;
        gorgon_status st_status = r.fs->stat(r.root, r.rel.data(), r.rel.size(), 0, &st);
        if (st_status == GORGON_OK && st.type == GORGON_FS_DIRECTORY) {
            return redirectToDirectory(r);
        }
    }
    return respondFsError(r, s);
}

gorgon_status Route::respondError(const Request& r, int status, const gorgon_http_header* headers,
                                  std::size_t count) {
    http_->respond_error(r.req, status, headers, count);
    return GORGON_OK;
}

gorgon_status Route::respondFsError(const Request& r, gorgon_status fs_status) {
    switch (fs_status) {
        case GORGON_E_NOTFOUND:
        case GORGON_E_INVAL:  // outside the root, a NUL byte, not a regular file: as if absent
            return respondError(r, 404);
        case GORGON_E_PERM:
            return respondError(r, 403);
        default:
            if (host_.logEnabled(GORGON_LOG_WARN)) {
                host_.warn("filesystem error " + std::to_string(fs_status) + " for " +
                           std::string(r.rel));
            }
            return respondError(r, 500);
    }
}

gorgon_status Route::respondAllow(const Request& r, bool options) {
    const gorgon_http_header allow = {{"Allow", 5}, {kAllow.data(), kAllow.size()}};
    if (options) {
        http_->respond(r.req, 204, &allow, 1, 0, 0);
        return GORGON_OK;
    }
    return respondError(r, 405, &allow, 1);
}

std::int64_t Route::nowSeconds() const noexcept {
    return host_.api()->now_ms(host_.self()) / 1000;
}

}  // namespace gorgon::httpstatic
