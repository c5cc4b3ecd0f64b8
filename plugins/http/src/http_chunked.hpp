// The chunked transfer coding of a request body (RFC 9112 7.1), decoded incrementally from
// whatever part of the input has arrived. Pure code, unit-tested and fuzzed directly.
//
// Strict: at least one hex digit, no more than fits in 60 bits, chunk extensions skipped but
// bounded and free of controls, CRLF (or a bare LF) exactly where the grammar puts one, trailer
// fields read and dropped within a size limit. It stops right after the last CRLF, so the next
// pipelined request is left in the input untouched.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gorgon::http {

class ChunkedDecoder {
  public:
    enum class Status {
        Ok,        // consumed what it could; call again with more input (or more room)
        Done,      // the last chunk and the trailer section are consumed
        Error,     // malformed: answer 400 and close
        TooLarge,  // the body passes `limit`: answer 413 and close
    };

    // `limit`: most body bytes accepted (0: no limit). `trailer_limit`: most trailer bytes.
    void reset(std::uint64_t limit, std::size_t trailer_limit) noexcept;

    // Decodes in[0, in_len). Data bytes go to out[0, out_cap), or are dropped when out is null
    // (discarding a body nobody read). Sets `consumed` (input bytes used) and `produced` (data
    // bytes written or dropped); with out null, out_cap still bounds `produced`.
    Status feed(const char* in, std::size_t in_len, char* out, std::size_t out_cap,
                std::size_t& consumed, std::size_t& produced) noexcept;

    [[nodiscard]] bool done() const noexcept { return state_ == State::Done; }
    // Data bytes decoded so far.
    [[nodiscard]] std::uint64_t total() const noexcept { return total_; }

  private:
    enum class State : std::uint8_t {
        SizeStart,  // first hex digit of a chunk size
        Size,       // more hex digits, or what follows them
        SizeBws,    // whitespace after the size: only a chunk extension may follow
        Ext,        // inside chunk extensions, up to the line end
        SizeLf,     // CR seen at the end of the size line
        Data,
        DataCr,  // after chunk data: CRLF
        DataLf,
        TrailerStart,  // start of a trailer line, or the final empty line
        Trailer,
        TrailerLf,
        FinalLf,  // CR of the final empty line seen
        Done,
        Failed,
    };
    static constexpr std::size_t kMaxSizeLine = 4096;
    static constexpr std::uint64_t kMaxChunk = std::uint64_t{1} << 60;

    Status endOfSizeLine() noexcept;

    State state_ = State::SizeStart;
    std::uint64_t limit_ = 0;
    std::size_t trailer_limit_ = 0;
    std::uint64_t chunk_ = 0;  // size being read, then bytes of it left
    std::uint64_t total_ = 0;
    std::size_t line_ = 0;  // bytes of the current size or trailer line
    std::size_t trailer_ = 0;
    bool too_large_ = false;
};

}  // namespace gorgon::http
