// The line editor's logic without the terminal: turning input bytes into keys (escape
// sequences included), and applying keys to the line being edited and to the walk through the
// history. Pure code: unit-tested.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gorgonctl {

enum class KeyKind {
    Insert,     // a printable byte (UTF-8 bytes are inserted one by one)
    Left,       // Left, Ctrl-B
    Right,      // Right, Ctrl-F
    Home,       // Home, Ctrl-A
    End,        // End, Ctrl-E
    Backspace,  // Backspace, Ctrl-H
    Delete,     // Delete
    Up,         // Up, Ctrl-P: older history
    Down,       // Down, Ctrl-N: newer history
    KillStart,  // Ctrl-U: delete to the start
    KillEnd,    // Ctrl-K: delete to the end
    KillWord,   // Ctrl-W: delete the word before the cursor
    CtrlD,      // delete under the cursor, or end of input on an empty line
    Cancel,     // Ctrl-C: drop the line
    Enter,
    Clear,  // Ctrl-L: redraw on a cleared screen
};

struct Key {
    KeyKind kind = KeyKind::Insert;
    char byte = 0;  // for Insert
};

// Feeds bytes one at a time; returns a key when one is complete. Unknown escape sequences and
// other control bytes are swallowed.
class KeyDecoder {
  public:
    std::optional<Key> feed(char byte);

  private:
    std::string escape_;  // an escape sequence being read, ESC included
};

enum class EditResult { Continue, Accept, Cancel, EndOfInput };

class EditBuffer {
  public:
    explicit EditBuffer(const std::vector<std::string>* history) : history_(history) {}

    EditResult apply(const Key& key);

    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    [[nodiscard]] std::size_t cursor() const noexcept { return cursor_; }
    void reset();

  private:
    void moveLeft();
    void moveRight();
    void recall(std::size_t index);

    const std::vector<std::string>* history_;
    std::string text_;
    std::size_t cursor_ = 0;
    std::size_t index_ = 0;  // position in the history; == size() while editing a new line
    std::string draft_;      // the new line, kept while walking the history
    bool walking_ = false;
};

// Display columns from the start of `text` to byte `end`: UTF-8 continuation bytes take none.
[[nodiscard]] std::size_t columns(const std::string& text, std::size_t end);

}  // namespace gorgonctl
