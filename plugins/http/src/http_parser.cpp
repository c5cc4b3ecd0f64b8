#include "http_parser.hpp"

#include "http_text.hpp"

#include <cstring>

namespace gorgon::http {

namespace {

constexpr std::string_view kSlash = "/";

// RFC 3986 unreserved and sub-delims: what a reg-name may hold besides pct-encoded bytes.
constexpr bool isRegNameByte(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)) return true;
    return std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

// What the fields said, before the checks that need all of them.
struct FieldFacts {
    std::size_t hosts = 0;
    std::string_view host;
    bool content_length = false;
    // Transfer-Encoding, over all its field lines as one list (RFC 9110 5.3).
    bool te_present = false;
    std::size_t te_chunked = 0;  // how many codings are named chunked
    bool te_last_chunked = false;
    bool te_other = false;  // a coding that is not a bare "chunked" (another, or with parameters)
    bool te_invalid = false;
    bool conn_close = false;
    bool conn_keep_alive = false;
    bool expect_other = false;
};

// Parses a Content-Length value: 1 to 18 digits (anything longer is no body we would take).
bool parseContentLength(std::string_view v, std::int64_t& out) noexcept {
    if (v.empty() || v.size() > 18) return false;
    std::int64_t n = 0;
    for (char c : v) {
        if (!isDigit(c)) return false;
        n = n * 10 + (c - '0');
    }
    out = n;
    return true;
}

// Notes what a field means for framing and persistence. Returns 0 or an error status.
int classify(const HeaderField& f, RequestHead& r, FieldFacts& facts) {
    const std::string_view n = f.name;
    switch (n.size()) {
        case 4:
            if (equalsLower(n, "host")) {
                ++facts.hosts;
                facts.host = f.value;
            }
            break;
        case 6:
            if (equalsLower(n, "expect")) {
                forEachListElement(f.value, [&](std::string_view e) {
                    if (equalsLower(e, "100-continue")) {
                        r.expect_continue = true;
                    } else {
                        facts.expect_other = true;
                    }
                });
            }
            break;
        case 7:
            if (equalsLower(n, "referer")) r.referer = f.value;
            break;
        case 10:
            if (equalsLower(n, "connection")) {
                forEachListElement(f.value, [&](std::string_view t) {
                    if (equalsLower(t, "close")) facts.conn_close = true;
                    if (equalsLower(t, "keep-alive")) facts.conn_keep_alive = true;
                });
            } else if (equalsLower(n, "user-agent")) {
                r.user_agent = f.value;
            }
            break;
        case 14:
            if (equalsLower(n, "content-length")) {
                // Two of them, even equal, or a list: refused, never guessed (smuggling).
                if (facts.content_length) return 400;
                facts.content_length = true;
                if (!parseContentLength(f.value, r.content_length)) return 400;
            }
            break;
        case 17:
            if (equalsLower(n, "transfer-encoding")) {
                facts.te_present = true;
                forEachListElement(f.value, [&](std::string_view coding) {
                    // transfer-coding = token *( OWS ";" OWS transfer-parameter )
                    const std::string_view name = trimOws(coding.substr(0, coding.find(';')));
                    if (name.empty() || !isToken(name)) facts.te_invalid = true;
                    facts.te_last_chunked = equalsLower(name, "chunked");
                    if (facts.te_last_chunked) ++facts.te_chunked;
                    if (!facts.te_last_chunked || name.size() != coding.size()) {
                        facts.te_other = true;
                    }
                });
            }
            break;
        default:
            break;
    }
    return 0;
}

// Splits an origin-form or absolute-form remainder "path?query" into its parts.
void splitPathQuery(std::string_view rest, RequestHead& r) {
    std::size_t q = rest.find('?');
    r.path = rest.substr(0, q);
    r.query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
    if (r.path.empty()) r.path = kSlash;
}

// Classifies the request-target (RFC 9112 3.2). Returns 0 or an error status.
int parseTarget(RequestHead& r) {
    const std::string_view t = r.target;
    if (t.front() == '/') {
        r.form = TargetForm::Origin;
        splitPathQuery(t, r);
        return 0;
    }
    if (t == "*") {
        if (r.method != "OPTIONS") return 400;
        r.form = TargetForm::Asterisk;
        r.path = t;
        return 0;
    }
    // absolute-form: http://authority[/path][?query], scheme case-insensitive.
    std::size_t sep = t.find("://");
    if (sep == std::string_view::npos) return 400;  // authority-form or garbage
    std::string_view scheme = t.substr(0, sep);
    if (!equalsLower(scheme, "http") && !equalsLower(scheme, "https")) return 400;
    std::string_view rest = t.substr(sep + 3);
    std::size_t end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, end);
    if (authority.empty() || !isValidHost(authority)) return 400;
    r.form = TargetForm::Absolute;
    r.host = authority;
    splitPathQuery(end == std::string_view::npos ? std::string_view() : rest.substr(end), r);
    return 0;
}

}  // namespace

