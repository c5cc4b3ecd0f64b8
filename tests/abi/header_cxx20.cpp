// Every public header, compiled as strict C++20 with the project's warnings (including
// -Wold-style-cast, -Wnon-virtual-dtor, -Wmissing-declarations). plugin.hpp comes first to prove
// it is self-contained; plugin.h is then included again to check its guard and extern "C".
// Templates only warn when instantiated, so this uses every part of the wrapper: a plugin class
// with every optional hook, a protocol, a connection handler and a Timer.
#include <gorgon/plugin.h>
#include <gorgon/plugin.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace {

class Check;

class Handler : public gorgon::ConnHandler {
  public:
    explicit Handler(Check& owner) : owner_(owner) {}
    void onData() override;
    void onClose(gorgon_close_reason reason) override;

  private:
    Check& owner_;
};

class Server {
  public:
    Server(Check& owner, gorgon::Host host, const gorgon_server_info& info, gorgon::Config config)
        : owner_(owner), host_(host), name_(info.name) {
        static const char* const keys[] = {"limit", "timeout", "size", "flag", "list", nullptr};
        config.allowKeys(host, keys);
        limit_ = config["limit"].integer(10, 1, 100);
        timeout_ = config["timeout"].durationMs(1000);
        size_ = config["size"].sizeBytes(4096);
        flag_ = config["flag"].boolean(false);
        for (size_t i = 0; i < config["list"].size(); ++i) name_ += config["list"].at(i).string();
        if (config.keyAt(0).empty() && config.type() == GORGON_CONFIG_MAP) name_ += "?";
    }
    gorgon_status accept(gorgon_conn_id id);

  private:
    Check& owner_;
    gorgon::Host host_;
    std::string name_;
    int64_t limit_ = 0;
    uint64_t timeout_ = 0;
    uint64_t size_ = 0;
    bool flag_ = false;
};

class Check {
  public:
    Check(gorgon::Host host, gorgon::Config config)
        : host_(host), greeting_(config["greeting"].string("hi")), protocol_(host, "check", this) {
        if (host_.logEnabled(GORGON_LOG_DEBUG)) host_.debug("starting");
        timer_.start(host_, 100, false, [this] { host_.info(greeting_); });
    }
    void drain() { timer_.cancel(); }
    void handoffExport(std::string& out) { out = greeting_; }
    void handoffImport(std::string_view in) { greeting_ = in; }

    std::map<gorgon_conn_id, std::unique_ptr<Handler>> handlers;

  private:
    gorgon::Host host_;
    std::string greeting_;
    gorgon::Timer timer_;
    gorgon::ProtocolRegistration<Server, Check> protocol_;
};

void Handler::onData() {
    bool too_long = false;
    while (auto line = conn().readLine(1024, too_long)) {
        if (auto info = conn().info()) conn().write(info->peer);
        conn().write(*line);
    }
    if (too_long) conn().close(GORGON_CLOSE_NOW);
    if (conn().outputLength() > 65536) conn().pauseReading(true);
    conn().setTimeouts(1000, 1000);
    (void)owner_;
}

void Handler::onClose(gorgon_close_reason /*reason*/) {
    owner_.handlers.erase(conn().id());
}

// A handler without an owner, served by gorgon::serve().
class Ownerless : public gorgon::ConnHandler {
  public:
    explicit Ownerless(int tag) : tag_(tag) {}
    void onData() override { conn().consume(conn().inputLength()); }
    void onClose(gorgon_close_reason /*reason*/) override { tag_ = 0; }

  private:
    int tag_;
};

gorgon_status Server::accept(gorgon_conn_id id) {
    if (flag_) return gorgon::serve<Ownerless>(host_, id, 7);
    auto handler = std::make_unique<Handler>(owner_);
    gorgon_status status = handler->attach(host_, id);
    if (status == GORGON_OK) owner_.handlers.emplace(id, std::move(handler));
    (void)limit_;
    (void)timeout_;
    (void)size_;
    return status;
}

static_assert(gorgon::detail::Adapter<Check>::kHasDrain);
static_assert(gorgon::detail::Adapter<Check>::kHasHandoff);

}  // namespace

