// libFuzzer target for the request fields http-static acts on: Range, If-Range, If-Match,
// If-None-Match, If-Modified-Since and If-Unmodified-Since. The input is a first line
// "SIZE MTIME INODE NOW" (the file the request is for; missing numbers take defaults), then
// header lines "Name: value". The fields are read through the real readFields (over an http
// API table that serves the lines), then parsed and evaluated as serveFile does. Invariants:
//
//   - resolved ranges lie inside the file, never carry a byte twice, and cover exactly the
//     bytes the satisfiable specs ask for; a multipart plan's length is the sum of its parts;
//   - a date that parses formats and parses back to the same second, and every date we format
//     parses back;
//   - our own ETag matches itself in If-Match/If-None-Match lists and in If-Range, our own
//     Last-Modified satisfies If-Modified-Since and If-Range, and "*" matches anything.
#include "fuzz_check.hpp"
#include "static_conditional.hpp"
#include "static_multipart.hpp"
#include "static_range.hpp"
#include "static_request.hpp"

#include <gorgon/http.h>
#include <gorgon/http_date.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace gorgon::httpstatic;
using gorgon::formatHttpDate;
using gorgon::kHttpDateLength;
using gorgon::parseHttpDate;

// The request handle the API table below reads: the header lines of the input.
struct gorgon_http_request {
    std::vector<std::pair<std::string_view, std::string_view>> fields;
};

namespace {

int headerAt(const gorgon_http_request* req, std::size_t i, gorgon_str* name, gorgon_str* value) {
    if (i >= req->fields.size()) return 0;
    *name = {req->fields[i].first.data(), req->fields[i].first.size()};
    *value = {req->fields[i].second.data(), req->fields[i].second.size()};
    return 1;
}

gorgon_http_api makeApi() {
    gorgon_http_api api{};
    api.struct_size = sizeof api;
    api.header_at = &headerAt;
    return api;
}

const gorgon_http_api kApi = makeApi();

// The latest second formatHttpDate writes a four-digit year for (9999-12-31T23:59:59).
constexpr std::int64_t kMaxDate = gorgon::kHttpDateMax;

std::uint64_t number(std::string_view& line, std::uint64_t fallback) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
    if (ec != std::errc()) return fallback;
    line.remove_prefix(static_cast<std::size_t>(end - line.data()));
    return v;
}

using Interval = std::pair<std::uint64_t, std::uint64_t>;  // inclusive

std::vector<Interval> merged(std::vector<Interval> v) {
    std::sort(v.begin(), v.end());
    std::vector<Interval> out;
    for (const Interval& i : v) {
        if (!out.empty() && i.first <= out.back().second + 1) {
            out.back().second = std::max(out.back().second, i.second);
        } else {
            out.push_back(i);
        }
    }
    return out;
}

void checkRanges(std::string_view value, std::uint64_t size) {
    RangeSpecs specs;
    if (!parseRangeHeader(value, specs)) return;
    GORGON_FUZZ_CHECK(specs.count >= 1 && specs.count <= kMaxRanges);
    std::vector<Interval> wanted;
    for (std::size_t i = 0; i < specs.count; ++i) {
        const RangeSpec& s = specs.specs[i];
        GORGON_FUZZ_CHECK(s.has_first || s.has_last);
        if (s.has_first && s.has_last) GORGON_FUZZ_CHECK(s.first <= s.last);
        // The model: which bytes of the file this spec asks for (RFC 9110 §14.1.2).
        if (size == 0) continue;
        if (!s.has_first) {
            if (s.last > 0) wanted.emplace_back(s.last >= size ? 0 : size - s.last, size - 1);
        } else if (s.first < size) {
            wanted.emplace_back(s.first, s.has_last ? std::min(s.last, size - 1) : size - 1);
        }
    }
    ByteRanges out;
    resolveRanges(specs, size, out);
    GORGON_FUZZ_CHECK(out.count <= specs.count);
    std::vector<Interval> got;
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < out.count; ++i) {
        const ByteRange& r = out.ranges[i];
        GORGON_FUZZ_CHECK(r.first <= r.last && r.last < size);
        got.emplace_back(r.first, r.last);
        sum += r.length();
    }
    // Never a byte twice: the parts' lengths add up to the bytes they cover.
    std::uint64_t covered = 0;
    for (const Interval& i : merged(got)) covered += i.second - i.first + 1;
    GORGON_FUZZ_CHECK(sum == covered);
    GORGON_FUZZ_CHECK(merged(got) == merged(wanted));
    if (out.count > 1) {
        const MultipartPlan plan = planMultipart(out, size, "text/plain", makeBoundary(size));
        std::uint64_t total = plan.tail.size();
        for (const std::string& h : plan.heads) total += h.size();
        GORGON_FUZZ_CHECK(plan.heads.size() == out.count && plan.total == total + sum);
    }
}

