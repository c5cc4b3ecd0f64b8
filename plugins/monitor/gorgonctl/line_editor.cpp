#include "line_editor.hpp"

#include "edit_buffer.hpp"

#include <cerrno>

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace gorgonctl {

namespace {

// Raw mode for as long as it lives: no echo, no line buffering, no signals from keys (Ctrl-C
// and Ctrl-D arrive as bytes), no CR-to-NL translation. Output processing stays on, so "\n"
// still starts a new line.
class RawMode {
  public:
    explicit RawMode(int fd) : fd_(fd) {
        if (::tcgetattr(fd_, &saved_) != 0) return;
        termios raw = saved_;
        raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
        raw.c_cflag |= CS8;
        raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        active_ = ::tcsetattr(fd_, TCSAFLUSH, &raw) == 0;
    }
    ~RawMode() {
        if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    }
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

  private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

std::size_t terminalColumns(int fd) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

}  // namespace

void LineEditor::write(const std::string& bytes) const {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(out_, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

void LineEditor::refresh(const std::string& prompt, const std::string& text,
                         std::size_t cursor) const {
    // One screen line: when the text is wider, a window of it scrolls to keep the cursor in view.
    const std::size_t cols = terminalColumns(out_);
    const std::size_t plen = columns(prompt, prompt.size());
    std::size_t start = 0;
    while (start < cursor && plen + columns(text, cursor) - columns(text, start) + 1 >= cols) {
        ++start;
        while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xc0u) == 0x80u) {
            ++start;
        }
    }
    std::size_t end = start;
    while (end < text.size() && plen + columns(text, end + 1) - columns(text, start) < cols) {
        ++end;
    }
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xc0u) == 0x80u) ++end;
    std::string out = "\r" + prompt + text.substr(start, end - start) + "\x1b[0K\r";
    const std::size_t at = plen + columns(text, cursor) - columns(text, start);
    if (at > 0) out += "\x1b[" + std::to_string(at) + "C";
    write(out);
}

std::optional<std::string> LineEditor::read(const std::string& prompt) {
    RawMode raw(in_);
    EditBuffer buffer(&history_.lines());
    buffer.reset();
    KeyDecoder decoder;
    refresh(prompt, buffer.text(), buffer.cursor());
    while (true) {
        char byte = 0;
        const ssize_t n = ::read(in_, &byte, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            write("\n");
            return std::nullopt;
        }
        const std::optional<Key> key = decoder.feed(byte);
        if (!key) continue;
        switch (buffer.apply(*key)) {
            case EditResult::Continue:
                if (key->kind == KeyKind::Clear) write("\x1b[H\x1b[2J");
                refresh(prompt, buffer.text(), buffer.cursor());
                break;
            case EditResult::Accept:
                refresh(prompt, buffer.text(), buffer.text().size());
                write("\n");
                return buffer.text();
            case EditResult::Cancel:
                write("^C\n");
                return std::string();
            case EditResult::EndOfInput:
                write("\n");
                return std::nullopt;
        }
    }
}

}  // namespace gorgonctl
