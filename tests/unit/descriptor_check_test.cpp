#include "plugin/descriptor_check.hpp"

#include "monitor_text.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <string_view>

namespace {

gorgon_status initOk(const gorgon_host_api*, gorgon_plugin*, const gorgon_config*, void**) {
    return GORGON_OK;
}
void shutdownOk(void*) {}
gorgon_status exportOk(void*, gorgon_buffer*) {
    return GORGON_OK;
}

const char* const kProvides[] = {"protocol:test", nullptr};

gorgon_plugin_descriptor valid() {
    gorgon_plugin_descriptor d{};
    d.struct_size = sizeof d;
    d.abi_major = GORGON_ABI_MAJOR;
    d.abi_minor = GORGON_ABI_MINOR;
    d.name = "test";
    d.version = "1.0";
    d.provides = kProvides;
    d.init = &initOk;
    d.shutdown = &shutdownOk;
    return d;
}

std::string refusal(const gorgon_plugin_descriptor& d) {
    auto r = gorgon::checkDescriptor(&d);
    REQUIRE_FALSE(r.ok());
    return r.error();
}

}  // namespace

TEST_CASE("a valid descriptor is copied") {
    auto d = valid();
    auto r = gorgon::checkDescriptor(&d);
    REQUIRE(r.ok());
    CHECK(r->name == "test");
    CHECK(r->provides == std::vector<std::string>{"protocol:test"});
    CHECK(r->depends.empty());
    CHECK((r->hooks.init == &initOk));
}

TEST_CASE("version rule: same major, minor not newer") {
    const std::string host =
        std::to_string(GORGON_ABI_MAJOR) + "." + std::to_string(GORGON_ABI_MINOR);
    auto d = valid();
    d.abi_major = GORGON_ABI_MAJOR + 1;
    auto e = refusal(d);
    CHECK(e.find("built for plugin ABI " + std::to_string(GORGON_ABI_MAJOR + 1) + ".") !=
          std::string::npos);
    CHECK(e.find("this host provides " + host) != std::string::npos);
    d = valid();
    d.abi_minor = GORGON_ABI_MINOR + 1;
    CHECK(refusal(d).find("built for plugin ABI " + std::to_string(GORGON_ABI_MAJOR) + "." +
                          std::to_string(GORGON_ABI_MINOR + 1) + "; this host provides " + host) !=
          std::string::npos);
    d = valid();
    d.abi_minor = 0;  // an older minor of the same major loads
    CHECK(gorgon::checkDescriptor(&d).ok());
    d.abi_major = 0;
    CHECK(refusal(d).find("built for plugin ABI 0.0") != std::string::npos);
}

TEST_CASE("short and truncated descriptors") {
    auto d = valid();
    d.struct_size = 4;
    CHECK(refusal(d).find("too short to hold a version") != std::string::npos);
    d.struct_size = 8;
    CHECK(refusal(d).find("needs at least") != std::string::npos);
    CHECK(gorgon::checkDescriptor(nullptr).error().find("NULL") != std::string::npos);
}

TEST_CASE("a smaller, older descriptor leaves the newer hooks NULL") {
    auto d = valid();
    d.drain = &shutdownOk;
    d.struct_size = GORGON_DESCRIPTOR_MIN_SIZE;  // as a plugin built before `drain` existed
    auto r = gorgon::checkDescriptor(&d);
    REQUIRE(r.ok());
    CHECK((r->hooks.drain == nullptr));
    CHECK(r->hooks.struct_size == sizeof(gorgon_plugin_descriptor));
}

TEST_CASE("names, strings and hooks") {
    auto d = valid();
    d.name = "Bad Name";
    CHECK(refusal(d).find("is not 1-63 characters") != std::string::npos);
    d.name = nullptr;
    CHECK(refusal(d).find("name is missing") != std::string::npos);
    d = valid();
    d.version = nullptr;
    CHECK(refusal(d).find("version is missing") != std::string::npos);
    d = valid();
    d.init = nullptr;
    CHECK(refusal(d).find("no init hook") != std::string::npos);
    d = valid();
    d.shutdown = nullptr;
    CHECK(refusal(d).find("no shutdown hook") != std::string::npos);
    d = valid();
    d.handoff_export = &exportOk;
    CHECK(refusal(d).find("only one of handoff_export") != std::string::npos);
    std::string longname(300, 'a');
    d = valid();
    d.description = longname.c_str();
    CHECK(refusal(d).find("longer than") != std::string::npos);
    static const char* many[70];
    for (auto& m : many) m = "x";
    many[69] = nullptr;
    d = valid();
    d.depends = many;
    CHECK(refusal(d).find("more than 64") != std::string::npos);
}

// The rule plugin.h, docs/sdk-guide.md and docs/monitor-protocol.md state: 1-63 characters of
// a-z, 0-9, '-' and '_', the first a letter or digit. The monitor checks a NAME argument with
// its own copy of the rule (it links no host code); both must accept exactly the same names, or
// a plugin could load and then not be named to unload or reload it.
TEST_CASE("plugin names: the host's rule, its edges, and the monitor's copy of it") {
    const std::string max(63, 'a');
    const std::string over(64, 'a');
    struct Case {
        std::string_view name;
        bool valid;
    };
    const Case cases[] = {
        {"a", true},
        {"0", true},
        {"http-static", true},
        {"fs_os", true},
        {"9lives", true},
        {"a-", true},
        {"a_", true},
        {"a--b__c", true},
        {max, true},
        {"", false},
        {over, false},
        {"-a", false},
        {"_a", false},
        {"Chat", false},
        {"chaT", false},
        {"a b", false},
        {"a.b", false},
        {"a/b", false},
        {"a:b", false},
        {"caf\xc3\xa9", false},
        {std::string_view("a\0b", 3), false},
    };
    for (const Case& c : cases) {
        INFO("name \"" << std::string(c.name) << "\" (" << c.name.size() << " bytes)");
        CHECK(gorgon::validPluginName(c.name) == c.valid);
        CHECK(gorgon::monitor::isPluginName(c.name) == c.valid);
    }
    // And the descriptor check refuses what the rule refuses, naming the value.
    auto d = valid();
    d.name = "_private";
    CHECK(refusal(d).find("name \"_private\" is not 1-63 characters") != std::string::npos);
    d.name = "my_plugin";
    CHECK(gorgon::checkDescriptor(&d).ok());
}
