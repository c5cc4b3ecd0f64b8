#include "history.hpp"

#include <cstdio>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgonctl {

void History::add(std::string_view line) {
    if (line.find_first_not_of(" \t") == std::string_view::npos || line.size() > kMaxLine) return;
    for (char c : line) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20 && b != '\t') || b == 0x7f) return;
    }
    if (!lines_.empty() && lines_.back() == line) return;
    lines_.emplace_back(line);
    if (lines_.size() > limit_) {
        lines_.erase(lines_.begin(),
                     lines_.begin() + static_cast<std::ptrdiff_t>(lines_.size() - limit_));
    }
}

void History::load(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    // getline on a huge line would read it all; the file is ours, and a line that long is
    // dropped by add() anyway.
    while (std::getline(in, line)) add(line);
}

bool History::save(const std::string& path) const {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    std::string data;
    for (const std::string& l : lines_) {
        data += l;
        data += '\n';
    }
    std::size_t done = 0;
    bool ok = true;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n <= 0) {
            ok = false;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    ok = (::fchmod(fd, 0600) == 0) && ok;
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace gorgonctl
