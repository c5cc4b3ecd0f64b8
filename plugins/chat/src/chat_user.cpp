#include "chat_user.hpp"

#include "chat_plugin.hpp"
#include "chat_server.hpp"
#include "chat_text.hpp"

#include <optional>

namespace gorgon::chat {

namespace {

constexpr std::string_view kPrompt = "nickname?: ";
constexpr std::string_view kTooSlow = "[disconnected: you are reading too slowly]\r\n";

}  // namespace

ChatUser::ChatUser(ChatPlugin& plugin, ChatServer& server)
    : plugin_(plugin),
      server_(&server),
      max_line_(server.config().max_line),
      output_limit_(server.config().output_limit),
      idle_timeout_ms_(server.config().idle_timeout_ms),
      write_timeout_ms_(server.config().write_timeout_ms) {}

void ChatUser::start() {
    conn().setTimeouts(idle_timeout_ms_, write_timeout_ms_);
    sendRaw(kPrompt);
}

void ChatUser::refuse(std::string_view why) {
    conn().setTimeouts(0, write_timeout_ms_);
    send(why);
    state_ = State::Leaving;
    conn().close(GORGON_CLOSE_AFTER_FLUSH);
}

void ChatUser::restore(const HandoffEntry& entry) {
    state_ = entry.state == HandoffState::Chatting ? State::Chatting : State::Prompting;
    discarding_ = entry.discarding;
    nick_ = entry.nick;
    room_ = entry.room;
}

void ChatUser::resume() {
    if (!active()) {
        return;
    }
    // The new generation's settings apply from now on, timeouts included.
    conn().setTimeouts(idle_timeout_ms_, write_timeout_ms_);
    // Lines that arrived while the reload was under way are waiting in the host's buffer.
    if (conn().inputLength() > 0) {
        processInput();
    }
}

void ChatUser::drain() {
    if (!active()) {
        return;
    }
    if (!owned()) {
        handedOff();
        return;
    }
    leave("[the chat server is shutting down; please reconnect]", /*announce=*/false);
}

void ChatUser::goodbye() {
    if (!active() || !owned()) {
        return;
    }
    leave("[this chat server is closing: it was removed from the configuration]",
          /*announce=*/false);
}

void ChatUser::serverGone() noexcept {
    server_ = nullptr;
    if (!active()) {
        return;
    }
    if (!owned()) {
        state_ = State::HandedOff;
        return;
    }
    state_ = State::Leaving;
    conn().write("[this chat server has been closed]\r\n");
    conn().close(GORGON_CLOSE_AFTER_FLUSH);
}

HandoffEntry ChatUser::handoffEntry() const {
    HandoffEntry e;
    if (server_ != nullptr) {
        e.server = server_->name();
    }
    e.conn = conn().id();
    e.state = state_ == State::Chatting ? HandoffState::Chatting : HandoffState::Prompting;
    e.discarding = discarding_;
    if (state_ == State::Chatting) {
        e.nick = nick_;
        e.room = room_;
    }
    return e;
}

void ChatUser::enterChat(std::string_view nick, std::string_view room) {
    nick_ = nick;
    room_ = room;
    state_ = State::Chatting;
}

// ---- Input ------------------------------------------------------------------------------------

void ChatUser::onData() {
    processInput();
    settle();
}

void ChatUser::processInput() {
    while (active() && server_ != nullptr) {
        if (discarding_) {
            discardRest();
            if (discarding_) {
                return;
            }
            continue;
        }
        // One byte more than the limit, so a line of exactly max_line bytes followed by "\r\n"
        // is read whole; anything longer is refused below.
        bool too_long = false;
        std::optional<std::string> line = conn().readLine(max_line_ + 1, too_long);
        if (!line) {
            if (!too_long) {
                return;
            }
            discarding_ = true;
            refuseLongLine();
            continue;
        }
        if (line->size() > max_line_) {
            refuseLongLine();
            continue;
        }
        handleLine(*line);
        // Settled after every line, so the next line already sees who left because of this one.
        settle();
    }
}

void ChatUser::refuseLongLine() {
    send("[line too long: at most " + std::to_string(max_line_) + " bytes]");
    if (state_ == State::Prompting) sendRaw(kPrompt);
}

// Drops input up to and including the next "\n"; whatever came before it belongs to a line
// already refused, so it is never held.
void ChatUser::discardRest() {
    const std::size_t available = conn().inputLength();
    if (available == 0) {
        return;
    }
    const std::int64_t at = conn().find("\n", available);
    if (at < 0) {
        conn().consume(available);
        return;
    }
    conn().consume(static_cast<std::size_t>(at) + 1);
    discarding_ = false;
}

void ChatUser::handleLine(std::string_view line) {
    if (state_ == State::Prompting) {
        chooseNick(line);
        return;
    }
    if (line.empty()) {
        return;
    }
    if (line.front() == '/') {
        // "//text" says "/text": the way to start a line with a slash.
        if (line.size() > 1 && line[1] == '/') {
            server_->say(*this, line.substr(1));
        } else {
            command(line);
        }
        return;
    }
    server_->say(*this, line);
}

void ChatUser::chooseNick(std::string_view line) {
    const std::string_view nick = trim(line);
    if (!isValidName(nick)) {
        send("[invalid nickname: use 1-32 characters from A-Z a-z 0-9 _ . -]");
        sendRaw(kPrompt);
        return;
    }
    if (server_->nickTaken(nick, this)) {
        send("[nickname " + std::string(nick) + " is taken]");
        sendRaw(kPrompt);
        return;
    }
    server_->welcome(*this, nick);
}

// ---- Events -----------------------------------------------------------------------------------

void ChatUser::onEvent(gorgon_conn_event event) {
    switch (event) {
        case GORGON_CONN_EOF:
            // A client that sends its last line and shuts down its side ("printf ... | nc")
            // still has that line said, even without a final newline.
            if (active() && !discarding_ && server_ != nullptr) {
                processInput();
                const std::size_t rest = conn().inputLength();
                if (active() && rest > 0 && rest <= max_line_) {
                    std::string line(conn().peek(rest));
                    conn().consume(rest);
                    if (!line.empty() && line.back() == '\r') {
                        line.pop_back();
                    }
                    handleLine(line);
                }
            }
            leave({}, /*announce=*/true);
            break;
        case GORGON_CONN_READ_TIMEOUT:
            leave("[idle timeout]", /*announce=*/true);
            break;
        case GORGON_CONN_WRITE_TIMEOUT:
            // The peer has stopped reading altogether: nothing more it is sent will arrive.
            if (state_ != State::HandedOff) {
                const bool announce = chatting();
                conn().close(GORGON_CLOSE_NOW);
                if (active() && server_ != nullptr) {
                    server_->depart(*this, announce);
                }
                state_ = State::Leaving;
            }
            break;
        case GORGON_CONN_CONNECTED:  // only outbound connections (conn_connect) see it
        case GORGON_CONN_TLS_READY:  // only after conn_start_tls
            break;
    }
    settle();
}

void ChatUser::onClose(gorgon_close_reason reason) {
    if (server_ != nullptr) {
        if (active()) {
            // An abrupt disconnect is announced like a /quit, except when the whole server
            // or this generation is stopping and everyone is leaving at once.
            const bool announce = chatting() && reason != GORGON_CLOSE_SHUTDOWN;
            state_ = State::Leaving;
            server_->depart(*this, announce);
            server_->settle();
        }
        server_->detach(*this);
    }
    plugin_.destroyUser(conn().id());  // frees *this: nothing may follow
}

// ---- Output -----------------------------------------------------------------------------------

void ChatUser::send(std::string_view line) {
    std::string bytes;
    bytes.reserve(line.size() + 2);
    bytes += line;
    bytes += "\r\n";
    sendRaw(bytes);
}

void ChatUser::sendRaw(std::string_view bytes) {
    if (!active()) {
        return;
    }
    if (conn().outputLength() + bytes.size() > output_limit_) {
        tooSlow();
        return;
    }
    if (conn().write(bytes) == GORGON_E_PERM) {
        handedOff();
    }
}

void ChatUser::tooSlow() {
    const bool announce = chatting();
    state_ = State::Leaving;
    plugin_.countSlowReader();
    if (host().logEnabled(GORGON_LOG_INFO)) {
        host().info("disconnecting slow reader " + (nick_.empty() ? "(no nickname)" : nick_) +
                    " on connection " + std::to_string(conn().id()));
    }
    // The farewell goes past the limit by one short line; the write timeout bounds how long
    // the flush may take.
    if (conn().write(kTooSlow) == GORGON_E_PERM) {
        state_ = State::HandedOff;
    } else {
        conn().close(GORGON_CLOSE_AFTER_FLUSH);
    }
    if (server_ != nullptr) {
        server_->depart(*this, announce && state_ != State::HandedOff);
    }
}

void ChatUser::leave(std::string_view farewell, bool announce) {
    if (!active()) {
        return;
    }
    const bool was_chatting = chatting();
    if (!farewell.empty()) {
        send(farewell);
        if (!active()) {
            return;  // already gone: too slow, or handed off
        }
    }
    state_ = State::Leaving;
    conn().close(GORGON_CLOSE_AFTER_FLUSH);
    if (server_ != nullptr) {
        server_->depart(*this, announce && was_chatting);
    }
}

void ChatUser::handedOff() {
    state_ = State::HandedOff;
    if (server_ != nullptr) {
        server_->depart(*this, false);
    }
}

bool ChatUser::owned() const noexcept {
    gorgon_conn_info info{};
    info.struct_size = sizeof info;
    return host().api()->conn_info(host().self(), conn().id(), &info) == GORGON_OK;
}

void ChatUser::settle() {
    if (server_ != nullptr) {
        server_->settle();
    }
}

}  // namespace gorgon::chat
