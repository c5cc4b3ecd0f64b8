// gorgon/handoff.hpp — writer and reader for a hot-reload hand-off blob (header-only, part of
// the C++ layer; compiled into each plugin, nothing here crosses the ABI).
//
// On a reload the old generation of a plugin writes a blob in handoffExport and the new one
// reads it in handoffImport (plugin.hpp). The new code must treat the blob as untrusted input: it
// may come from another version, or be cut short. The Reader never reads past the end, never
// trusts a length or a count, and reports the first problem with its byte offset; it never
// throws and never has undefined behaviour, whatever the bytes.
//
// The format is text, one record per line, items separated by one space:
//
//   <magic> <version> <count>\n
//   <item> <item> ...\n                       (count records)
//   end <number of bytes before this line>\n
//
// An item is a decimal number (no sign, no leading zero), a single character, or a string as
// <length>:<bytes>, so any byte (space, newline, NUL) is safe in a string.
//
//   gorgon::handoff::Writer w("my-plugin-handoff", 1, users.size());
//   for (const User& u : users) w.number(u.conn).field(u.name).endRecord();
//   std::string blob = std::move(w).finish();
//
//   gorgon::handoff::Reader r(blob);
//   std::uint64_t n = 0;
//   // The shortest record, "1 0:\n", is 5 bytes: a larger count cannot be true.
//   if (!r.header("my-plugin-handoff", 1, n, /*min_record_bytes=*/5)) return r.error();
//   for (std::uint64_t i = 0; i < n; ++i)
//       if (!r.number(conn) || !r.field(name, 64) || !r.endRecord()) return r.error();
//   if (!r.finish()) return r.error();
#ifndef GORGON_HANDOFF_HPP
#define GORGON_HANDOFF_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon::handoff {

class Writer {
  public:
    // Starts the blob with its header. `count` must be the number of records then written:
    // the reader refuses a blob whose records do not match it.
    Writer(std::string_view magic, std::uint64_t version, std::uint64_t count) : out_(magic) {
        at_start_ = false;
        number(version).number(count).endRecord();
    }

    Writer& number(std::uint64_t v) {
        separate();
        out_ += std::to_string(v);
        return *this;
    }
    // A length-prefixed string: any bytes.
    Writer& field(std::string_view s) {
        separate();
        out_ += std::to_string(s.size());
        out_ += ':';
        out_ += s;
        return *this;
    }
    // One character, read back with Reader::symbol (a state letter, say).
    Writer& symbol(char c) {
        separate();
        out_ += c;
        return *this;
    }
    Writer& flag(bool b) { return symbol(b ? '1' : '0'); }
    Writer& endRecord() {
        out_ += '\n';
        at_start_ = true;
        return *this;
    }
    // Appends the trailer and hands the blob over.
    [[nodiscard]] std::string finish() && {
        const std::size_t body = out_.size();
        out_ += "end ";
        out_ += std::to_string(body);
        out_ += '\n';
        return std::move(out_);
    }

  private:
    void separate() {
        if (!at_start_) out_ += ' ';
        at_start_ = false;
    }

    std::string out_;
    bool at_start_ = true;
};

// A cursor over a blob. Every read returns false on a problem and remembers the first one
// (error()); after a failure every later read fails too, so a chain of reads can be checked once.
class Reader {
  public:
    explicit Reader(std::string_view blob) noexcept : in_(blob) {}

    // Reads "<magic> <version> <count>\n". Refuses another magic or version, a count above
    // `max_count`, and a count the rest of the blob cannot hold when every record takes at
    // least `min_record_bytes` (so nothing is reserved for a count that is a lie). That must be
    // a true lower bound, newline included, or a valid blob with many short records is refused.
    bool header(std::string_view magic, std::uint64_t version, std::uint64_t& count,
                std::size_t min_record_bytes, std::uint64_t max_count = UINT64_MAX) {
        std::uint64_t v = 0;
        if (!literal(magic)) return false;
        at_start_ = false;
        if (!number(v)) return false;
        if (v != version) {
            return fail("hand-off version " + std::to_string(v) + ", expected " +
                        std::to_string(version));
        }
        std::uint64_t n = 0;
        if (!number(n, max_count) || !endRecord()) return false;
        if (min_record_bytes == 0) min_record_bytes = 1;
        if (n > (in_.size() - pos_) / min_record_bytes) {
            return fail("record count " + std::to_string(n) + " does not fit in " +
                        std::to_string(in_.size()) + " bytes");
        }
        count = n;
        return true;
    }

