#include "util/handle_table.hpp"

#include <doctest/doctest.h>

TEST_CASE("ids find their object until taken, and a reused slot gets a new id") {
    gorgon::HandleTable<int> t;
    uint64_t a = t.insert(std::make_unique<int>(1));
    uint64_t b = t.insert(std::make_unique<int>(2));
    CHECK(a != 0);
    CHECK(a != b);
    CHECK(*t.find(a) == 1);
    CHECK(t.size() == 2);
    auto taken = t.take(a);
    CHECK(*taken == 1);
    CHECK(t.find(a) == nullptr);
    CHECK(t.take(a) == nullptr);
    uint64_t c = t.insert(std::make_unique<int>(3));
    CHECK((c & 0xffffffffu) == (a & 0xffffffffu));  // same slot...
    CHECK(c != a);                                  // ...but the old id stays stale
    CHECK(t.find(a) == nullptr);
    CHECK(*t.find(c) == 3);
    CHECK(t.find(0) == nullptr);
    CHECK(t.find(0xffffffffffffffffu) == nullptr);
    int sum = 0;
    t.forEach([&](int v) { sum += v; });
    CHECK(sum == 5);
}
