// The interactive prompt: one line at a time, edited in raw terminal mode (termios), with the
// keys of EditBuffer and the history. The terminal is in raw mode only while a line is read, so
// a command's output, Ctrl-C during a command, and a crash all leave it as it was.
#pragma once

#include "history.hpp"

#include <optional>
#include <string>

namespace gorgonctl {

class LineEditor {
  public:
    LineEditor(int in_fd, int out_fd, History& history)
        : in_(in_fd), out_(out_fd), history_(history) {}

    // The line typed, or nullopt at the end of input (Ctrl-D on an empty line, or EOF).
    // Ctrl-C gives an empty line.
    [[nodiscard]] std::optional<std::string> read(const std::string& prompt);

  private:
    void refresh(const std::string& prompt, const std::string& text, std::size_t cursor) const;
    void write(const std::string& bytes) const;

    int in_;
    int out_;
    History& history_;
};

}  // namespace gorgonctl
