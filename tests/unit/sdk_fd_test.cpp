// Unit tests for the SDK's gorgon::UniqueFd (sdk/include/gorgon/fd.hpp).
#include <gorgon/fd.hpp>

#include <doctest/doctest.h>

#include <type_traits>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

using gorgon::UniqueFd;

namespace {

// Whether `fd` names an open descriptor in this process.
bool isOpen(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

// A fresh descriptor (one end of a pipe; the other is closed at once).
int openOne() {
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    ::close(p[1]);
    return p[0];
}

}  // namespace

static_assert(!std::is_copy_constructible_v<UniqueFd> && !std::is_copy_assignable_v<UniqueFd>);
static_assert(std::is_nothrow_move_constructible_v<UniqueFd> &&
              std::is_nothrow_move_assignable_v<UniqueFd>);
static_assert(!std::is_convertible_v<UniqueFd, bool>, "operator bool is explicit");
static_assert(!std::is_convertible_v<int, UniqueFd>, "taking ownership is explicit");

TEST_CASE("sdk fd: empty by default, closes what it owns") {
    const UniqueFd none;
    CHECK_FALSE(none.valid());
    CHECK_FALSE(static_cast<bool>(none));
    CHECK(none.get() == -1);

    const int raw = openOne();
    {
        const UniqueFd fd(raw);
        CHECK(fd.valid());
        CHECK(static_cast<bool>(fd));
        CHECK(fd.get() == raw);
        CHECK(isOpen(raw));
    }
    CHECK_FALSE(isOpen(raw));
}

TEST_CASE("sdk fd: a failed open stays empty") {
    const UniqueFd fd(::open("/nonexistent/gorgon-sdk-fd-test", O_RDONLY | O_CLOEXEC));
    CHECK_FALSE(fd);
    CHECK(fd.get() == -1);
}

TEST_CASE("sdk fd: moving hands the descriptor over once") {
    const int raw = openOne();
    UniqueFd a(raw);
    UniqueFd b(std::move(a));
    CHECK_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is defined
    CHECK(b.get() == raw);

    const int other = openOne();
    UniqueFd c(other);
    c = std::move(b);  // closes `other`, takes `raw`
    CHECK_FALSE(isOpen(other));
    CHECK(c.get() == raw);
    CHECK(isOpen(raw));

    auto& self = c;
    c = std::move(self);  // self-move keeps the descriptor
    CHECK(c.get() == raw);
    CHECK(isOpen(raw));
}

TEST_CASE("sdk fd: reset closes the old one, release gives it up") {
    const int first = openOne();
    const int second = openOne();
    UniqueFd fd(first);
    fd.reset(second);
    CHECK_FALSE(isOpen(first));
    CHECK(fd.get() == second);
    fd.reset(second);  // the same descriptor again: kept, not closed
    CHECK(isOpen(second));
    fd.reset();
    CHECK_FALSE(isOpen(second));
    CHECK_FALSE(fd);

    const int third = openOne();
    fd.reset(third);
    const int taken = fd.release();
    CHECK(taken == third);
    CHECK_FALSE(fd);
    CHECK(isOpen(third));  // the destructor of an empty UniqueFd closes nothing
    ::close(taken);
}
