// libFuzzer target for FTP virtual paths: the input is "CWD\nARG" (the current directory, then
// a path argument as a client sends it). Invariants of resolvePath and the helpers on top:
//
//   - a resolved path is absolute and normal: no empty, "." or ".." segment, no trailing '/',
//     at most kMaxPath bytes; resolving it again, from anywhere, gives it back;
//   - an absolute argument does not depend on the current directory, and a relative one
//     without ".." stays within it;
//   - parentOf/baseName/childOf, isWithin/relativeTo and quotePath agree with one another.
#include "ftp_path.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace gorgon::ftp;

namespace {

void checkNormal(std::string_view p) {
    GORGON_FUZZ_CHECK(!p.empty() && p.front() == '/' && p.size() <= kMaxPath);
    if (p == "/") return;
    GORGON_FUZZ_CHECK(p.back() != '/');
    GORGON_FUZZ_CHECK(p.find("//") == std::string_view::npos);
    GORGON_FUZZ_CHECK(p.find("/./") == std::string_view::npos && !p.ends_with("/."));
    GORGON_FUZZ_CHECK(p.find("/../") == std::string_view::npos && !p.ends_with("/.."));
}

bool hasDotDot(std::string_view s) {
    while (!s.empty()) {
        const std::size_t slash = s.find('/');
        if (s.substr(0, slash) == "..") return true;
        if (slash == std::string_view::npos) break;
        s.remove_prefix(slash + 1);
    }
    return false;
}

std::string unquote(std::string_view q) {
    std::string out;
    for (std::size_t i = 0; i < q.size(); ++i) {
        out += q[i];
        if (q[i] == '"') {
            GORGON_FUZZ_CHECK(i + 1 < q.size() && q[i + 1] == '"');
            ++i;
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nl = input.find('\n');
    const std::string_view cwd_raw = nl == std::string_view::npos ? "/" : input.substr(0, nl);
    const std::string_view arg = nl == std::string_view::npos ? input : input.substr(nl + 1);

    const std::string cwd = resolvePath("/", cwd_raw).value_or("/");
    checkNormal(cwd);

    const auto out = resolvePath(cwd, arg);
    if (!out) {
        // Refused only when empty, or when the joined segments could pass kMaxPath.
        GORGON_FUZZ_CHECK(arg.empty() || cwd.size() + arg.size() + 1 > kMaxPath);
        return 0;
    }
    checkNormal(*out);
    GORGON_FUZZ_CHECK(resolvePath("/", *out) == *out);
    GORGON_FUZZ_CHECK(resolvePath(cwd, *out) == *out);
    GORGON_FUZZ_CHECK(resolvePath(*out, ".") == *out);
    if (!arg.empty() && arg.front() == '/') GORGON_FUZZ_CHECK(resolvePath("/", arg) == *out);
    if (arg.front() != '/' && !hasDotDot(arg)) {
        GORGON_FUZZ_CHECK(isWithin(*out, cwd, true));
    }

    GORGON_FUZZ_CHECK(isWithin(*out, "/", true));
    GORGON_FUZZ_CHECK(fsPath(*out).empty() == (*out == "/"));
    if (*out != "/") {
        const std::string_view parent = parentOf(*out);
        const std::string_view base = baseName(*out);
        checkNormal(parent);
        GORGON_FUZZ_CHECK(!base.empty() && base.find('/') == std::string_view::npos);
        GORGON_FUZZ_CHECK(childOf(parent, base) == *out);
        GORGON_FUZZ_CHECK(isWithin(*out, parent, false) && !isWithin(parent, *out, true));
        GORGON_FUZZ_CHECK(resolvePath(*out, "..") == std::string(parent));
    }
    if (isWithin(*out, cwd, false)) {
        const std::string rel = relativeTo(*out, cwd);
        checkNormal(rel);
        GORGON_FUZZ_CHECK((cwd == "/" ? std::string() : cwd) + rel == *out);
    }
    GORGON_FUZZ_CHECK(unquote(quotePath(*out)) == *out);
    GORGON_FUZZ_CHECK(hasGlob(*out) == (out->find_first_of("*?[") != std::string::npos));
    return 0;
}
