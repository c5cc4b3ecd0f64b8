#include "http_chunked.hpp"

#include "http_text.hpp"

#include <algorithm>
#include <cstring>

namespace gorgon::http {

void ChunkedDecoder::reset(std::uint64_t limit, std::size_t trailer_limit) noexcept {
    *this = ChunkedDecoder();
    limit_ = limit == 0 ? UINT64_MAX : limit;
    trailer_limit_ = trailer_limit;
}

ChunkedDecoder::Status ChunkedDecoder::endOfSizeLine() noexcept {
    line_ = 0;
    if (chunk_ == 0) {
        state_ = State::TrailerStart;
        return Status::Ok;
    }
    if (chunk_ > limit_ - total_) {
        state_ = State::Failed;
        too_large_ = true;
        return Status::TooLarge;
    }
    state_ = State::Data;
    return Status::Ok;
}

ChunkedDecoder::Status ChunkedDecoder::feed(const char* in, std::size_t in_len, char* out,
                                            std::size_t out_cap, std::size_t& consumed,
                                            std::size_t& produced) noexcept {
    consumed = 0;
    produced = 0;
    std::size_t i = 0;
    auto fail = [&] {
        state_ = State::Failed;
        consumed = i;
        return Status::Error;
    };
    while (i < in_len) {
        const char c = in[i];
        switch (state_) {
            case State::SizeStart: {
                int h = hexValue(c);
                if (h < 0) return fail();
                chunk_ = static_cast<std::uint64_t>(h);
                line_ = 1;
                state_ = State::Size;
                ++i;
                break;
            }
            case State::Size: {
                if (++line_ > kMaxSizeLine) return fail();
                if (int h = hexValue(c); h >= 0) {
                    // Checked before the multiplication, which could wrap: 1 and sixteen zeros
                    // (2^64) must not read as 0, the last chunk.
                    const auto digit = static_cast<std::uint64_t>(h);
                    if (chunk_ > (kMaxChunk - digit) / 16) return fail();
                    chunk_ = chunk_ * 16 + digit;
                } else if (c == ';') {
                    state_ = State::Ext;
                } else if (c == ' ' || c == '\t') {
                    state_ = State::SizeBws;
                } else if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (c == '\n') {
                    ++i;
                    if (Status s = endOfSizeLine(); s != Status::Ok) {
                        consumed = i;
                        return s;
                    }
                    break;
                } else {
                    return fail();
                }
                ++i;
                break;
            }
            case State::SizeBws:
                if (++line_ > kMaxSizeLine) return fail();
                if (c == ';') {
                    state_ = State::Ext;
                } else if (c != ' ' && c != '\t') {
                    return fail();
                }
                ++i;
                break;
            case State::Ext:
                if (++line_ > kMaxSizeLine) return fail();
                if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (c == '\n') {
                    ++i;
                    if (Status s = endOfSizeLine(); s != Status::Ok) {
                        consumed = i;
                        return s;
                    }
                    break;
                } else if (!isFieldValueByte(c)) {
                    return fail();
                }
                ++i;
                break;
            case State::SizeLf:
                if (c != '\n') return fail();
                ++i;
                if (Status s = endOfSizeLine(); s != Status::Ok) {
                    consumed = i;
                    return s;
                }
                break;
            case State::Data: {
                if (produced == out_cap) {
                    consumed = i;
                    return Status::Ok;  // the caller's buffer is full
                }
                const auto n = std::min<std::size_t>(
                    {in_len - i, out_cap - produced,
                     static_cast<std::size_t>(std::min<std::uint64_t>(chunk_, SIZE_MAX))});
                if (out != nullptr) std::memcpy(out + produced, in + i, n);
                produced += n;
                i += n;
                chunk_ -= n;
                total_ += n;
                if (chunk_ == 0) state_ = State::DataCr;
                break;
            }
            case State::DataCr:
                if (c == '\r') {
                    state_ = State::DataLf;
                } else if (c == '\n') {
                    state_ = State::SizeStart;
                } else {
                    return fail();
                }
                ++i;
                break;
            case State::DataLf:
                if (c != '\n') return fail();
                state_ = State::SizeStart;
                ++i;
                break;
            case State::TrailerStart:
                if (c == '\r') {
                    state_ = State::FinalLf;
                } else if (c == '\n') {
                    state_ = State::Done;
                    consumed = i + 1;
                    return Status::Done;
                } else {
                    // A trailer field: read and dropped (nothing here acts on trailers).
                    if (!isTchar(c)) return fail();
                    state_ = State::Trailer;
                    if (++trailer_ > trailer_limit_) return fail();
                }
                ++i;
                break;
            case State::Trailer:
                if (++trailer_ > trailer_limit_) return fail();
                if (c == '\r') {
                    state_ = State::TrailerLf;
                } else if (c == '\n') {
                    state_ = State::TrailerStart;
                } else if (!isFieldValueByte(c)) {
                    return fail();
                }
                ++i;
                break;
            case State::TrailerLf:
                if (c != '\n') return fail();
                state_ = State::TrailerStart;
                ++i;
                break;
            case State::FinalLf:
                if (c != '\n') return fail();
                state_ = State::Done;
                consumed = i + 1;
                return Status::Done;
            case State::Done:
                consumed = i;
                return Status::Done;
            case State::Failed:
                consumed = i;
                return too_large_ ? Status::TooLarge : Status::Error;
        }
    }
    consumed = i;
    if (state_ == State::Done) return Status::Done;
    // A zero-length chunk with an empty trailer may sit exactly at the end of the input.
    if (state_ == State::Failed) return too_large_ ? Status::TooLarge : Status::Error;
    return Status::Ok;
}

}  // namespace gorgon::http
