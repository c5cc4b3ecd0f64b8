// The slash commands a chatting user can type.
#include "chat_server.hpp"
#include "chat_text.hpp"
#include "chat_user.hpp"

#include <array>

namespace gorgon::chat {

std::span<const ChatUser::CommandSpec> ChatUser::commands() noexcept {
    static constexpr std::array<CommandSpec, 8> kCommands = {{
        {"who", "/who              who is in this room", &ChatUser::cmdWho},
        {"rooms", "/rooms            the rooms and how many are in each", &ChatUser::cmdRooms},
        {"join", "/join ROOM        move to ROOM (made if it does not exist)", &ChatUser::cmdJoin},
        {"nick", "/nick NAME        change your nickname", &ChatUser::cmdNick},
        {"me", "/me ACTION        tell the room what you are doing", &ChatUser::cmdMe},
        {"help", "/help             this list", &ChatUser::cmdHelp},
        {"quit", "/quit or /q       leave", &ChatUser::cmdQuit},
        {"q", {}, &ChatUser::cmdQuit},
    }};
    return kCommands;
}

void ChatUser::command(std::string_view line) {
    const Command cmd = splitCommand(line);
    for (const CommandSpec& spec : commands()) {
        if (equalsIgnoreCase(cmd.name, spec.name)) {
            (this->*spec.run)(cmd.args);
            return;
        }
    }
    // Echo at most a name's worth of what was typed, made harmless.
    std::string typed = sanitize(cmd.name.substr(0, kMaxNameLength));
    send("[unknown command /" + typed + "; try /help]");
}

void ChatUser::cmdWho(std::string_view /*args*/) {
    server_->who(*this);
}

void ChatUser::cmdRooms(std::string_view /*args*/) {
    server_->listRooms(*this);
}

void ChatUser::cmdJoin(std::string_view args) {
    if (!isValidName(args)) {
        send("[usage: /join ROOM, where ROOM is 1-32 characters from A-Z a-z 0-9 _ . -]");
        return;
    }
    const std::string room = foldCase(args);
    if (room == room_) {
        send("[You are already in " + room + "]");
        return;
    }
    server_->moveTo(*this, room);
}

void ChatUser::cmdNick(std::string_view args) {
    if (!isValidName(args)) {
        send("[usage: /nick NAME, where NAME is 1-32 characters from A-Z a-z 0-9 _ . -]");
        return;
    }
    if (args == nick_) {
        send("[You are already " + nick_ + "]");
        return;
    }
    if (server_->nickTaken(args, this)) {
        send("[nickname " + std::string(args) + " is taken]");
        return;
    }
    server_->rename(*this, args);
}

void ChatUser::cmdMe(std::string_view args) {
    if (args.empty()) {
        send("[usage: /me ACTION]");
        return;
    }
    server_->emote(*this, args);
}

void ChatUser::cmdHelp(std::string_view /*args*/) {
    std::string reply = "[commands]\r\n";
    for (const CommandSpec& spec : commands()) {
        if (!spec.usage.empty()) {
            reply += "  ";
            reply += spec.usage;
            reply += "\r\n";
        }
    }
    reply += "  //text            say a line that starts with /\r\n";
    sendRaw(reply);
}

void ChatUser::cmdQuit(std::string_view /*args*/) {
    leave("Goodbye!", /*announce=*/true);
}

}  // namespace gorgon::chat
