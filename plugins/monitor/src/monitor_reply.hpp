// One reply to a command: its code, its one-line summary, and its body (human text or one JSON
// document), before framing. Pure code.
#pragma once

#include "monitor_framing.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gorgon::monitor {

struct Reply {
    int code = kOk;
    std::string text;  // the status line's summary
    std::string body;
    bool close = false;  // close the connection once this is sent
};

// A success: `text` is the summary, `body` the output (a JSON document already ends in "\n").
[[nodiscard]] Reply success(std::string text, std::string body);

// A refusal or failure. Human body: the message, then each detail, one per line. JSON body:
// {"error":{"code":N,"message":"...","details":["..."]}}.
[[nodiscard]] Reply failure(int code, std::string_view message, bool json,
                            const std::vector<std::string>& details = {});

}  // namespace gorgon::monitor
