// TYPE A (RFC 959 3.1.1.1): files are stored with Unix line ends and travel as NVT-ASCII with
// CRLF. Both directions work chunk by chunk, so a CR at the end of one chunk and its LF at the
// start of the next are still one line end. Pure.
#pragma once

#include <string>
#include <string_view>

namespace gorgon::ftp {

// Outgoing: every LF becomes CRLF.
void toNetAscii(std::string_view in, std::string& out);

// Incoming: CRLF becomes LF; a CR not followed by LF is kept.
class FromNetAscii {
  public:
    void convert(std::string_view in, std::string& out);
    // End of data: a CR held back from the last chunk is written.
    void finish(std::string& out);

  private:
    bool cr_ = false;  // the last chunk ended in CR
};

}  // namespace gorgon::ftp
