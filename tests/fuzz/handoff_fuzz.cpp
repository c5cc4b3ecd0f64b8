// libFuzzer target for the hot-reload hand-off blobs: the chat and http plugins' decoders, built
// on the SDK's <gorgon/handoff.hpp> reader. The input is the blob, given to both (their magics
// differ, so at most one accepts it). Invariants:
//
//   - a refused blob always says why;
//   - an accepted blob is canonical: encoding what was decoded gives back the very same bytes
//     (no leading zeros, no slack in a length, nothing after the trailer slips through).
#include "chat_handoff.hpp"
#include "fuzz_check.hpp"
#include "http_handoff.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

template <typename Entry, typename Decode, typename Encode>
void check(std::string_view blob, Decode decode, Encode encode) {
    std::vector<Entry> out;
    std::string error;
    if (!decode(blob, out, error)) {
        GORGON_FUZZ_CHECK(!error.empty());
        return;
    }
    GORGON_FUZZ_CHECK(error.empty());
    GORGON_FUZZ_CHECK(encode(out) == blob);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view blob(reinterpret_cast<const char*>(data), size);
    check<gorgon::chat::HandoffEntry>(blob, gorgon::chat::decodeHandoff,
                                      gorgon::chat::encodeHandoff);
    check<gorgon::http::HandoffEntry>(blob, gorgon::http::decodeHandoff,
                                      gorgon::http::encodeHandoff);
    return 0;
}