    // A decimal number no greater than `max`.
    bool number(std::uint64_t& out, std::uint64_t max = UINT64_MAX) {
        if (!separator()) return false;
        const std::size_t start = pos_;
        std::uint64_t value = 0;
        while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
            const auto digit = static_cast<std::uint64_t>(in_[pos_] - '0');
            if (digit > max || value > (max - digit) / 10) return fail("number out of range");
            value = value * 10 + digit;
            ++pos_;
        }
        if (pos_ == start) return fail("expected a number");
        if (pos_ - start > 1 && in_[start] == '0') return fail("number with a leading zero");
        out = value;
        return true;
    }

    // A length-prefixed string of at most `max_len` bytes.
    bool field(std::string& out, std::size_t max_len) {
        std::uint64_t len = 0;
        if (!number(len, max_len) || !literal(":")) return false;
        if (in_.size() - pos_ < len) return fail("string runs past the end");
        out.assign(in_.substr(pos_, static_cast<std::size_t>(len)));
        pos_ += static_cast<std::size_t>(len);
        return true;
    }

    // One character, which must be one of `choices`.
    bool symbol(std::string_view choices, char& out) {
        if (!separator()) return false;
        if (pos_ >= in_.size() || choices.find(in_[pos_]) == std::string_view::npos) {
            return fail("expected one of \"" + std::string(choices) + '"');
        }
        out = in_[pos_++];
        return true;
    }

    bool flag(bool& out) {
        char c = 0;
        if (!symbol("01", c)) return false;
        out = c == '1';
        return true;
    }

    bool endRecord() {
        if (!literal("\n")) return false;
        at_start_ = true;
        return true;
    }

    // Reads the trailer: its length must be the bytes read so far, and nothing may follow it.
    bool finish() {
        if (!ok()) return false;
        const std::size_t body = pos_;
        std::uint64_t declared = 0;
        if (!literal("end")) return false;
        at_start_ = false;
        if (!number(declared) || !literal("\n")) return false;
        if (declared != body) {
            return fail("length mismatch: trailer says " + std::to_string(declared) +
                        " bytes, read " + std::to_string(body));
        }
        if (pos_ != in_.size()) return fail("trailing bytes after the end marker");
        return true;
    }

    // Exactly these bytes (no separator).
    bool literal(std::string_view text) {
        if (!ok()) return false;
        if (in_.substr(pos_, text.size()) != text) {
            return fail("expected \"" + printable(text) + '"');
        }
        pos_ += text.size();
        return true;
    }

    // Records `why` (with the offset) as the problem, unless there already is one; false.
    bool fail(std::string_view why) {
        if (error_.empty()) error_ = "at byte " + std::to_string(pos_) + ": " + std::string(why);
        return false;
    }

    [[nodiscard]] bool ok() const noexcept { return error_.empty(); }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }
    [[nodiscard]] std::size_t offset() const noexcept { return pos_; }

  private:
    // The space before every item but a record's first.
    bool separator() {
        if (at_start_) {
            if (!ok()) return false;
            at_start_ = false;
            return true;
        }
        return literal(" ");
    }

    // What an expected literal looks like in a message: control bytes escaped.
    static std::string printable(std::string_view text) {
        std::string out;
        for (const char c : text) {
            if (c == '\n') {
                out += "\\n";
            } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                out += '?';
            } else {
                out += c;
            }
        }
        return out;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    bool at_start_ = true;
    std::string error_;
};

}  // namespace gorgon::handoff

#endif  // GORGON_HANDOFF_HPP