HeadScanner::Status HeadScanner::scan(const char* data, std::size_t len,
                                      const Limits& limits) noexcept {
    while (pos_ < len) {
        const void* found = std::memchr(data + pos_, '\n', len - pos_);
        if (found == nullptr) {
            pos_ = len;
            break;
        }
        const auto lf = static_cast<std::size_t>(static_cast<const char*>(found) - data);
        std::size_t end = lf;
        if (end > line_start_ && data[end - 1] == '\r') --end;
        const std::size_t line_len = end - line_start_;
        if (fields_start_ == kNone) {
            if (line_len == 0) {
                // An empty line before the request line is ignored (RFC 9112 2.2), within reason.
                skip_ = lf + 1;
                if (skip_ > limits.request_line) return fail(400);
            } else {
                if (line_len > limits.request_line) return fail(414);
                fields_start_ = lf + 1;
            }
        } else if (line_len == 0) {
            if (line_start_ - fields_start_ > limits.header_size) return fail(431);
            head_len_ = lf + 1 - skip_;
            pos_ = lf + 1;
            return Status::Complete;
        } else {
            if (lf + 1 - fields_start_ > limits.header_size) return fail(431);
            if (++fields_ > limits.header_count) return fail(431);
        }
        line_start_ = pos_ = lf + 1;
    }
    // The line in progress is already too long: refuse now, without waiting for its end.
    if (fields_start_ == kNone) {
        if (len - line_start_ > limits.request_line + 1) return fail(414);
    } else if (len - fields_start_ > limits.header_size + 2) {
        return fail(431);
    }
    return Status::NeedMore;
}

void RequestHead::clear() noexcept {
    request_line = method = target = version = {};
    version_num = 11;
    form = TargetForm::Origin;
    path = query = host = {};
    fields.clear();
    content_length = -1;
    chunked = false;
    keep_alive = true;
    expect_continue = false;
    is_head = false;
    referer = user_agent = {};
}

bool isValidHost(std::string_view s) noexcept {
    if (s.empty()) return true;  // RFC 9112 3.2: an empty Host is how a client says "none"
    std::size_t i = 0;
    if (s[0] == '[') {
        std::size_t close = s.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        for (std::size_t k = 1; k < close; ++k) {
            char c = s[k];
            if (hexValue(c) < 0 && c != ':' && c != '.') return false;
        }
        i = close + 1;
    } else {
        while (i < s.size() && s[i] != ':') {
            if (s[i] == '%') {
                if (i + 2 >= s.size() || hexValue(s[i + 1]) < 0 || hexValue(s[i + 2]) < 0) {
                    return false;
                }
                i += 3;
                continue;
            }
            if (!isRegNameByte(s[i])) return false;
            ++i;
        }
        if (i == 0) return false;
    }
    if (i == s.size()) return true;
    if (s[i] != ':') return false;
    for (++i; i < s.size(); ++i) {
        if (!isDigit(s[i])) return false;
    }
    return s.size() - s.rfind(':') <= 6;  // at most five digits of port
}

