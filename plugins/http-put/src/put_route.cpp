#include "put_route.hpp"

#include "put_paths.hpp"

#include <array>
#include <cerrno>
#include <cstring>

namespace gorgon::httpput {

namespace {

using http::Header;
using http::Request;
using http::Result;

constexpr std::size_t kPiece = std::size_t{64} * 1024;
constexpr std::size_t kRandomBytes = 12;
// What a directory path (or a directory) offers: whatever serves GET there; never PUT/DELETE.
constexpr std::string_view kDirectoryAllow = "GET, HEAD";

// The answer for a provider's refusal.
int statusFor(gorgon_status s) noexcept {
    switch (s) {
        case GORGON_E_NOTFOUND:
            return 404;
        case GORGON_E_PERM:
        case GORGON_E_INVAL:  // outside the root, a NUL byte: never written
            return 403;
        case GORGON_E_EXISTS:
        case GORGON_E_BUSY:
            return 409;
        default:
            return 500;
    }
}

int writeFailure(int err) noexcept {
    return err == ENOSPC || err == EDQUOT ? 507 : 500;
}

}  // namespace

PutRoute::PutRoute(http::Env env, Config config) : host_(env.host()), cfg_(parsePutConfig(config)) {
    // Writable: no GORGON_FS_READ_ONLY. The provider confines every path to the root.
    fs_ = std::make_shared<const FsRoot>(host_, cfg_.filesystem, cfg_.root, 0u);
    buf_.resize(kPiece);
}

bool PutRoute::match(const Request& req) {
    const std::string_view m = req.method();
    return (m == "PUT" || m == "DELETE") && http::pathUnder(req.path(), cfg_.prefix);
}

Result PutRoute::handle(Request& req) {
    const std::string target = pathInRoot(req.path(), cfg_.prefix);
    if (namesDirectory(target)) return req.error(405, {{"Allow", kDirectoryAllow}});
    return req.method() == "PUT" ? put(req, target) : remove(req, target);
}

gorgon_status PutRoute::inspect(std::string_view path, Existing& out) const {
    out = Existing{};
    gorgon_fs_stat st{};
    gorgon_status s = fs_->stat(path, GORGON_FS_NOFOLLOW, st);
    if (s == GORGON_E_NOTFOUND) return GORGON_OK;
    if (s != GORGON_OK) return s;
    out.exists = true;
    out.type = st.type;
    if (st.type == GORGON_FS_SYMLINK) {
        // A link inside the root has its target's ETag (http-static follows it); one that
        // dangles or leaves the root has none. A PUT replaces the link itself, never what it
        // points to.
        gorgon_fs_stat target{};
        if (fs_->stat(path, 0, target) != GORGON_OK) return GORGON_OK;
        st = target;
        out.type = st.type;
    }
    if (out.type == GORGON_FS_FILE) {
        std::array<char, http::kEtagCapacity> tag{};
        const std::int64_t mtime_ns = st.mtime_sec * 1'000'000'000LL + st.mtime_nsec;
        out.etag.assign(tag.data(),
                        http::formatEtag(st.size, mtime_ns, st.inode, false, tag.data()));
    }
    return GORGON_OK;
}

int PutRoute::refusal(const Request& req, const Existing& e) const {
    if (e.exists && e.type == GORGON_FS_DIRECTORY) return 405;
    if (e.exists && e.type == GORGON_FS_OTHER) return 409;  // a device, a fifo: left alone
    // RFC 9110 §13.1.1: If-Match "*" needs a current representation; a tag must match strongly.
    if (auto m = req.header("If-Match")) {
        if (!e.exists || !http::etagListMatches(*m, e.etag, /*strong=*/true)) return 412;
    }
    // §13.1.2: If-None-Match "*" (create only) or a tag matching weakly fails for anything
    // but GET and HEAD.
    if (auto n = req.header("If-None-Match")) {
        if (e.exists && http::etagListMatches(*n, e.etag, /*strong=*/false)) return 412;
    }
    return 0;
}

int PutRoute::prepareParent(std::string_view target) const {
    const std::string_view parent = parentOf(target);
    gorgon_fs_stat st{};
    gorgon_status s = fs_->stat(parent, 0, st);
    if (s == GORGON_OK) return st.type == GORGON_FS_DIRECTORY ? 0 : 409;
    if (s != GORGON_E_NOTFOUND) return statusFor(s);
    if (!cfg_.create_directories) return 409;  // RFC 9110 §9.3.4: no parent, no PUT
    // Each missing directory from the top down; one made meanwhile by someone else is fine.
    for (std::size_t end = parent.find('/', 1);; end = parent.find('/', end + 1)) {
        const std::string_view dir = parent.substr(0, end);
        s = fs_->stat(dir, 0, st);
        if (s == GORGON_E_NOTFOUND) {
            s = fs_->mkdir(dir, cfg_.directory_mode);
            if (s == GORGON_OK || s == GORGON_E_EXISTS) s = fs_->stat(dir, 0, st);
        }
        if (s != GORGON_OK) return statusFor(s);
        if (st.type != GORGON_FS_DIRECTORY) return 409;
        if (end == std::string_view::npos) return 0;
    }
}

Result PutRoute::put(Request& req, const std::string& target) {
    // RFC 9110 §14.5: a partial PUT would be stored as if it were the whole file.
    if (req.header("Content-Range")) return req.error(400);
    const std::int64_t length = req.bodyLength();
    if (length == 0 && !req.header("Content-Length")) return req.error(411);
    if (length > 0 && static_cast<std::uint64_t>(length) > cfg_.max_size) return req.error(413);

    // Refused before the client sends a byte (with Expect: 100-continue, it never does).
    Existing e;
    if (gorgon_status s = inspect(target, e); s != GORGON_OK) return req.error(statusFor(s));
    if (int status = refusal(req, e); status != 0) {
        if (status == 405) return req.error(405, {{"Allow", kDirectoryAllow}});
        return req.error(status);
    }
    if (int status = prepareParent(target); status != 0) return req.error(status);

    std::array<std::uint8_t, kRandomBytes> random{};
    if (host_.api()->random_bytes(host_.self(), random.data(), random.size()) != GORGON_OK) {
        return req.error(500);
    }
    const std::string temp = tempPathFor(target, random);
    int raw = -1;
    const gorgon_status s =
        fs_->open(temp, GORGON_FS_CREATE | GORGON_FS_EXCLUSIVE | GORGON_FS_WRITE, cfg_.mode, raw);
    if (s != GORGON_OK) {
        if (s == GORGON_E_IO) host_.warn("cannot create " + temp + ": " + std::strerror(errno));
        return req.error(statusFor(s));
    }
    auto up = std::make_shared<Upload>(fs_, target, temp, UniqueFd(raw));
    if (length == 0) {
        finish(req, *up);  // an empty file: nothing to wait for
        return Result::done;
    }
    // The lambdas own the upload: when the request ends, answered or dropped, they go, and the
    // upload's destructor removes a temporary file that was not renamed.
    auto later = req.defer();
    later.onAbort([up] { up->discard(); });
    if (later.onBody([this, up](Request& r) { onBody(r, *up); }) != GORGON_OK) {
        return req.error(500);
    }
    return Result::later;
}

void PutRoute::onBody(Request& req, Upload& up) {
    bool finished = false;
    const std::int64_t n = req.readBody(buf_, finished);
    if (n == GORGON_E_STALE) {
        up.discard();
        return;
    }
    if (n < 0) {  // the http plugin's own body limit, or broken chunked framing
        up.discard();
        req.error(n == GORGON_E_TOOBIG ? 413 : 400);
        return;
    }
    if (n > 0) {
        const auto got = static_cast<std::size_t>(n);
        if (up.written() + got > cfg_.max_size) {  // a chunked body, found too big as it arrives
            up.discard();
            req.error(413);
            return;
        }
        if (!up.write(std::span<const char>(buf_.data(), got))) {
            const int err = errno;
            host_.warn("writing " + up.target() + ": " + std::strerror(err));
            up.discard();
            req.error(writeFailure(err));
            return;
        }
    }
    if (finished) finish(req, up);
}

void PutRoute::finish(Request& req, Upload& up) {
    if (!up.close(cfg_.fsync)) {
        const int err = errno;
        host_.warn("writing " + up.target() + ": " + std::strerror(err));
        up.discard();
        req.error(writeFailure(err));
        return;
    }
    // Checked again: the file may have come or gone while the body arrived. From here to the
    // rename nothing else runs on the loop, so no other request of this server slips between.
    Existing before;
    if (gorgon_status s = inspect(up.target(), before); s != GORGON_OK) {
        up.discard();
        req.error(statusFor(s));
        return;
    }
    if (int status = refusal(req, before); status != 0) {
        up.discard();
        if (status == 405) {
            req.error(405, {{"Allow", kDirectoryAllow}});
        } else {
            req.error(status);
        }
        return;
    }
    if (gorgon_status s = up.commit(); s != GORGON_OK) {
        up.discard();
        req.error(s == GORGON_E_NOTFOUND ? 409 : statusFor(s));  // the directory went away
        return;
    }
    // The stored bytes are exactly the ones received, so the new ETag may be sent (§9.3.4).
    Existing after;
    (void)inspect(up.target(), after);
    std::vector<Header> fields;
    if (!after.etag.empty()) fields.push_back({"ETag", after.etag});
    if (before.exists) {
        req.respond(204, fields, "");
        return;
    }
    const std::string location(withoutQuery(req.target()));
    fields.push_back({"Location", location});
    req.respond(201, fields, "");
}

Result PutRoute::remove(Request& req, const std::string& target) {
    Existing e;
    if (gorgon_status s = inspect(target, e); s != GORGON_OK) return req.error(statusFor(s));
    if (!e.exists) return req.error(404);
    if (int status = refusal(req, e); status != 0) {
        if (status == 405) return req.error(405, {{"Allow", kDirectoryAllow}});
        return req.error(status);
    }
    if (gorgon_status s = fs_->remove(target); s != GORGON_OK) return req.error(statusFor(s));
    return req.respond(204, {}, "");
}

}  // namespace gorgon::httpput
