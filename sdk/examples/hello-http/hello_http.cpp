// hello-http: a third-party HTTP extension. A route `extension: hello` answers requests under
// its `prefix` with a greeting; `?name=` picks who is greeted; `?pool=1` builds the answer on
// the host's work pool (where slow work, a password hash say, belongs) and answers from there.
#include <gorgon/http.hpp>

#include <memory>
#include <string>

using gorgon::http::Request;
using gorgon::http::Result;

class HelloRoute {
  public:
    // The route's `config:`; a bad value throws, and the server refuses to start with a
    // located message ("gorgon.yaml:12:17: routes[0].config.prefix: expected a string").
    HelloRoute(gorgon::http::Env env, gorgon::Config config)
        : host_(env.host()),
          prefix_(config["prefix"].string("/hello")),
          greeting_(config["greeting"].string("Hello")) {
        static const char* const keys[] = {"prefix", "greeting", nullptr};
        gorgon::http::allowKeys(config, keys);
    }

    bool match(const Request& req) { return gorgon::http::pathUnder(req.path(), prefix_); }

    Result handle(Request& req) {
        if (req.method() != "GET" && req.method() != "HEAD")
            return req.error(405, {{"Allow", "GET, HEAD"}});
        std::string name(gorgon::http::queryValue(req.query(), "name").value_or("world"));
        if (!gorgon::http::queryValue(req.query(), "pool"))
            return answer(req, greeting_ + ", " + name);
        // The lambda runs on a pool thread with its own copies; the completion runs on the loop,
        // where `later` is false if the client has gone meanwhile.
        auto text = std::make_shared<std::string>();
        auto later = req.defer();
        gorgon_status s =
            host_.submitWork([text, g = greeting_, name] { *text = g + " from the pool, " + name; },
                             [later, text](gorgon_status) {
                                 if (later) answer(later.request(), *text);
                             });
        return s == GORGON_OK ? Result::later : req.error(503);
    }

    static Result answer(Request& req, const std::string& text) {
        return req.respond(200, {{"Content-Type", "text/plain; charset=utf-8"}}, text + "!\n");
    }

  private:
    gorgon::Host host_;
    std::string prefix_;
    std::string greeting_;
};

GORGON_HTTP_EXTENSION(HelloRoute, "hello-http", "hello", "1.0.0", "Says hello over HTTP")
