#include "http_response.hpp"

#include "http_text.hpp"
#include "http_tls.hpp"

namespace gorgon::http {

namespace {

constexpr std::string_view kPageStart = "<!DOCTYPE html>\n<html><head><title>";
constexpr std::string_view kPageMiddle = "</title></head>\n<body><h1>";
constexpr std::string_view kPageEnd = "</h1></body></html>\n";

void appendStatusText(std::string& out, int status) {
    appendDecimal(out, static_cast<std::uint64_t>(status));
    std::string_view reason = reasonPhrase(status);
    if (!reason.empty()) {
        out.push_back(' ');
        out.append(reason);
    }
}

}  // namespace

std::string_view reasonPhrase(int status) noexcept {
    switch (status) {
        case 100:
            return "Continue";
        case 101:
            return "Switching Protocols";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 203:
            return "Non-Authoritative Information";
        case 204:
            return "No Content";
        case 205:
            return "Reset Content";
        case 206:
            return "Partial Content";
        case 300:
            return "Multiple Choices";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 304:
            return "Not Modified";
        case 305:
            return "Use Proxy";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 402:
            return "Payment Required";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 407:
            return "Proxy Authentication Required";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 411:
            return "Length Required";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 416:
            return "Range Not Satisfiable";
        case 417:
            return "Expectation Failed";
        case 421:
            return "Misdirected Request";
        case 422:
            return "Unprocessable Content";
        case 426:
            return "Upgrade Required";
        case 428:
            return "Precondition Required";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 451:
            return "Unavailable For Legal Reasons";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        case 505:
            return "HTTP Version Not Supported";
        case 507:
            return "Insufficient Storage";
        case 511:
            return "Network Authentication Required";
        default:
            return {};
    }
}

FieldCheck checkResponseField(std::string_view name, std::string_view value) noexcept {
    if (!isToken(name)) return FieldCheck::Invalid;
    for (char c : value) {
        if (!isFieldValueByte(c)) return FieldCheck::Invalid;  // CR, LF, NUL: response splitting
    }
    switch (name.size()) {
        case 4:
            if (equalsLower(name, "date")) return FieldCheck::Reserved;
            break;
        case 6:
            if (equalsLower(name, "server")) return FieldCheck::Reserved;
            break;
        case 10:
            if (equalsLower(name, "connection") || equalsLower(name, "keep-alive")) {
                return FieldCheck::Reserved;
            }
            break;
        case 14:
            if (equalsLower(name, "content-length")) return FieldCheck::Reserved;
            break;
        case 17:
            if (equalsLower(name, "transfer-encoding")) return FieldCheck::Reserved;
            break;
        default:
            break;
    }
    return FieldCheck::Ok;
}

Framing chooseFraming(const ResponseSpec& spec) noexcept {
    if (statusForbidsBody(spec.status)) return Framing::None;
    if (spec.content_length >= 0 || !spec.has_body) return Framing::Length;
    return spec.version >= 11 ? Framing::Chunked : Framing::Close;
}

bool appendResponseHead(std::string& out, const ResponseSpec& spec, Framing framing) {
    // Always HTTP/1.1, also to a 1.0 client (RFC 9110 6.2): it is the version we conform to.
    out.append("HTTP/1.1 ");
    appendStatusText(out, spec.status);
    out.append("\r\nDate: ");
    out.append(spec.date);
    if (!spec.server.empty()) {
        out.append("\r\nServer: ");
        out.append(spec.server);
    }
    if (!spec.hsts.empty()) {
        out.append("\r\nStrict-Transport-Security: ");
        out.append(spec.hsts);
    }
    out.append("\r\n");
    for (std::size_t i = 0; i < spec.field_count; ++i) {
        const gorgon_http_header& f = spec.fields[i];
        std::string_view name(f.name.ptr, f.name.len);
        std::string_view value(f.value.ptr, f.value.len);
        const FieldCheck check = checkResponseField(name, value);
        if (check == FieldCheck::Invalid) return false;
        if (check == FieldCheck::Reserved) continue;
        if (!spec.hsts.empty() && equalsLower(name, "strict-transport-security")) continue;
        out.append(name);
        out.append(": ");
        if (spec.https_host.empty() || !equalsLower(name, "location") ||
            !appendHttpsLocation(out, value, spec.https_host)) {
            out.append(value);
        }
        out.append("\r\n");
    }
    out.append(spec.extra);
    switch (framing) {
        case Framing::None:
        case Framing::Close:
            break;
        case Framing::Length:
            out.append("Content-Length: ");
            appendDecimal(
                out, static_cast<std::uint64_t>(spec.content_length < 0 ? 0 : spec.content_length));
            out.append("\r\n");
            break;
        case Framing::Chunked:
            out.append("Transfer-Encoding: chunked\r\n");
            break;
    }
    if (spec.close || framing == Framing::Close) {
        out.append("Connection: close\r\n");
    } else if (spec.version == 10) {
        out.append("Connection: keep-alive\r\n");
    }
    out.append("\r\n");
    return true;
}

std::size_t errorPageLength(int status) noexcept {
    const std::size_t text = 4 + reasonPhrase(status).size();  // "404" + " Not Found"
    const std::size_t code = reasonPhrase(status).empty() ? 3 : text;
    return kPageStart.size() + code + kPageMiddle.size() + code + kPageEnd.size();
}

void appendErrorPage(std::string& out, int status) {
    out.append(kPageStart);
    appendStatusText(out, status);
    out.append(kPageMiddle);
    appendStatusText(out, status);
    out.append(kPageEnd);
}

}  // namespace gorgon::http
