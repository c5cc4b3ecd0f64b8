#include "ftp_ascii.hpp"

namespace gorgon::ftp {

void toNetAscii(std::string_view in, std::string& out) {
    out.reserve(out.size() + in.size() + in.size() / 32);
    std::size_t from = 0;
    for (;;) {
        std::size_t lf = in.find('\n', from);
        if (lf == std::string_view::npos) {
            out.append(in.substr(from));
            return;
        }
        out.append(in.substr(from, lf - from));
        out += "\r\n";
        from = lf + 1;
    }
}

void FromNetAscii::convert(std::string_view in, std::string& out) {
    out.reserve(out.size() + in.size() + 1);
    for (char c : in) {
        if (cr_) {
            cr_ = false;
            if (c == '\n') {
                out += '\n';
                continue;
            }
            out += '\r';
        }
        if (c == '\r') {
            cr_ = true;
        } else {
            out += c;
        }
    }
}

void FromNetAscii::finish(std::string& out) {
    if (cr_) out += '\r';
    cr_ = false;
}

}  // namespace gorgon::ftp
