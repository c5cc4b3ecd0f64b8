// hello: a third-party Gorgon plugin; protocol "hello" answers each line with "hello, <line>".
#include <gorgon/plugin.hpp>

namespace {

// One connection. gorgon::serve() keeps it alive exactly as long as the connection.
class Greeter : public gorgon::ConnHandler {
  public:
    void onData() override {
        bool too_long = false;
        while (auto line = conn().readLine(1024, too_long)) {
            conn().write("hello, " + *line + "\r\n");
        }
        if (too_long) conn().close(GORGON_CLOSE_NOW);
    }
};

struct Hello;

// One configured server whose `protocol:` is hello. It takes no settings.
class Server {
  public:
    Server(Hello&, gorgon::Host host, const gorgon_server_info&, gorgon::Config config)
        : host_(host) {
        config.allowKeys(host, kNoKeys);
    }
    gorgon_status accept(gorgon_conn_id id) { return gorgon::serve<Greeter>(host_, id); }

  private:
    static constexpr const char* kNoKeys[] = {nullptr};
    gorgon::Host host_;
};

// The plugin: constructed when it is loaded (init), destroyed when it is unloaded (shutdown).
struct Hello {
    Hello(gorgon::Host host, gorgon::Config) : protocol(host, "hello", this) {}
    gorgon::ProtocolRegistration<Server, Hello> protocol;
};

}  // namespace

GORGON_PLUGIN(Hello, "hello", "1.0.0", "Answers each line with hello, <line>",
              GORGON_PROVIDES("protocol:hello"), GORGON_NONE)
