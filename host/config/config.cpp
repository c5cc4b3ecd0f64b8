#include "config/config.hpp"

#include "plugin/descriptor_check.hpp"

#include <cstdlib>
#include <set>

namespace gorgon {

namespace {

// Collects every problem instead of stopping at the first, so one run shows them all.
class Validator {
  public:
    void add(const Error& e) { errors_.push_back(e.message); }
    void add(std::vector<std::string> lines) {
        for (auto& l : lines) errors_.push_back(std::move(l));
    }
    template <class T>
    bool take(Result<T> r, T& out) {
        if (!r) {
            errors_.push_back(r.error());
            return false;
        }
        out = std::move(r.value());
        return true;
    }
    [[nodiscard]] bool ok() const { return errors_.empty(); }
    [[nodiscard]] std::string joined() const {
        std::string out;
        for (const auto& e : errors_) out += (out.empty() ? "" : "\n") + e;
        return out;
    }

  private:
    std::vector<std::string> errors_;
};

bool validName(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

bool expectMap(Validator& v, const ConfigNode* node) {
    if (node->isMap()) return true;
    v.add(node->error("expected a map"));
    return false;
}

void readLog(Validator& v, const ConfigNode& node, Config& c) {
    if (!expectMap(v, &node)) return;
    v.add(node.unknownKeys({"level", "file"}));
    if (const auto* level = node.get("level")) {
        std::string name;
        if (v.take(level->asString(), name)) {
            auto parsed = parseLogLevel(name);
            if (parsed) {
                c.log_level = *parsed;
            } else {
                v.add(level->error("expected error, warn, info or debug"));
            }
        }
    }
    if (const auto* file = node.get("file")) v.take(file->asString(), c.log_file);
}

void readPlugins(Validator& v, const ConfigNode& node, Config& c) {
    if (!expectMap(v, &node)) return;
    v.add(node.unknownKeys({"directory", "runtime_directory", "drain_timeout", "probe",
                            "probe_timeout", "watch", "load"}));
    if (const auto* n = node.get("directory")) v.take(n->asString(), c.plugin_directory);
    if (const auto* n = node.get("runtime_directory")) v.take(n->asString(), c.runtime_directory);
    if (const auto* n = node.get("drain_timeout")) v.take(n->asDurationMs(), c.drain_timeout_ms);
    if (const auto* n = node.get("probe")) v.take(n->asBool(), c.probe);
    if (const auto* n = node.get("watch")) v.take(n->asBool(), c.watch);
    if (const auto* n = node.get("probe_timeout")) v.take(n->asDurationMs(), c.probe_timeout_ms);
    const auto* load = node.get("load");
    if (load == nullptr || load->isNull()) return;
    if (!expectMap(v, load)) return;
    for (size_t i = 0; i < load->size(); ++i) {
        const std::string* key = load->keyAt(i);
        const ConfigNode* sub = load->at(i);
        if (key == nullptr || sub == nullptr) continue;  // a map always has both
        const std::string& name = *key;
        // The descriptor check's rule: a name it refuses can never be loaded.
        if (!validPluginName(name)) {
            v.add(sub->error(
                "a plugin name is 1-63 characters of a-z, 0-9, - and _, the first a letter or "
                "digit"));
            continue;
        }
        if (!sub->isNull() && !sub->isMap()) {
            v.add(sub->error("expected a map of the plugin's settings (or {})"));
            continue;
        }
        c.plugins.push_back({name, sub});
    }
}

void readServer(Validator& v, const ConfigNode& node, Config& c, std::set<std::string>& names) {
    if (!expectMap(v, &node)) return;
    v.add(node.unknownKeys(
        {"name", "protocol", "listen", "socket_mode", "config", "tls", "limits", "socket"}));
    ServerConfig s;
    s.node = &node;
    s.limits = c.limits;
    std::vector<std::string> socket_errors;
    if (const auto* n = node.get("limits")) readConnectionLimits(*n, s.limits, socket_errors);
    if (const auto* n = node.get("socket")) readSocketOptions(*n, s.socket, socket_errors);
    v.add(std::move(socket_errors));
    const auto* name = node.get("name");
    const auto* protocol = node.get("protocol");
    const auto* listen = node.get("listen");
    if (name == nullptr) v.add(node.error("a server needs a name"));
    if (protocol == nullptr) v.add(node.error("a server needs a protocol"));
    if (listen == nullptr) v.add(node.error("a server needs at least one listen address"));
    if (name != nullptr && v.take(name->asString(), s.name)) {
        if (!validName(s.name)) {
            v.add(name->error("a server name is 1-63 characters of a-z, 0-9, - and _"));
        } else if (!names.insert(s.name).second) {
            v.add(name->error("another server is already named \"" + s.name + "\""));
        }
    }
    if (protocol != nullptr && v.take(protocol->asString(), s.protocol) && !validName(s.protocol)) {
        v.add(protocol->error("a protocol name is 1-63 characters of a-z, 0-9, - and _"));
    }
    if (listen != nullptr) {
        std::vector<const ConfigNode*> items;
        if (listen->isScalar()) {
            items.push_back(listen);
        } else if (listen->isSequence() && listen->size() > 0) {
            for (size_t i = 0; i < listen->size(); ++i) items.push_back(listen->at(i));
        } else {
            v.add(listen->error("expected an address or a non-empty list of addresses"));
        }
        for (const auto* item : items) {
            std::string text;
            if (!v.take(item->asString(), text)) continue;
            auto addr = parseListenAddress(text);
            if (!addr) {
                v.add(item->error(addr.error()));
            } else {
                s.listen.push_back(std::move(addr.value()));
            }
        }
    }
    // Unix sockets are private to the service user unless the operator widens them.
    uint32_t socket_mode = 0600;
    if (const auto* mode = node.get("socket_mode")) {
        std::string text;
        if (v.take(mode->asString(), text)) {
            char* end = nullptr;
            unsigned long m = std::strtoul(text.c_str(), &end, 8);
            if (text.empty() || *end != '\0' || m > 0777 || (m & 0600) != 0600) {
                v.add(
                    mode->error("expected octal permission bits such as \"0660\" that include "
                                "the owner's read and write (0600)"));
            } else {
                socket_mode = static_cast<uint32_t>(m);
            }
        }
    }
    for (auto& addr : s.listen) addr.unix_mode = socket_mode;
    s.config = node.get("config");
    if (s.config != nullptr && !s.config->isNull() && !s.config->isMap()) {
        v.add(s.config->error("expected a map of the protocol's settings"));
    }
    if (const auto* tls = node.get("tls"); tls != nullptr && !tls->isNull()) {
        std::vector<std::string> errors;
        s.tls = parseTlsConfig(*tls, s.protocol, errors);
        v.add(std::move(errors));
    }
    c.servers.push_back(std::move(s));
}

Result<Config> validate(std::shared_ptr<const ConfigNode> root) {
    Config c;
    c.root = root;
    Validator v;
    if (!root->isMap()) return root->error("the configuration must be a map");
    v.add(root->unknownKeys({"log", "user", "group", "shutdown_timeout", "max_open_files", "limits",
                             "plugins", "servers", "work_pool", "watchdog"}));
    v.add(readWorkSettings(*root, c.work));
    if (const auto* n = root->get("log")) readLog(v, *n, c);
    if (const auto* n = root->get("user")) v.take(n->asString(), c.user);
    if (const auto* n = root->get("group")) v.take(n->asString(), c.group);
    if (const auto* n = root->get("shutdown_timeout")) {
        v.take(n->asDurationMs(), c.shutdown_timeout_ms);
    }
    if (const auto* n = root->get("plugins")) readPlugins(v, *n, c);
    if (const auto* n = root->get("max_open_files")) {
        int64_t files = 0;
        if (v.take(n->asInt(64, 1 << 30), files)) c.max_open_files = static_cast<uint64_t>(files);
    }
    // Before the servers: their `limits:` start from these.
    if (const auto* n = root->get("limits")) {
        std::vector<std::string> errors;
        readConnectionLimits(*n, c.limits, errors);
        v.add(std::move(errors));
    }
    if (const auto* servers = root->get("servers"); servers != nullptr && !servers->isNull()) {
        if (!servers->isSequence()) {
            v.add(servers->error("expected a list of servers"));
        } else {
            std::set<std::string> names;
            for (size_t i = 0; i < servers->size(); ++i) readServer(v, *servers->at(i), c, names);
        }
    }
    if (!v.ok()) return fail(v.joined());
    // Nodes the plugins read must never be null: give absent subtrees an empty map that lives
    // as long as the tree does (kept in a static; it is immutable and shared).
    static const std::shared_ptr<const ConfigNode> empty = ConfigNode::emptyMap("");
    for (auto& p : c.plugins) {
        if (p.config->isNull()) p.config = empty.get();
    }
    for (auto& s : c.servers) {
        if (s.config == nullptr || s.config->isNull()) s.config = empty.get();
    }
    return c;
}

}  // namespace

const PluginLoadConfig* Config::plugin(std::string_view name) const {
    for (const auto& p : plugins) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

Result<Config> loadConfig(const std::string& path) {
    auto text = ConfigNode::readFile(path);
    if (!text) return fail(text.error());
    auto root = ConfigNode::loadText(text.value(), path);
    if (!root) return fail(root.error());
    auto c = validate(root.value());
    if (c) {
        c->file = path;
        c->text = std::move(text.value());
    }
    return c;
}

Result<Config> parseConfig(std::string_view text, const std::string& name) {
    auto root = ConfigNode::loadText(text, name);
    if (!root) return fail(root.error());
    auto c = validate(root.value());
    if (c) {
        c->file = name;
        c->text = std::string(text);
    }
    return c;
}

}  // namespace gorgon
