// Answering for a directory: the redirect that adds its trailing slash, its index file, or its
// listing (when enabled), else 403.
#include "static_listing.hpp"
#include "static_paths.hpp"
#include "static_route.hpp"

#include <exception>
#include <string>
#include <vector>

namespace gorgon::httpstatic {

namespace {

// What list() hands back, collected for sorting; symbolic links are resolved afterwards.
struct Collected {
    std::vector<ListingEntry> entries;
    std::vector<std::size_t> links;  // indexes of entries that are symbolic links
    bool failed = false;             // out of memory while collecting
};

int collect(void* user, const char* name, std::size_t len, const gorgon_fs_stat* st) noexcept {
    auto* c = static_cast<Collected*>(user);
    // Hidden files (".htpasswd", ".git") are not advertised, as nginx's autoindex does not;
    // they are still served to whoever knows the name.
    if (len == 0 || name[0] == '.') return 0;
    if (st->type != GORGON_FS_FILE && st->type != GORGON_FS_DIRECTORY &&
        st->type != GORGON_FS_SYMLINK) {
        return 0;  // FIFOs, sockets, devices: never served, so never listed
    }
    try {
        c->entries.push_back(ListingEntry{std::string(name, len), st->type == GORGON_FS_DIRECTORY,
                                          st->size, st->mtime_sec});
        if (st->type == GORGON_FS_SYMLINK) c->links.push_back(c->entries.size() - 1);
    } catch (const std::exception&) {
        c->failed = true;
        return 1;  // stop: the C caller must not see an exception
    }
    return 0;
}

}  // namespace

gorgon_status Route::serveDirectory(const Request& r) {
    PathBuilder p;
    if (!p.append(r.rel)) return respondError(r, 404);
    const std::size_t base = p.size();
    for (const std::string& name : config_.index) {
        p.truncate(base);
        if (!p.append(name)) continue;
        int fd = -1;
        gorgon_status s =
            r.fs->open(r.root, p.view().data(), p.view().size(), GORGON_FS_READ, 0, &fd);
        if (s == GORGON_OK) return serveFile(r, UniqueFd(fd), p.view(), name);
        // Missing, or not a regular file (a directory called index.html): try the next one.
        if (s == GORGON_E_NOTFOUND || s == GORGON_E_INVAL) continue;
        return respondFsError(r, s);  // an index that exists but cannot be read: 403 or 500
    }

    gorgon_fs_stat st{};
    st.struct_size = sizeof st;
    if (gorgon_status s = r.fs->stat(r.root, r.rel.data(), r.rel.size(), 0, &st); s != GORGON_OK) {
        return respondFsError(r, s);
    }
    if (st.type != GORGON_FS_DIRECTORY) return respondError(r, 404);
    if (!config_.listing) return respondError(r, 403);
    return serveListing(r);
}

gorgon_status Route::redirectToDirectory(const Request& r) {
    const std::string location =
        directoryLocation(view(http_->host(r.req)), r.path, view(http_->query(r.req)));
    const gorgon_http_header field = {{"Location", 8}, {location.data(), location.size()}};
    return respondError(r, 301, &field, 1);
}

gorgon_status Route::serveListing(const Request& r) {
    Collected c;
    c.entries.reserve(64);
    gorgon_status s =
        r.fs->list(r.root, r.rel.data(), r.rel.size(), config_.max_listing_entries, &collect, &c);
    if (c.failed) return GORGON_E_NOMEM;
    const bool truncated = s == GORGON_E_TOOBIG;
    if (s != GORGON_OK && !truncated) return respondFsError(r, s);

    // A link is listed as what it points at, and only if that is inside the root: the listing
    // never advertises a name that would answer 404.
    std::vector<bool> drop(c.entries.size(), false);
    for (std::size_t i : c.links) {
        ListingEntry& e = c.entries[i];
        std::string target(r.rel);
        target += e.name;
        gorgon_fs_stat st{};
        st.struct_size = sizeof st;
        if (r.fs->stat(r.root, target.data(), target.size(), 0, &st) != GORGON_OK ||
            (st.type != GORGON_FS_FILE && st.type != GORGON_FS_DIRECTORY)) {
            drop[i] = true;
            continue;
        }
        e.directory = st.type == GORGON_FS_DIRECTORY;
        e.size = st.size;
        e.mtime = st.mtime_sec;
    }
    if (!c.links.empty()) {
        std::vector<ListingEntry> kept;
        kept.reserve(c.entries.size());
        for (std::size_t i = 0; i < c.entries.size(); ++i) {
            if (!drop[i]) kept.push_back(std::move(c.entries[i]));
        }
        c.entries = std::move(kept);
    }

    ListingPage page;
    page.url_path = r.path;
    page.parent_link = r.rel != "/";
    page.truncated = truncated;
    page.limit = config_.max_listing_entries;
    const std::string html = renderListing(page, c.entries);

    gorgon_producer_id body = host_.api()->producer_memory(host_.self(), html.data(), html.size());
    if (body == 0) return respondError(r, 500);
    ResponseHeaders h;
    h.add("Content-Type", "text/html; charset=utf-8");
    if (!config_.cache_control.empty()) h.add("Cache-Control", config_.cache_control);
    http_->respond(r.req, 200, h.data(), h.size(), body, static_cast<std::int64_t>(html.size()));
    return GORGON_OK;
}

}  // namespace gorgon::httpstatic
