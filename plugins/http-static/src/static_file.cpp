// Answering for one regular file: choosing the representation (as is, a precompressed ".gz"
// sibling, or gzip on the fly), its validators, the conditional request, and ranges.
#include "static_conditional.hpp"
#include "static_encoding.hpp"
#include "static_multipart.hpp"
#include "static_paths.hpp"
#include "static_range.hpp"
#include "static_route.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace gorgon::httpstatic {

namespace {

enum class Coding { kIdentity, kPrecompressed, kOnTheFly };

std::int64_t mtimeNs(const struct stat& st) noexcept {
    return st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
}

// "bytes FIRST-LAST/SIZE" or "bytes */SIZE" into `out` (at least 64 bytes).
std::size_t formatContentRange(char* out, const ByteRange* r, std::uint64_t size) noexcept {
    int n = r != nullptr
                ? std::snprintf(out, 64, "bytes %llu-%llu/%llu",
                                static_cast<unsigned long long>(r->first),
                                static_cast<unsigned long long>(r->last),
                                static_cast<unsigned long long>(size))
                : std::snprintf(out, 64, "bytes */%llu", static_cast<unsigned long long>(size));
    return n < 0 ? 0 : static_cast<std::size_t>(n);
}

}  // namespace

bool Route::openPrecompressed(const Request& r, std::string_view fs_path, const struct stat& plain,
                              UniqueFd& fd, struct stat& st) const noexcept {
    PathBuilder p;
    if (!p.append(fs_path) || !p.append(".gz")) return false;
    int raw = -1;
    if (r.fs->open(r.root, p.view().data(), p.view().size(), GORGON_FS_READ, 0, &raw) !=
        GORGON_OK) {
        return false;
    }
    fd.reset(raw);
    if (::fstat(fd.get(), &st) != 0) return false;
    // An older .gz is stale: the file was edited after it was compressed.
    return mtimeNs(st) >= mtimeNs(plain);
}

