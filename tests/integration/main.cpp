// SPDX-License-Identifier: GPL-3.0-or-later
// Entry point of the integration tests. ctest runs every test in a process of its own
// (gtest_discover_tests); each such process first moves into a private network namespace, so a
// test sees only the listeners it creates, may use any port, and can run in parallel with others.

#include "harness/netns.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <exception>

#include <fmt/core.h>

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);

    // Test discovery at build time only lists names; it must work without privilege.
    if (!GTEST_FLAG_GET(list_tests)) {
        try {
            integration::enter_private_network_namespace();
        } catch (const std::exception& error) {
            // A failure, not a skip: CI runs as root, so this means a broken environment, and a
            // silently skipped suite would look green.
            fmt::print(
                stderr,
                "FAILED: cannot enter a private network namespace: {}\n"
                "The integration tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to create "
                "one per test.\n",
                error.what());
            return 1;
        }
    }
    return RUN_ALL_TESTS();
}
