// Transfers: RETR (sendfile for TYPE I), STOR, APPE and STOU (written as data arrives; STOR and
// STOU into a temporary file renamed into place at the end), LIST, NLST and MLSD (formatted as
// the socket takes them), STAT with a path, and ABOR.
#include "ftp_path.hpp"
#include "ftp_plugin.hpp"
#include "ftp_producers.hpp"
#include "ftp_server.hpp"
#include "ftp_session.hpp"
#include "ftp_sweep.hpp"
#include "ftp_xferlog.hpp"

#include <cerrno>
#include <cstdio>
#include <utility>

#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon::ftp {

namespace {

// Read from the data connection per call while storing.
constexpr std::size_t kStoreChunk = 64 * 1024;

struct Collector {
    std::vector<ListEntry> entries;
    std::vector<std::size_t> links;  // entries that are symbolic links, resolved afterwards
    std::string_view pattern;        // glob(7) on names, or empty
    bool dotfiles = false;
    bool failed = false;
};

int collectEntry(void* user, const char* name, std::size_t len, const gorgon_fs_stat* st) noexcept {
    auto* c = static_cast<Collector*>(user);
    const std::string_view n(name, len);
    if (!listableName(n) || n.starts_with(kUploadPrefix)) return 0;
    if (!c->dotfiles && n.front() == '.') return 0;
    if (st->type != GORGON_FS_FILE && st->type != GORGON_FS_DIRECTORY &&
        st->type != GORGON_FS_SYMLINK) {
        return 0;  // FIFOs, sockets, devices: never served, so never listed
    }
    try {
        if (!c->pattern.empty() &&
            ::fnmatch(std::string(c->pattern).c_str(), std::string(n).c_str(), 0) != 0) {
            return 0;
        }
        c->entries.push_back(ListEntry{std::string(n), *st});
        if (st->type == GORGON_FS_SYMLINK) c->links.push_back(c->entries.size() - 1);
    } catch (...) {
        c->failed = true;
        return 1;  // stop: no exception may cross the C callback
    }
    return 0;
}

// Writes all of `data` at the file position (or at `*offset`, advancing it).
bool writeAll(int fd, std::string_view data, std::uint64_t* offset) noexcept {
    while (!data.empty()) {
        ssize_t n = offset != nullptr
                        ? ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(*offset))
                        : ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (offset != nullptr) *offset += static_cast<std::uint64_t>(n);
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

Reply openFailure(gorgon_status s) noexcept {
    return s == GORGON_E_PERM ? Reply::PermissionDenied : Reply::FileUnavailable;
}

// "-la dir" -> options "la", path "dir". LIST and NLST take ls options, as clients send them.
void splitListArg(std::string_view arg, bool& dotfiles, std::string_view& path) {
    dotfiles = false;
    while (!arg.empty() && arg.front() == '-') {
        const std::size_t space = arg.find(' ');
        const std::string_view opts =
            arg.substr(1, space == std::string_view::npos ? arg.npos : space - 1);
        if (opts.find('a') != std::string_view::npos || opts.find('A') != std::string_view::npos) {
            dotfiles = true;
        }
        arg.remove_prefix(space == std::string_view::npos ? arg.size() : space + 1);
        while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
    }
    path = arg;
}

}  // namespace

std::string Session::tempName() {
    unsigned char bytes[8] = {};
    host().api()->random_bytes(host().self(), bytes, sizeof bytes);
    std::string out(kUploadPrefix);
    char hex[3];
    for (unsigned char b : bytes) {
        std::snprintf(hex, sizeof hex, "%02x", b);
        out += hex;
    }
    out += kUploadSuffix;
    return out;
}

// ---- RETR -------------------------------------------------------------------------------------

void Session::cmdRetr(const CommandLine& cmd) {
    const std::uint64_t rest = std::exchange(rest_, 0);
    auto p = pathArg(cmd);
    if (!p) return;
    if (setup_ == DataSetup::None) {
        reply(Reply::UsePasvFirst);
        return;
    }
    if (!dataProtectionOk()) return;
    int raw = -1;
    if (gorgon_status s = fs_->openRead(*p, raw); s != GORGON_OK) {
        reply(openFailure(s));
        return;
    }
    UniqueFd fd(raw);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        reply(Reply::ReadFailed);
        return;
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (rest > size) {
        reply(Reply::BadRest);
        return;
    }
    auto t = std::make_unique<Transfer>();
    t->kind = TransferKind::Retr;
    t->vpath = *p;
    t->ascii = ascii_;
    t->offset = rest;
    t->size = size - rest;
    // TYPE I goes out with sendfile(2); TYPE A must pass through the conversion.
    t->body = ascii_ ? makeAsciiFileProducer(host(), fd.get(), rest)
                     : host().api()->producer_file(host().self(), fd.get(), rest, t->size);
    if (t->body == 0) {
        reply(Reply::ReadFailed);
        return;
    }
    const std::string detail = std::string(ascii_ ? "ASCII" : "BINARY") +
                               " mode data connection for " + std::string(baseName(*p)) + " (" +
                               std::to_string(t->size) + " bytes)";
    startTransfer(std::move(t), Reply::OpeningData, detail);
}

// ---- STOR, APPE, STOU -------------------------------------------------------------------------

void Session::cmdStore(const CommandLine& cmd, TransferKind kind) {
    const std::uint64_t rest = std::exchange(rest_, 0);
    std::string target;
    if (kind == TransferKind::Stou) {
        // RFC 1123 4.1.2.9: the server names the file; any argument is only a suggestion.
        for (int attempt = 0; attempt < 8 && target.empty(); ++attempt) {
            unsigned char b[4] = {};
            host().api()->random_bytes(host().self(), b, sizeof b);
            char name[16];
            std::snprintf(name, sizeof name, "ftp%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
            std::string candidate = childOf(cwd_, name);
            gorgon_fs_stat st{};
            if (fs_->stat(candidate, /*follow=*/false, st) == GORGON_E_NOTFOUND) target = candidate;
        }
        if (target.empty()) {
            reply(Reply::StoreFailed);
            return;
        }
    } else {
        auto p = pathArg(cmd);
        if (!p) return;
        target = *p;
    }
    if (setup_ == DataSetup::None) {
        reply(Reply::UsePasvFirst);
        return;
    }
    if (!dataProtectionOk()) return;
    if (!fs_->writable(target)) {
        reply(Reply::PermissionDenied);
        return;
    }
    gorgon_fs_stat existing{};
    const bool exists = fs_->stat(target, /*follow=*/false, existing) == GORGON_OK;
    if (exists && existing.type != GORGON_FS_FILE) {
        reply(Reply::StoreFailed);  // a directory, a link, a device: never written through
        return;
    }
    if (exists && !may_modify_) {
        reply(Reply::FileExists);
        return;
    }

    auto t = std::make_unique<Transfer>();
    t->kind = kind;
    t->vpath = target;
    t->ascii = ascii_;
    const std::uint32_t mode = shared_->config.file_mode;
    int raw = -1;
    gorgon_status s = GORGON_OK;
    if (kind == TransferKind::Stor && rest > 0) {
        // Resuming (REST then STOR): written in place from the offset, and cut there at the
        // end; an interrupted resume leaves the file as long as what arrived, ready to resume.
        if (!exists) {
            reply(Reply::BadRest);
            return;
        }
        s = fs_->openWrite(target, 0, mode, raw);
        if (s == GORGON_OK && rest > existing.size) {
            ::close(raw);
            reply(Reply::BadRest);
            return;
        }
        t->offset = rest;
        t->truncate_at_end = true;
    } else if (kind == TransferKind::Appe) {
        s = fs_->openWrite(target, GORGON_FS_CREATE | GORGON_FS_APPEND, mode, raw);
    } else {
        // Into a new file beside the target, renamed over it only once complete: nobody ever
        // sees half a file under the real name, and a failed upload leaves the old one intact.
        t->temp_vpath = childOf(parentOf(target), tempName());
        t->no_replace = kind == TransferKind::Stou || !may_modify_;
        s = fs_->openWrite(t->temp_vpath, GORGON_FS_CREATE | GORGON_FS_EXCLUSIVE, mode, raw);
    }
    if (s != GORGON_OK) {
        reply(s == GORGON_E_PERM ? Reply::PermissionDenied : Reply::StoreFailed);
        return;
    }
    t->fd = UniqueFd(raw);
    // Ours while we live: a sweep at another server's start leaves it alone (ftp_sweep.hpp).
    if (!t->temp_vpath.empty()) claimUploadFile(t->fd.get());
    if (kind == TransferKind::Stou) {
        startTransfer(std::move(t), Reply::UniqueFile, baseName(target));
        return;
    }
    const std::string detail = std::string(ascii_ ? "ASCII" : "BINARY") +
                               " mode data connection for " + std::string(baseName(target));
    startTransfer(std::move(t), Reply::OpeningData, detail);
}

void Session::storeInput() {
    Transfer& t = *transfer_;
    const Channel& data = link_->channel();
    char buf[kStoreChunk];
    std::string converted;
    for (;;) {
        const std::int64_t n = data.read(buf, sizeof buf);
        if (n <= 0) return;
        std::string_view chunk(buf, static_cast<std::size_t>(n));
        if (t.ascii) {
            converted.clear();
            t.from_ascii.convert(chunk, converted);
            chunk = converted;
        }
        if (!writeAll(t.fd.get(), chunk, t.truncate_at_end ? &t.offset : nullptr)) {
            const int err = errno;
            finishTransfer(false,
                           err == ENOSPC || err == EDQUOT ? Reply::NoSpace : Reply::WriteFailed);
            return;
        }
        t.bytes += chunk.size();
        count(Stat::BytesReceived, static_cast<std::int64_t>(chunk.size()));
    }
}

void Session::finishStore() {
    Transfer& t = *transfer_;
    std::string tail;
    t.from_ascii.finish(tail);
    if (!tail.empty() && !writeAll(t.fd.get(), tail, t.truncate_at_end ? &t.offset : nullptr)) {
        finishTransfer(false, Reply::WriteFailed);
        return;
    }
    t.bytes += tail.size();
    if (t.truncate_at_end && ::ftruncate(t.fd.get(), static_cast<off_t>(t.offset)) != 0) {
        finishTransfer(false, Reply::WriteFailed);
        return;
    }
    // close(2) reports a write error NFS or a full disk held back.
    if (::close(t.fd.release()) != 0) {
        finishTransfer(false, Reply::WriteFailed);
        return;
    }
    if (!t.temp_vpath.empty()) {
        gorgon_fs_stat st{};
        // No rename that refuses to replace (RENAME_NOREPLACE) in fs.h: checked just before.
        if (t.no_replace && fs_->stat(t.vpath, /*follow=*/false, st) == GORGON_OK) {
            finishTransfer(false, Reply::FileExists);
            return;
        }
        if (fs_->rename(t.temp_vpath, t.vpath) != GORGON_OK) {
            finishTransfer(false, Reply::StoreFailed);
            return;
        }
        t.temp_vpath.clear();  // it is the file now
    }
    finishTransfer(true, Reply::TransferOk);
}

// ---- LIST, NLST, MLSD, STAT path ---------------------------------------------------------------

std::optional<Reply> Session::collect(const std::string& vpath, std::string_view pattern,
                                      bool directory_only, bool dotfiles, ListingBody& body,
                                      std::size_t& truncated_at) {
    truncated_at = 0;
    gorgon_fs_stat st{};
    gorgon_status s = fs_->stat(vpath, /*follow=*/true, st);
    if (s != GORGON_OK) return s == GORGON_E_PERM ? Reply::PermissionDenied : Reply::NoSuchFile;
    if (st.type == GORGON_FS_FILE) {
        if (directory_only) return Reply::NotADirectory;
        body.entries.push_back(ListEntry{std::string(baseName(vpath)), st});
        return std::nullopt;
    }
    if (st.type != GORGON_FS_DIRECTORY) return Reply::NoSuchFile;

    Collector c;
    c.pattern = pattern;
    c.dotfiles = dotfiles;
    const std::size_t max = shared_->config.max_list_entries;
    s = fs_->list(vpath, max, &collectEntry, &c);
    if (c.failed) return Reply::ListFailed;
    if (s == GORGON_E_TOOBIG) {
        truncated_at = max;
        host().info("listing of " + vpath + " for " + peer_host_ + " stopped at " +
                    std::to_string(max) + " entries (max_list_entries)");
    } else if (s != GORGON_OK) {
        return s == GORGON_E_PERM ? Reply::PermissionDenied : Reply::ListFailed;
    }
    // A link is listed as what it points at, and only if that is inside the root: a listing
    // never advertises a name that cannot be opened, nor reveals where a link leads.
    if (!c.links.empty()) {
        std::vector<bool> drop(c.entries.size(), false);
        for (std::size_t i : c.links) {
            gorgon_fs_stat target{};
            ListEntry& e = c.entries[i];
            if (fs_->stat(childOf(vpath, e.name), /*follow=*/true, target) != GORGON_OK ||
                (target.type != GORGON_FS_FILE && target.type != GORGON_FS_DIRECTORY)) {
                drop[i] = true;
                continue;
            }
            e.st = target;
        }
        std::size_t kept = 0;
        for (std::size_t i = 0; i < c.entries.size(); ++i) {
            if (drop[i]) continue;
            if (kept != i) c.entries[kept] = std::move(c.entries[i]);  // never onto itself
            ++kept;
        }
        c.entries.resize(kept);
    }
    body.entries = std::move(c.entries);
    sortEntries(body.entries);
    return std::nullopt;
}

void Session::cmdList(const CommandLine& cmd, TransferKind kind) {
    bool dotfiles = false;
    std::string_view arg;
    if (kind == TransferKind::Mlsd) {
        arg = cmd.arg;
        dotfiles = true;  // a machine listing hides nothing the client may read
    } else {
        splitListArg(cmd.arg, dotfiles, arg);
    }
    std::string vpath = cwd_;
    std::string pattern;
    if (!arg.empty()) {
        auto p = resolvePath(cwd_, arg);
        if (!p) {
            reply(Reply::BadPath);
            return;
        }
        vpath = *p;
        if (kind != TransferKind::Mlsd && hasGlob(baseName(vpath))) {
            pattern = std::string(baseName(vpath));
            vpath = std::string(parentOf(vpath));
        }
    }
    if (setup_ == DataSetup::None) {
        reply(Reply::UsePasvFirst);
        return;
    }
    if (!dataProtectionOk()) return;
    ListingBody body;
    std::size_t truncated_at = 0;
    if (auto failure =
            collect(vpath, pattern, kind == TransferKind::Mlsd, dotfiles, body, truncated_at)) {
        reply(*failure);
        return;
    }
    body.format = kind == TransferKind::List   ? ListFormat::Long
                  : kind == TransferKind::Nlst ? ListFormat::Names
                                               : ListFormat::Facts;
    body.now = nowMs() / 1000;
    body.facts = facts_;
    body.writable = fs_->writable(childOf(vpath, "x")) && may_modify_;
    auto t = std::make_unique<Transfer>();
    t->kind = kind;
    t->vpath = vpath;
    t->ascii = true;
    t->truncated_at = truncated_at;
    t->body = makeListingProducer(host(), std::move(body));
    if (t->body == 0) {
        reply(Reply::ListFailed);
        return;
    }
    startTransfer(std::move(t), Reply::OpeningData,
                  "ASCII mode data connection for the directory listing");
}

void Session::statPath(const std::string& arg) {
    bool dotfiles = false;
    std::string_view path;
    splitListArg(arg, dotfiles, path);
    std::string vpath = cwd_;
    if (!path.empty()) {
        auto p = resolvePath(cwd_, path);
        if (!p) {
            reply(Reply::BadPath);
            return;
        }
        vpath = *p;
    }
    ListingBody body;
    std::size_t truncated_at = 0;
    if (auto failure = collect(vpath, {}, false, dotfiles, body, truncated_at)) {
        reply(*failure);
        return;
    }
    body.format = ListFormat::Long;
    body.now = nowMs() / 1000;
    // RFC 959 4.1.3: STAT with a path is LIST over the control connection, as a 213 reply.
    // The lines are made as the client reads them; none starts with a digit.
    gorgon_producer_id lines = makeListingProducer(host(), std::move(body));
    if (lines == 0) {
        reply(Reply::ListFailed);
        return;
    }
    sendRaw(formatReplyStart(Reply::StatusOfPath, "Status of " + vpath + ":"));
    if (closing_ || control_.send(lines) != GORGON_OK) {
        host().api()->producer_free(host().self(), lines);
        return;
    }
    sendRaw(formatReplyEnd(Reply::StatusOfPath, "End of status"));
}

// ---- The transfer's course ---------------------------------------------------------------------

void Session::startTransfer(std::unique_ptr<Transfer> t, Reply opening, std::string_view detail) {
    t->started_ms = nowMs();
    transfer_ = std::move(t);
    setIdleTimeout(false);  // a long transfer is not an idle control connection
    reply(opening, detail);
    if (closing_) return;
    if (setup_ == DataSetup::Passive) {
        if (link_ != nullptr) {
            linkReady();
        } else {
            accept_timer_.start(host(), shared_->config.connect_timeout_ms, false,
                                [this] { acceptTimedOut(); });
        }
        return;
    }
    gorgon_status status = GORGON_OK;
    link_ = DataLink::connect(host(), control_.id(), active_.host.c_str(), active_.port,
                              shared_->config.connect_timeout_ms, this, status);
    if (link_ == nullptr) {
        host().warn("cannot connect to " + active_.host + ":" + std::to_string(active_.port) +
                    " for " + peer_host_ + " (status " + std::to_string(status) + ")");
        finishTransfer(false, Reply::CantOpenData);
        return;
    }
    // PROT P: TLS as the server at once (the host handshakes once connected).
    secureLink();
}

void Session::acceptTimedOut() {
    if (transfer_ && !transfer_->flowing) finishTransfer(false, Reply::CantOpenData);
}

void Session::beginFlow() {
    Transfer& t = *transfer_;
    t.flowing = true;
    accept_timer_.cancel();
    const Channel& data = link_->channel();
    const std::uint64_t timeout = shared_->config.data_timeout_ms;
    if (t.outbound()) {
        data.setTimeouts(0, timeout);
        if (data.send(t.body) != GORGON_OK) {
            finishTransfer(false, Reply::CantOpenData);
            return;
        }
        t.body = 0;  // the host's now
        // Closed once everything is flushed; the link's on_close then says how it went.
        data.close(GORGON_CLOSE_AFTER_FLUSH);
        return;
    }
    data.setTimeouts(timeout, 0);
    data.pauseReading(false);
    if (data.inputLength() > 0) storeInput();
    if (transfer_ && link_ != nullptr && link_->eof()) finishStore();
}

void Session::finishTransfer(bool ok, Reply failure, std::optional<Reply> then) {
    std::unique_ptr<Transfer> t = std::move(transfer_);
    if (!t) return;
    accept_timer_.cancel();
    closeListener();
    if (link_ != nullptr) {
        link_->detach();
        link_ = nullptr;
    }
    setup_ = DataSetup::None;  // each transfer sets up its own data connection
    if (t->body != 0) host().api()->producer_free(host().self(), t->body);
    t->body = 0;
    if (!ok && !t->temp_vpath.empty()) fs_->remove(t->temp_vpath);
    t->fd.reset();
    logTransfer(*t, ok);
    if (ok) {
        if (t->kind == TransferKind::Retr) {
            count(Stat::FilesSent);
            count(Stat::BytesSent, static_cast<std::int64_t>(t->size));
        } else if (!t->outbound()) {
            count(Stat::FilesReceived);
        }
    }
    if (ok) {
        if (t->truncated_at != 0) {
            reply(Reply::TransferOkTruncated, std::to_string(t->truncated_at));
        } else {
            reply(Reply::TransferOk);
        }
    } else {
        reply(failure);
    }
    if (then) reply(*then);
    if (closing_) return;
    setIdleTimeout(true);
    endRequest();
    if (draining_) {
        closeSession(Reply::ShuttingDown);
        return;
    }
    processInput();  // commands that waited behind the transfer
}

void Session::abandonTransfer() noexcept {
    std::unique_ptr<Transfer> t = std::move(transfer_);
    if (!t) return;
    try {
        if (link_ != nullptr) {
            link_->detach();
            link_ = nullptr;
        }
        if (t->body != 0) host().api()->producer_free(host().self(), t->body);
        if (!t->temp_vpath.empty() && fs_) fs_->remove(t->temp_vpath);
        logTransfer(*t, false);
    } catch (...) {
        // Closing down: nothing left to tell anyone.
    }
}

void Session::cmdAbor() {
    if (!transfer_) {
        // RFC 959: no transfer to abort; any data connection set up is closed.
        resetData();
        reply(Reply::NoTransfer);
        return;
    }
    // RFC 959 4.1.3: 426 for the transfer, then 226 for the ABOR itself.
    finishTransfer(false, Reply::TransferAborted, Reply::AbortOk);
}

void Session::logTransfer(const Transfer& t, bool complete) {
    if (t.kind == TransferKind::List || t.kind == TransferKind::Nlst ||
        t.kind == TransferKind::Mlsd) {
        return;
    }
    if (!shared_->xferlog.enabled()) return;
    const std::int64_t now = nowMs();
    XferRecord r;
    r.end_sec = now / 1000;
    r.duration_ms = static_cast<std::uint64_t>(now > t.started_ms ? now - t.started_ms : 0);
    r.remote = peer_host_;
    r.bytes = t.outbound() ? t.size : t.bytes;
    r.path = t.vpath;
    r.ascii = t.ascii;
    r.direction = t.outbound() ? 'o' : 'i';
    r.access = access_ == Access::Anonymous ? 'a' : access_ == Access::Virtual ? 'g' : 'r';
    r.user = log_user_;
    r.complete = complete;
    if (!shared_->xferlog.write(formatXferlog(r))) {
        host().warn("cannot write the transfer log " + shared_->xferlog.path());
    }
}

}  // namespace gorgon::ftp