gorgon_status Route::serveFile(const Request& r, UniqueFd fd, std::string_view fs_path,
                               std::string_view name) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return respondError(r, 500);
    const MimeType& mime = mime_.lookup(name);
    const std::int64_t now = nowSeconds();
    const auto size = static_cast<std::uint64_t>(st.st_size);

    char identity_tag[kEtagCapacity];
    const Validators identity{
        {identity_tag, formatEtag(size, mtimeNs(st), st.st_ino, false, identity_tag)},
        // A modification time in the future would be a promise the server cannot keep
        // (RFC 9110 §8.8.2.1): it is sent as now.
        std::min<std::int64_t>(st.st_mtim.tv_sec, now)};

    // Range applies to GET only, and is decided before the representation: ranges are always
    // of the file as stored, so a ranged request is never gzip-coded.
    RangeSpecs specs;
    bool ranged = !r.head && !r.fields.range.empty() && parseRangeHeader(r.fields.range, specs);
    if (ranged && !r.fields.if_range.empty()) {
        ranged = ifRangeAllows(r.fields.if_range, identity, now);
    }

    const bool compressible = config_.gzip && mime.compressible && size >= config_.gzip_min_length;
    Coding coding = Coding::kIdentity;
    UniqueFd gz_fd;
    struct stat gz_st {};
    if (!ranged && (compressible || config_.precompressed) && !r.fields.accept_encoding.empty() &&
        acceptsGzip(r.fields.accept_encoding)) {
        if (config_.precompressed && openPrecompressed(r, fs_path, st, gz_fd, gz_st)) {
            coding = Coding::kPrecompressed;
        } else if (compressible) {
            coding = Coding::kOnTheFly;
        }
    }

    char rep_tag[kEtagCapacity];
    Validators rep = identity;
    if (coding == Coding::kPrecompressed) {
        rep.etag = {rep_tag, formatEtag(static_cast<std::uint64_t>(gz_st.st_size), mtimeNs(gz_st),
                                        gz_st.st_ino, false, rep_tag)};
        rep.last_modified = std::min<std::int64_t>(gz_st.st_mtim.tv_sec, now);
    } else if (coding == Coding::kOnTheFly) {
        // Weak: the same file compressed twice is equivalent, not promised byte-identical.
        rep.etag = {rep_tag, formatEtag(size, mtimeNs(st), st.st_ino, true, rep_tag)};
    }

    char last_modified[kHttpDateLength];
    dates_.format(rep.last_modified, last_modified);
    ResponseHeaders h;
    // What a 304 must repeat of the 200 it stands for (RFC 9110 §15.4.5) comes first.
    h.add("ETag", rep.etag);
    h.add("Last-Modified", {last_modified, kHttpDateLength});
    if (!config_.cache_control.empty()) h.add("Cache-Control", config_.cache_control);
    // Whether this URL can be gzip-coded depends on the request: caches must know.
    if (compressible || coding == Coding::kPrecompressed) h.add("Vary", "Accept-Encoding");

    switch (evaluatePreconditions(r.fields.conditionals, rep)) {
        case Precondition::kPreconditionFailed:
            return respondError(r, 412);
        case Precondition::kNotModified:
            http_->respond(r.req, 304, h.data(), h.size(), 0, 0);
            return GORGON_OK;
        case Precondition::kProceed:
            break;
    }

    if (coding != Coding::kOnTheFly) h.add("Accept-Ranges", "bytes");

    if (ranged) {
        ByteRanges ranges;
        resolveRanges(specs, size, ranges);
        if (ranges.count == 0) {
            char value[64];
            const gorgon_http_header field = {{"Content-Range", 13},
                                              {value, formatContentRange(value, nullptr, size)}};
            return respondError(r, 416, &field, 1);
        }
        if (ranges.count > 1) return sendMultipart(r, fd.get(), size, mime.type, ranges, h);
        const ByteRange& one = ranges.ranges[0];
        h.add("Content-Type", mime.type);
        if (char* value = h.scratch(64)) {
            h.addFormatted("Content-Range", formatContentRange(value, &one, size));
        }
        gorgon_producer_id body =
            host_.api()->producer_file(host_.self(), fd.get(), one.first, one.length());
        if (body == 0) return respondError(r, 500);
        http_->respond(r.req, 206, h.data(), h.size(), body,
                       static_cast<std::int64_t>(one.length()));
        return GORGON_OK;
    }

    h.add("Content-Type", mime.type);
    if (coding != Coding::kIdentity) h.add("Content-Encoding", "gzip");
    const int send_fd = coding == Coding::kPrecompressed ? gz_fd.get() : fd.get();
    const std::uint64_t send_size =
        coding == Coding::kPrecompressed ? static_cast<std::uint64_t>(gz_st.st_size) : size;

    gorgon_producer_id body = 0;
    if (send_size != 0 || coding == Coding::kOnTheFly) {
        // The host duplicates the descriptor; ours closes when `fd` goes out of scope.
        body = host_.api()->producer_file(host_.self(), send_fd, 0, send_size);
        if (body == 0) return respondError(r, 500);
    }
    auto length = static_cast<std::int64_t>(send_size);
    if (coding == Coding::kOnTheFly) {
        gorgon_producer_id gz = host_.api()->producer_gzip(host_.self(), body, config_.gzip_level);
        if (gz == 0) {
            host_.api()->producer_free(host_.self(), body);  // harmless if it was taken
            return respondError(r, 500);
        }
        body = gz;
        length = -1;  // unknown until compressed: the http plugin frames it
    }
    http_->respond(r.req, 200, h.data(), h.size(), body, length);
    return GORGON_OK;
}

gorgon_status Route::sendMultipart(const Request& r, int fd, std::uint64_t size,
                                   std::string_view type, const ByteRanges& ranges,
                                   ResponseHeaders& headers) {
    const gorgon_host_api* api = host_.api();
    const std::string boundary = makeBoundary(
        ++multipart_count_ ^ static_cast<std::uint64_t>(api->now_ms(host_.self())) ^ (size << 20));
    const std::string content_type = "multipart/byteranges; boundary=" + boundary;
    const MultipartPlan plan = planMultipart(ranges, size, type, boundary);

    std::vector<gorgon_producer_id> parts;
    parts.reserve(ranges.count * 2 + 1);
    bool ok = true;
    for (std::size_t i = 0; i < ranges.count && ok; ++i) {
        const ByteRange& br = ranges.ranges[i];
        parts.push_back(
            api->producer_memory(host_.self(), plan.heads[i].data(), plan.heads[i].size()));
        parts.push_back(api->producer_file(host_.self(), fd, br.first, br.length()));
        ok = parts[parts.size() - 2] != 0 && parts.back() != 0;
    }
    if (ok) {
        parts.push_back(api->producer_memory(host_.self(), plan.tail.data(), plan.tail.size()));
        ok = parts.back() != 0;
    }
    gorgon_producer_id body =
        ok ? api->producer_concat(host_.self(), parts.data(), parts.size()) : 0;
    if (body == 0) {
        // concat takes nothing unless it succeeds: every part is still ours to free.
        for (gorgon_producer_id p : parts) {
            if (p != 0) api->producer_free(host_.self(), p);
        }
        return respondError(r, 500);
    }
    headers.add("Content-Type", content_type);
    http_->respond(r.req, 206, headers.data(), headers.size(), body,
                   static_cast<std::int64_t>(plan.total));
    return GORGON_OK;
}

}  // namespace gorgon::httpstatic