void checkDate(std::string_view value) {
    auto t = parseHttpDate(value);
    if (!t) return;
    GORGON_FUZZ_CHECK(*t >= -62'167'219'200 && *t <= kMaxDate + 1);  // years 0 to 9999
    if (*t < 0 || *t > kMaxDate) return;
    char text[kHttpDateLength];
    formatHttpDate(*t, text);
    GORGON_FUZZ_CHECK(parseHttpDate({text, kHttpDateLength}) == *t);
}

void checkValidators(const Validators& v, bool weak, std::int64_t now) {
    const std::string_view etag = v.etag;
    GORGON_FUZZ_CHECK(etagListMatches(etag, etag, /*strong=*/false));
    GORGON_FUZZ_CHECK(etagListMatches(etag, etag, /*strong=*/true) == !weak);
    GORGON_FUZZ_CHECK(etagListMatches("*", etag, true) && etagListMatches(" * ", etag, false));
    const std::string list = "\"x\", " + std::string(etag) + " ,";
    GORGON_FUZZ_CHECK(etagListMatches(list, etag, false));
    GORGON_FUZZ_CHECK(ifRangeAllows(etag, v, now) == !weak);

    char date[kHttpDateLength];
    formatHttpDate(v.last_modified, date);
    const std::string_view lm(date, kHttpDateLength);
    GORGON_FUZZ_CHECK(parseHttpDate(lm) == v.last_modified);
    GORGON_FUZZ_CHECK(ifRangeAllows(lm, v, now) == (v.last_modified < now));

    Conditionals c;
    c.if_none_match = etag;
    GORGON_FUZZ_CHECK(evaluatePreconditions(c, v) == Precondition::kNotModified);
    c = {};
    c.if_modified_since = lm;
    GORGON_FUZZ_CHECK(evaluatePreconditions(c, v) == Precondition::kNotModified);
    c = {};
    c.if_match = etag;
    GORGON_FUZZ_CHECK(evaluatePreconditions(c, v) ==
                      (weak ? Precondition::kPreconditionFailed : Precondition::kProceed));
    c = {};
    c.if_unmodified_since = lm;
    GORGON_FUZZ_CHECK(evaluatePreconditions(c, v) == Precondition::kProceed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nl = input.find('\n');
    std::string_view first = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);

    // The file: sizes up to 2^62, times within the years formatHttpDate writes.
    const std::uint64_t file_size = number(first, 1000) & ((std::uint64_t{1} << 62) - 1);
    const auto mtime = static_cast<std::int64_t>(number(first, 784111777) % (kMaxDate + 1));
    const std::uint64_t inode = number(first, 42);
    const auto now = static_cast<std::int64_t>(number(first, 1'700'000'000) % (kMaxDate + 1));

    gorgon_http_request req;
    while (!input.empty()) {
        const std::size_t end = input.find('\n');
        const std::string_view line = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        req.fields.emplace_back(line.substr(0, colon), value);
    }
    const RequestFields f = readFields(&kApi, &req);

    // Exactly as serveFile: ranges, If-Range, then the preconditions.
    char tag[kEtagCapacity];
    for (const bool weak : {false, true}) {
        const auto mtime_ns =
            static_cast<std::int64_t>(static_cast<std::uint64_t>(mtime) * 1'000'000'000);
        const std::size_t n = formatEtag(file_size, mtime_ns, inode, weak, tag);
        GORGON_FUZZ_CHECK(n <= kEtagCapacity);
        const Validators v{{tag, n}, std::min(mtime, now)};
        checkValidators(v, weak, now);
        (void)ifRangeAllows(f.if_range, v, now);
        (void)evaluatePreconditions(f.conditionals, v);
    }
    checkRanges(f.range, file_size);
    checkDate(f.if_range);
    checkDate(f.conditionals.if_modified_since);
    checkDate(f.conditionals.if_unmodified_since);
    for (const auto& field : req.fields) checkDate(field.second);
    return 0;
}
