#include "runner.hpp"

#include "exit_codes.hpp"
#include "history.hpp"
#include "line_editor.hpp"
#include "monitor_tokens.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <pwd.h>
#include <unistd.h>

namespace gorgonctl {

namespace {

constexpr std::size_t kMaxScriptLine = 65536;

// Bytes for a terminal: control bytes other than newline and tab become '?', so a reply cannot
// drive the terminal. Output to a pipe or file is left exactly as the server sent it.
std::string forTerminal(const std::string& text, int fd) {
    if (::isatty(fd) == 0) return text;
    std::string out = text;
    for (char& c : out) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20 && c != '\n' && c != '\t') || b == 0x7f) c = '?';
    }
    return out;
}

void writeOut(FILE* f, const std::string& text) {
    const std::string clean = forTerminal(text, ::fileno(f));
    std::fwrite(clean.data(), 1, clean.size(), f);
    std::fflush(f);
}

// Prints a reply: a success's body on stdout; a failure's on stderr, except with --json, where
// the error document goes to stdout for the script to parse. Returns the exit code.
int show(const Message& m, bool json) {
    const int code = exitCodeFor(m.code);
    const std::string& shown = m.body.empty() ? m.text + "\n" : m.body;
    if (code == kExitOk || json) {
        if (!m.body.empty()) writeOut(stdout, m.body);
    } else {
        writeOut(stderr, "gorgonctl: " + shown);
    }
    return code;
}

std::string lineFor(const RunContext& ctx, const std::string& typed) {
    return ctx.options.json ? "--json " + typed : typed;
}

// Before a command: a notice the server sent meanwhile (a 421 when it restarts) is shown if
// `verbose`, and a closed connection is opened again. Throws ClientError if it cannot be.
void ensureConnected(RunContext& ctx, bool verbose) {
    Message notice;
    if (ctx.client.pollUnsolicited(notice) && verbose && notice.code != 0) {
        writeOut(stderr, "gorgonctl: the monitor closed the connection: " + notice.text +
                             "; reconnecting\n");
    }
    if (!ctx.client.connected()) {
        ctx.client.connect(ctx.endpoint, ctx.secret, ctx.options.connect_timeout_s,
                           ctx.options.timeout_s);
    }
}

// Sends a command on a connection that may have been closed meanwhile. A 421 reply means the
// server closed the session without running the command (it never answers a command it ran
// with 421), so the command is sent once more, on a new connection.
Message commandReconnecting(RunContext& ctx, const std::string& line, bool verbose) {
    ensureConnected(ctx, verbose);
    Message reply = ctx.client.command(line);
    if (reply.code == 421) {
        ctx.client.close();
        ensureConnected(ctx, false);
        reply = ctx.client.command(line);
    }
    // 221: done, and the server closes the connection after this reply.
    if (reply.code == 221) ctx.client.close();
    return reply;
}

std::string historyPath() {
    const char* home = std::getenv("HOME");
    std::string dir = home != nullptr ? home : "";
    if (dir.empty()) {
        if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
            dir = pw->pw_dir;
        }
    }
    return dir.empty() ? std::string() : dir + "/.gorgonctl_history";
}

bool isLocalQuit(const std::string& line) {
    const auto words = gorgon::monitor::tokenize(line, 4).words;
    return words.size() == 1 && (words[0] == "quit" || words[0] == "exit");
}

}  // namespace

int runOneShot(RunContext& ctx) {
    const std::string line = lineFor(ctx, gorgon::monitor::joinWords(ctx.options.command));
    return show(ctx.client.command(line), ctx.options.json);
}

int runInteractive(RunContext& ctx) {
    History history;
    const std::string path = historyPath();
    if (!path.empty()) history.load(path);
    LineEditor editor(STDIN_FILENO, STDOUT_FILENO, history);
    writeOut(stdout, "Connected to the Gorgon monitor at " + ctx.endpoint.describe() +
                         ". Type help for the commands, quit or Ctrl-D to leave.\n");
    int last = kExitOk;
    while (true) {
        const std::optional<std::string> line = editor.read("gorgon> ");
        if (!line) break;
        if (line->find_first_not_of(" \t") == std::string::npos) continue;
        history.add(*line);
        if (!path.empty()) history.save(path);
        if (isLocalQuit(*line)) break;
        try {
            last = show(commandReconnecting(ctx, lineFor(ctx, *line), true), ctx.options.json);
        } catch (const ClientError& e) {
            writeOut(stderr, std::string("gorgonctl: ") + e.what() + "\n");
            last = e.exitCode();
            // An authentication failure will not mend itself on the next line.
            if (e.exitCode() == kExitAuth) break;
        }
    }
    return last;
}

int runScript(RunContext& ctx) {
    int first_failure = kExitOk;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.size() > kMaxScriptLine) {
            writeOut(stderr, "gorgonctl: line too long in the script\n");
            return kExitUsage;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        if (isLocalQuit(line)) break;
        // Connection and protocol errors end the script; a failed command does not.
        const int code =
            show(commandReconnecting(ctx, lineFor(ctx, line), false), ctx.options.json);
        if (code != kExitOk && first_failure == kExitOk) first_failure = code;
    }
    return first_failure;
}

}  // namespace gorgonctl
