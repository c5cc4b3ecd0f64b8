#include "static_mime.hpp"

#include <gorgon/text.hpp>

#include <algorithm>
#include <fstream>
#include <utility>

namespace gorgon::httpstatic {

namespace {

// What a server without /etc/mime.types still has to get right.
struct Builtin {
    const char* ext;
    const char* type;
};
constexpr Builtin kBuiltin[] = {
    {"html", "text/html"},
    {"htm", "text/html"},
    {"css", "text/css"},
    {"js", "text/javascript"},
    {"mjs", "text/javascript"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"xml", "application/xml"},
    {"txt", "text/plain"},
    {"text", "text/plain"},
    {"md", "text/markdown"},
    {"csv", "text/csv"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/vnd.microsoft.icon"},
    {"bmp", "image/bmp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tgz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"xz", "application/x-xz"},
    {"bz2", "application/x-bzip2"},
    {"zst", "application/zstd"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"rss", "application/rss+xml"},
    {"atom", "application/atom+xml"},
};

// Extensions longer than this are not looked up (none are real), so lower-casing fits on the
// stack.
constexpr std::size_t kMaxExtension = 32;

char lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

bool isTchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view s) noexcept {
    return !s.empty() && std::ranges::all_of(s, isTchar);
}

std::string_view withoutParameters(std::string_view type) noexcept {
    std::size_t semi = type.find(';');
    if (semi != std::string_view::npos) type = type.substr(0, semi);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    return type;
}

}  // namespace

TypePatterns::TypePatterns(std::vector<std::string> patterns) : patterns_(std::move(patterns)) {
    for (auto& p : patterns_) p = lowered(p);
}

bool TypePatterns::matches(std::string_view type) const noexcept {
    type = withoutParameters(type);
    const std::size_t slash = type.find('/');
    if (slash == std::string_view::npos) return false;
    return std::ranges::any_of(patterns_, [&](const std::string& p) {
        if (p == "*/*") return true;
        if (p.size() > 2 && p.ends_with("/*")) {
            // "text/*": the type and its slash.
            return text::equalsIgnoreCase(type.substr(0, slash + 1),
                                          std::string_view(p).substr(0, p.size() - 1));
        }
        return text::equalsIgnoreCase(type, p);
    });
}

bool isValidMediaType(std::string_view s) noexcept {
    const std::string_view base = withoutParameters(s);
    const std::size_t slash = base.find('/');
    if (slash == std::string_view::npos || !isToken(base.substr(0, slash)) ||
        !isToken(base.substr(slash + 1))) {
        return false;
    }
    // No CR, LF or other controls in what becomes a header value.
    return std::ranges::none_of(s.substr(base.size()), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

MimeTable::MimeTable(const std::string& default_type, const TypePatterns& compressible)
    : compressible_(compressible), default_{default_type, compressible.matches(default_type)} {
    by_ext_.reserve(1024);
    for (const Builtin& b : kBuiltin) add(b.ext, b.type);
}

void MimeTable::add(std::string_view ext, std::string_view type) {
    if (ext.empty() || ext.size() > kMaxExtension) return;
    MimeType value{std::string(type), compressible_.matches(type)};
    by_ext_.insert_or_assign(lowered(ext), std::move(value));
}

bool MimeTable::loadFile(const std::string& path, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = "cannot read " + path;
        return false;
    }
    std::string line;
    while (std::getline(in, line)) {
        std::string_view rest(line);
        if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
            rest = rest.substr(0, hash);
        }
        auto next = [&rest]() {
            std::size_t b = rest.find_first_not_of(" \t\r");
            if (b == std::string_view::npos) {
                rest = {};
                return std::string_view();
            }
            rest.remove_prefix(b);
            std::size_t e = rest.find_first_of(" \t\r");
            std::string_view word = rest.substr(0, e);
            rest.remove_prefix(e == std::string_view::npos ? rest.size() : e);
            return word;
        };
        std::string_view type = next();
        // A malformed line is skipped rather than failing the route: the file is the system's.
        if (type.empty() || !isValidMediaType(type)) continue;
        for (std::string_view ext = next(); !ext.empty(); ext = next()) add(ext, type);
    }
    return true;
}

const MimeType& MimeTable::lookup(std::string_view file_name) const noexcept {
    const std::size_t slash = file_name.rfind('/');
    if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
    const std::size_t dot = file_name.rfind('.');
    if (dot == std::string_view::npos || dot + 1 == file_name.size()) return default_;
    const std::string_view ext = file_name.substr(dot + 1);
    if (ext.size() > kMaxExtension) return default_;
    char buf[kMaxExtension];
    for (std::size_t i = 0; i < ext.size(); ++i) buf[i] = lower(ext[i]);
    auto it = by_ext_.find(std::string_view(buf, ext.size()));
    return it == by_ext_.end() ? default_ : it->second;
}

}  // namespace gorgon::httpstatic
