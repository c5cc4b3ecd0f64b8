#include "edit_buffer.hpp"

namespace gorgonctl {

namespace {

bool isContinuation(char c) noexcept {
    return (static_cast<unsigned char>(c) & 0xc0u) == 0x80u;
}

std::optional<Key> key(KeyKind kind) {
    return Key{kind, 0};
}

}  // namespace

std::optional<Key> KeyDecoder::feed(char byte) {
    if (!escape_.empty()) {
        escape_ += byte;
        if (escape_.size() == 2) {
            if (byte == '[' || byte == 'O') return std::nullopt;
            escape_.clear();  // ESC followed by something else (Alt-x): ignored
            return std::nullopt;
        }
        // CSI: parameters (digits, ';') until a final byte in 0x40-0x7e.
        if ((byte >= '0' && byte <= '9') || byte == ';') {
            if (escape_.size() > 16) escape_.clear();
            return std::nullopt;
        }
        const std::string seq = escape_;
        escape_.clear();
        if (seq == "\x1b[D" || seq == "\x1bOD") return key(KeyKind::Left);
        if (seq == "\x1b[C" || seq == "\x1bOC") return key(KeyKind::Right);
        if (seq == "\x1b[A" || seq == "\x1bOA") return key(KeyKind::Up);
        if (seq == "\x1b[B" || seq == "\x1bOB") return key(KeyKind::Down);
        if (seq == "\x1b[H" || seq == "\x1bOH" || seq == "\x1b[1~" || seq == "\x1b[7~") {
            return key(KeyKind::Home);
        }
        if (seq == "\x1b[F" || seq == "\x1bOF" || seq == "\x1b[4~" || seq == "\x1b[8~") {
            return key(KeyKind::End);
        }
        if (seq == "\x1b[3~") return key(KeyKind::Delete);
        return std::nullopt;
    }
    const auto b = static_cast<unsigned char>(byte);
    switch (b) {
        case 0x1b:
            // assign(1, c), not = "\\x1b": GCC 12's -Wrestrict misfires on the latter at -O2.
            escape_.assign(1, '\x1b');
            return std::nullopt;
        case 0x01:
            return key(KeyKind::Home);
        case 0x02:
            return key(KeyKind::Left);
        case 0x03:
            return key(KeyKind::Cancel);
        case 0x04:
            return key(KeyKind::CtrlD);
        case 0x05:
            return key(KeyKind::End);
        case 0x06:
            return key(KeyKind::Right);
        case 0x08:
        case 0x7f:
            return key(KeyKind::Backspace);
        case 0x0b:
            return key(KeyKind::KillEnd);
        case 0x0c:
            return key(KeyKind::Clear);
        case 0x0d:
        case 0x0a:
            return key(KeyKind::Enter);
        case 0x0e:
            return key(KeyKind::Down);
        case 0x10:
            return key(KeyKind::Up);
        case 0x15:
            return key(KeyKind::KillStart);
        case 0x17:
            return key(KeyKind::KillWord);
        default:
            break;
    }
    if (b < 0x20) return std::nullopt;
    return Key{KeyKind::Insert, byte};
}

void EditBuffer::reset() {
    text_.clear();
    cursor_ = 0;
    draft_.clear();
    walking_ = false;
    index_ = history_ != nullptr ? history_->size() : 0;
}

void EditBuffer::moveLeft() {
    while (cursor_ > 0) {
        --cursor_;
        if (!isContinuation(text_[cursor_])) break;
    }
}

void EditBuffer::moveRight() {
    if (cursor_ < text_.size()) ++cursor_;
    while (cursor_ < text_.size() && isContinuation(text_[cursor_])) ++cursor_;
}

void EditBuffer::recall(std::size_t index) {
    index_ = index;
    text_ = index_ < history_->size() ? (*history_)[index_] : draft_;
    cursor_ = text_.size();
}

EditResult EditBuffer::apply(const Key& k) {
    if (!walking_) {
        index_ = history_ != nullptr ? history_->size() : 0;
    }
    switch (k.kind) {
        case KeyKind::Insert:
            text_.insert(cursor_, 1, k.byte);
            ++cursor_;
            break;
        case KeyKind::Left:
            moveLeft();
            break;
        case KeyKind::Right:
            moveRight();
            break;
        case KeyKind::Home:
            cursor_ = 0;
            break;
        case KeyKind::End:
            cursor_ = text_.size();
            break;
        case KeyKind::Backspace:
            if (cursor_ > 0) {
                const std::size_t end = cursor_;
                moveLeft();
                text_.erase(cursor_, end - cursor_);
            }
            break;
        case KeyKind::Delete:
        case KeyKind::CtrlD:
            if (k.kind == KeyKind::CtrlD && text_.empty()) return EditResult::EndOfInput;
            if (cursor_ < text_.size()) {
                const std::size_t start = cursor_;
                moveRight();
                text_.erase(start, cursor_ - start);
                cursor_ = start;
            }
            break;
        case KeyKind::Up:
            if (history_ != nullptr && index_ > 0) {
                if (!walking_) draft_ = text_;
                walking_ = true;
                recall(index_ - 1);
            }
            break;
        case KeyKind::Down:
            if (history_ != nullptr && walking_ && index_ < history_->size()) {
                recall(index_ + 1);
                if (index_ == history_->size()) walking_ = false;
            }
            break;
        case KeyKind::KillStart:
            text_.erase(0, cursor_);
            cursor_ = 0;
            break;
        case KeyKind::KillEnd:
            text_.erase(cursor_);
            break;
        case KeyKind::KillWord: {
            std::size_t start = cursor_;
            while (start > 0 && (text_[start - 1] == ' ' || text_[start - 1] == '\t')) --start;
            while (start > 0 && text_[start - 1] != ' ' && text_[start - 1] != '\t') --start;
            text_.erase(start, cursor_ - start);
            cursor_ = start;
            break;
        }
        case KeyKind::Cancel:
            return EditResult::Cancel;
        case KeyKind::Enter:
            return EditResult::Accept;
        case KeyKind::Clear:
            break;
    }
    return EditResult::Continue;
}

std::size_t columns(const std::string& text, std::size_t end) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < end && i < text.size(); ++i) {
        if (!isContinuation(text[i])) ++n;
    }
    return n;
}

}  // namespace gorgonctl