int parseHead(std::string_view head, const Limits& limits, RequestHead& r) {
    r.clear();
    std::size_t nl = head.find('\n');
    if (nl == std::string_view::npos) return 400;
    std::string_view line = head.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limits.request_line) return 414;
    r.request_line = line;

    // method SP request-target SP HTTP-version: exactly one SP each, nothing else.
    std::size_t sp = 0;
    while (sp < line.size() && isTchar(line[sp])) ++sp;
    if (sp == 0 || sp >= line.size() || line[sp] != ' ') return 400;
    r.method = line.substr(0, sp);
    std::size_t t0 = sp + 1;
    std::size_t t1 = t0;
    while (t1 < line.size() && isTargetByte(line[t1])) ++t1;
    if (t1 == t0 || t1 >= line.size() || line[t1] != ' ') return 400;
    r.target = line.substr(t0, t1 - t0);
    r.version = line.substr(t1 + 1);
    const std::string_view v = r.version;
    if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !isDigit(v[5]) || v[6] != '.' ||
        !isDigit(v[7])) {
        return 400;
    }
    if (v[5] != '1') return 505;
    r.version_num = v[7] == '0' ? 10 : 11;
    r.is_head = r.method == "HEAD";

    FieldFacts facts;
    std::size_t pos = nl + 1;
    for (;;) {
        std::size_t e = head.find('\n', pos);
        if (e == std::string_view::npos) return 400;  // not a head HeadScanner delimited
        std::string_view fl = head.substr(pos, e - pos);
        pos = e + 1;
        if (!fl.empty() && fl.back() == '\r') fl.remove_suffix(1);
        if (fl.empty()) break;
        // obs-fold, or whitespace between the request line and the first field (RFC 9112 2.2).
        if (fl[0] == ' ' || fl[0] == '\t') return 400;
        std::size_t colon = 0;
        while (colon < fl.size() && isTchar(fl[colon])) ++colon;
        if (colon == 0 || colon >= fl.size() || fl[colon] != ':') return 400;
        HeaderField f{fl.substr(0, colon), trimOws(fl.substr(colon + 1))};
        for (char c : f.value) {
            if (!isFieldValueByte(c)) return 400;
        }
        if (r.fields.size() >= limits.header_count) return 431;
        r.fields.push_back(f);
        if (int status = classify(f, r, facts); status != 0) return status;
    }
    if (pos != head.size()) return 400;

    if (facts.hosts > 1) return 400;
    if (facts.hosts == 0 && r.version_num == 11) return 400;
    if (facts.hosts == 1 && !isValidHost(facts.host)) return 400;
    if (r.method == "CONNECT") return 501;  // no tunnels here
    if (int status = parseTarget(r); status != 0) return status;
    if (r.form != TargetForm::Absolute) r.host = facts.host;

    if (facts.te_present) {
        if (facts.content_length) return 400;  // both: the classic smuggling shape
        if (r.version_num == 10) return 400;   // RFC 9112 6.1: faulty framing in 1.0
        // RFC 9112 6.3: chunked not last (or absent) leaves the length unknowable: 400. A sender
        // must not apply chunked twice (6.1): 400 too. Only a well-framed body with a coding
        // this server does not implement (gzip, chunked) is 501 (6.1).
        if (facts.te_invalid || !facts.te_last_chunked || facts.te_chunked != 1) return 400;
        if (facts.te_other) return 501;
        r.chunked = true;
    }
    if (facts.expect_other) return 417;
    if (r.version_num == 10) {
        r.expect_continue = false;  // RFC 9110 10.1.1: ignored in an HTTP/1.0 request
        r.keep_alive = facts.conn_keep_alive && !facts.conn_close;
    } else {
        r.keep_alive = !facts.conn_close;
    }
    return 0;
}

}  // namespace gorgon::http