GORGON_PLUGIN(Check, "header-check", "0", "compiled, never loaded",
              GORGON_PROVIDES("protocol:check"), GORGON_DEPENDS("test:nothing"))

// The service lease (service.hpp), instantiated so its template is checked too.
#include <gorgon/fs.h>
#include <gorgon/service.hpp>

bool headerCheckLease(gorgon::Host host);
bool headerCheckLease(gorgon::Host host) {
    gorgon::ServiceLease<gorgon_fs_provider> fs(host, "filesystem:os");
    auto other = gorgon::ServiceLease<gorgon_fs_provider>::tryAcquire(host, "filesystem:union");
    gorgon::ServiceLease<gorgon_fs_provider> moved(std::move(fs));
    return moved.current("filesystem:os") && other.has_value() && (*other)->struct_size > 0;
}

// The filesystem root (filesystem.hpp).
#include <gorgon/filesystem.hpp>

bool headerCheckFsRoot(gorgon::Host host);
bool headerCheckFsRoot(gorgon::Host host) {
    gorgon::FsRoot root(host, "os", "/srv", GORGON_FS_READ_ONLY);
    gorgon::FsRoot moved(std::move(root));
    gorgon_fs_stat st{};
    int fd = -1;
    return moved.stat("/", 0, st) == GORGON_OK && moved.open("/x", GORGON_FS_READ, 0, fd) == 0 &&
           moved.mkdir("/d", 0755) == 0 && moved.rename("/a", "/b") == 0 &&
           moved.remove("/b") == 0 && moved.rmdir("/d") == 0 &&
           moved.list("/", 10, nullptr, nullptr) == 0;
}

// Entity tags (http_etag.hpp).
#include <gorgon/http_etag.hpp>

bool headerCheckEtag();
bool headerCheckEtag() {
    char tag[gorgon::http::kEtagCapacity];
    const std::size_t n = gorgon::http::formatEtag(1, 2, 3, false, tag);
    return gorgon::http::etagListMatches("\"x\", W/\"y\"", std::string_view(tag, n), true);
}

// Escaping (escape.hpp): JSON, HTML in both control-byte styles, URLs.
#include <gorgon/escape.hpp>

bool headerCheckEscape();
bool headerCheckEscape() {
    std::string url;
    gorgon::escape::appendUrl(url, "a b/c", true);
    return gorgon::escape::json("x") == "\"x\"" && gorgon::escape::html("<") == "&lt;" &&
           gorgon::escape::html("\x1b", gorgon::escape::HtmlControls::references) == "&#27;" &&
           url == "a%20b/c";
}

// The host's status calls (status.hpp): every listing template instantiated.
#include <gorgon/status.hpp>

bool headerCheckStatus(gorgon::Host host);
bool headerCheckStatus(gorgon::Host host) {
    if (!gorgon::status::available(host)) return false;
    gorgon_status rc = GORGON_OK;
    std::uint64_t total = 0;
    const auto process = gorgon::status::readProcess(host, rc);
    const auto servers = gorgon::status::listServers(host, rc);
    const auto plugins = gorgon::status::listPlugins(host, rc);
    const auto conns = gorgon::status::listConnections(host, "", 10, total, rc);
    const auto stats = gorgon::status::listStats(host, rc);
    return process && servers && plugins && conns && stats &&
           gorgon::status::kLagBucketBoundsMs.size() + 1 == GORGON_LAG_BUCKETS;
}

// crypt(3) password checks (crypt.hpp); compiled only, so libcrypt need not be linked.
#include <gorgon/crypt.hpp>

bool headerCheckCrypt();
bool headerCheckCrypt() {
    return gorgon::password::constantTimeEqual("a", "a") &&
           gorgon::password::strength("$6$salt$x") == gorgon::password::Strength::ok &&
           !gorgon::password::verify("pw", "$6$salt$x");
}

// ASCII text helpers (text.hpp).
#include <gorgon/text.hpp>

static_assert(gorgon::text::equalsIgnoreCase("Content-Type", "content-type"));
