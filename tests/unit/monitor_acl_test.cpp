// Unit tests for the monitor's access list (plugins/monitor/src/monitor_acl.cpp).
#include "monitor_acl.hpp"

#include <doctest/doctest.h>

using namespace gorgon::monitor;

TEST_CASE("monitor acl: an empty list allows nothing") {
    const Acl acl;
    CHECK(acl.granted(0, 0) == kPermNone);
    CHECK_FALSE(acl.allows(0, 0, kPermStatus));
    // help and quit need no permission.
    CHECK(acl.allows(1234, 1234, kPermNone));
}

TEST_CASE("monitor acl: defaults are root and the service user, everything") {
    const Acl acl = Acl::defaults(1000);
    CHECK(acl.granted(0, 0) == kPermAll);
    CHECK(acl.granted(1000, 1000) == kPermAll);
    CHECK(acl.granted(1000, 5) == kPermAll);
    CHECK(acl.granted(1001, 1000) == kPermNone);  // the service user's group is not enough
    CHECK(acl.granted(65534, 65534) == kPermNone);
    // Running as root: root alone.
    const Acl root = Acl::defaults(0);
    CHECK(root.granted(0, 0) == kPermAll);
    CHECK(root.granted(1, 1) == kPermNone);
}

TEST_CASE("monitor acl: rules match by uid, gid or group membership, and add up") {
    AclRule readers;
    readers.gids = {100};
    readers.member_uids = {2001};
    readers.granted = kPermRead;
    AclRule reloader;
    reloader.uids = {2002};
    reloader.granted = kPermReload;
    const Acl acl({readers, reloader});

    CHECK(acl.granted(3000, 100) == kPermRead);  // primary group from SO_PEERCRED
    CHECK(acl.granted(2001, 5) == kPermRead);    // a supplementary member
    CHECK(acl.granted(2002, 5) == kPermReload);
    CHECK(acl.granted(2002, 100) == (kPermRead | kPermReload));
    CHECK(acl.allows(2002, 100, kPermReload));
    CHECK_FALSE(acl.allows(2002, 5, kPermStatus));
    CHECK_FALSE(acl.allows(2001, 5, kPermShutdown));
    CHECK_FALSE(acl.allows(4000, 4000, kPermStatus));
}

TEST_CASE("monitor acl: permission names") {
    CHECK(permissionByName("status") == kPermStatus);
    CHECK(permissionByName("config.reload") == kPermConfigReload);
    CHECK(permissionByName("all") == kPermAll);
    CHECK(permissionByName("read") == kPermRead);
    CHECK((*permissionByName("read") & kPermShutdown) == 0);
    CHECK((*permissionByName("read") & kPermConfigCheck) == 0);  // it reads any file
    CHECK_FALSE(permissionByName("Status").has_value());
    CHECK_FALSE(permissionByName("").has_value());
    CHECK(permissionName(kPermUnload) == "unload");
    // Every single bit has its own name, and `all` is exactly their union.
    PermissionSet seen = 0;
    for (const PermissionName& p : permissionNames()) {
        if ((p.bits & (p.bits - 1)) == 0) seen |= p.bits;
    }
    CHECK(seen == kPermAll);
}
