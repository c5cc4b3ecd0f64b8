// hello: a third-party Gorgon plugin; protocol "hello" answers each line with "hello, <line>".
#include <gorgon/plugin.hpp>

#include <map>
#include <memory>

namespace {

struct Hello;

// One client connection.
class Greeter : public gorgon::ConnHandler {
  public:
    explicit Greeter(Hello& plugin) : plugin_(plugin) {}
    void onData() override {
        bool too_long = false;
        while (auto line = conn().readLine(1024, too_long)) conn().write("hello, " + *line + "\n");
        if (too_long) conn().close(GORGON_CLOSE_NOW);
    }
    void onClose(gorgon_close_reason reason) override;

  private:
    Hello& plugin_;
};

// One server of the configuration whose `protocol:` is hello.
class Server {
  public:
    Server(Hello& plugin, gorgon::Host host, const gorgon_server_info&, gorgon::Config)
        : plugin_(plugin), host_(host) {}
    gorgon_status accept(gorgon_conn_id id);

  private:
    Hello& plugin_;
    gorgon::Host host_;
};

// The plugin: registers the protocol and owns the open connections.
struct Hello {
    Hello(gorgon::Host host, gorgon::Config) : protocol(host, "hello", this) {}
    std::map<gorgon_conn_id, std::unique_ptr<Greeter>> greeters;
    gorgon::ProtocolRegistration<Server, Hello> protocol;
};

void Greeter::onClose(gorgon_close_reason) {
    plugin_.greeters.erase(conn().id());
}

gorgon_status Server::accept(gorgon_conn_id id) {
    auto greeter = std::make_unique<Greeter>(plugin_);
    gorgon_status status = greeter->attach(host_, id);
    if (status == GORGON_OK) plugin_.greeters.emplace(id, std::move(greeter));
    return status;
}

}  // namespace

GORGON_PLUGIN(Hello, "hello", "1.0.0", "Answers each line with hello, <line>",
              GORGON_PROVIDES("protocol:hello"), GORGON_NONE)
