#include "chat_config.hpp"

#include "chat_text.hpp"

namespace gorgon::chat {

namespace {

constexpr const char* kKeys[] = {"max_users",     "max_line", "output_limit", "idle_timeout",
                                 "write_timeout", "motd",     nullptr};

// The longest line the server itself sends around a user's line: a nick, ": ", the line, CRLF.
constexpr std::size_t kLineOverhead = kMaxNameLength + 4;

}  // namespace

ChatConfig parseChatConfig(Host host, const Config& config) {
    ChatConfig out;
    if (!config.present()) {
        return out;
    }
    if (config.type() != GORGON_CONFIG_MAP) {
        config.fail("expected a map of chat settings");
    }
    config.allowKeys(host, kKeys);

    out.max_users = static_cast<std::uint64_t>(config["max_users"].integer(1000, 1, 1'000'000));

    const Config max_line = config["max_line"];
    const std::uint64_t line = max_line.sizeBytes(out.max_line);
    // Below 64 bytes "/nick" and a 32-byte name would not fit; above 1M one line could hold
    // several megabytes of output per recipient.
    if (line < 64 || line > std::uint64_t{1024} * 1024) {
        max_line.fail("must be between 64 and 1M bytes");
    }
    out.max_line = static_cast<std::size_t>(line);

    const Config output_limit = config["output_limit"];
    const std::uint64_t limit = output_limit.sizeBytes(out.output_limit);
    if (limit > 1024ULL * 1024 * 1024) {
        output_limit.fail("must be at most 1G");
    }
    // A limit smaller than one relayed line would disconnect every reader on the first message.
    if (limit < 2 * (out.max_line + kLineOverhead)) {
        const std::string why =
            "output_limit (" + std::to_string(limit) + " bytes) must be at least 2 x (max_line + " +
            std::to_string(kLineOverhead) +
            ") = " + std::to_string(2 * (out.max_line + kLineOverhead)) + " bytes";
        (output_limit.present() ? output_limit : max_line).fail(why);
    }
    out.output_limit = static_cast<std::size_t>(limit);

    out.idle_timeout_ms = config["idle_timeout"].durationMs(out.idle_timeout_ms);

    const Config write_timeout = config["write_timeout"];
    out.write_timeout_ms = write_timeout.durationMs(out.write_timeout_ms);
    // Without a write timeout a client that stops reading would hold its slot for ever.
    if (out.write_timeout_ms == 0) {
        write_timeout.fail("must be greater than zero");
    }

    const Config motd = config["motd"];
    out.motd = motd.string();
    // Every newcomer is sent the motd; one that fills their output limit would disconnect them.
    if (out.motd.size() > out.output_limit / 4) {
        motd.fail("longer than a quarter of output_limit");
    }
    return out;
}

}  // namespace gorgon::chat
