#include "monitor_reply.hpp"

#include "monitor_json.hpp"
#include "monitor_text.hpp"

namespace gorgon::monitor {

Reply success(std::string text, std::string body) {
    return Reply{kOk, std::move(text), std::move(body), false};
}

Reply failure(int code, std::string_view message, bool json,
              const std::vector<std::string>& details) {
    Reply r;
    r.code = code;
    r.text = std::string(message);
    if (json) {
        JsonWriter w;
        w.beginObject().key("error").beginObject();
        w.field("code", static_cast<std::int64_t>(code)).field("message", message);
        if (!details.empty()) {
            w.key("details").beginArray();
            for (const std::string& d : details) w.string(d);
            w.endArray();
        }
        w.endObject().endObject();
        r.body = w.take() + "\n";
    } else {
        r.body = sanitize(message) + "\n";
        for (const std::string& d : details) r.body += sanitize(d) + "\n";
    }
    return r;
}

}  // namespace gorgon::monitor
