// One connected client: line framing with a length limit, the nickname prompt, commands, an
// output limit that disconnects readers who fall behind, and timeouts.
#pragma once

#include "chat_config.hpp"
#include "chat_handoff.hpp"

#include <gorgon/plugin.hpp>

#include <span>
#include <string>
#include <string_view>

namespace gorgon::chat {

class ChatPlugin;
class ChatServer;

class ChatUser final : public ConnHandler {
  public:
    enum class State {
        Prompting,  // connected, asked for a nickname
        Chatting,   // has a nickname and a room
        Leaving,    // closing: reads nothing, is sent nothing more
        HandedOff,  // the connection now belongs to a newer generation: never touch it
    };

    ChatUser(ChatPlugin& plugin, ChatServer& server);

    void start();
    void refuse(std::string_view why);
    void restore(const HandoffEntry& entry);
    void resume();
    void drain();
    // A reload removes the server (protocol_goodbye): say so and leave.
    void goodbye();
    void serverGone() noexcept;
    void forgetServer() noexcept { server_ = nullptr; }

    void onData() override;
    void onEvent(gorgon_conn_event event) override;
    void onClose(gorgon_close_reason reason) override;

    // Queue output, unless that would take this reader past its output limit, in which case
    // it is disconnected instead. send() adds the CRLF; sendRaw() sends bytes as they are.
    void send(std::string_view line);
    void sendRaw(std::string_view bytes);

    [[nodiscard]] State state() const noexcept { return state_; }
    [[nodiscard]] bool chatting() const noexcept { return state_ == State::Chatting; }
    [[nodiscard]] const std::string& nick() const noexcept { return nick_; }
    [[nodiscard]] const std::string& room() const noexcept { return room_; }
    [[nodiscard]] HandoffEntry handoffEntry() const;

    // Used by ChatServer, which owns the registry these mirror.
    void enterChat(std::string_view nick, std::string_view room);
    void setNick(std::string_view nick) { nick_ = nick; }
    void setRoom(std::string_view room) { room_ = room; }

  private:
    struct CommandSpec {
        std::string_view name;
        std::string_view usage;
        void (ChatUser::*run)(std::string_view args);
    };
    static std::span<const CommandSpec> commands() noexcept;

    void processInput();
    void discardRest();
    void refuseLongLine();
    void handleLine(std::string_view line);
    void chooseNick(std::string_view line);
    void command(std::string_view line);
    void cmdWho(std::string_view args);
    void cmdRooms(std::string_view args);
    void cmdJoin(std::string_view args);
    void cmdNick(std::string_view args);
    void cmdMe(std::string_view args);
    void cmdHelp(std::string_view args);
    void cmdQuit(std::string_view args);

    void leave(std::string_view farewell, bool announce);
    void tooSlow();
    void handedOff();
    [[nodiscard]] bool owned() const noexcept;
    [[nodiscard]] bool active() const noexcept {
        return state_ == State::Prompting || state_ == State::Chatting;
    }
    void settle();

    ChatPlugin& plugin_;
    ChatServer* server_;  // null once the server is closed
    std::size_t max_line_;
    std::size_t output_limit_;
    std::uint64_t idle_timeout_ms_;
    std::uint64_t write_timeout_ms_;
    State state_ = State::Prompting;
    bool discarding_ = false;  // throwing away the rest of an over-long line
    std::string nick_;
    std::string room_;
};

}  // namespace gorgon::chat
