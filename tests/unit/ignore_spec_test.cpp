// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ignore_spec.hpp"
#include "core/input_error.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using test_support::tcp;
using test_support::udp;

struct IgnoreCase {
    std::string spec;
    Listener listener;
    bool ignored;
};

TEST(IgnoreSpec, Table) {
    const std::vector<IgnoreCase> cases{
        // A bare range means TCP and UDP, every address.
        {"32768-60999", tcp("0.0.0.0", 40000), true},
        {"32768-60999", udp("127.0.0.1", 40000), true},
        {"32768-60999", tcp("0.0.0.0", 32767), false},
        {"32768-60999", tcp("::", 60999), true},
        // A protocol limits it.
        {"udp/5353", udp("0.0.0.0", 5353), true},
        {"udp/5353", tcp("0.0.0.0", 5353), false},
        {"tcp6/22", tcp("::", 22), true},
        {"tcp6/22", tcp("0.0.0.0", 22), false},
        // ADDR:* is every port of exactly that address: not the wildcard.
        {"127.0.0.1:*", tcp("127.0.0.1", 8080), true},
        {"127.0.0.1:*", udp("127.0.0.1", 53), true},
        {"127.0.0.1:*", tcp("0.0.0.0", 8080), false},
        {"[::1]:*", tcp("::1", 631), true},
        {"udp/[::1]:*", tcp("::1", 631), false},
        {"0.0.0.0:*", tcp("0.0.0.0", 1), true},
    };
    for (const auto& [spec, listener, ignored] : cases) {
        SCOPED_TRACE(spec + " vs port " + std::to_string(listener.port));
        EXPECT_EQ(IgnoreSpec::parse(spec).matches(listener), ignored);
    }
}

TEST(IgnoreSpec, InvalidSpecsAreInputErrors) {
    for (const std::string spec : {"", "*", "80=nginx", "tcp9/80", "99999", "300-200",
                                   "localhost:*", "127.0.0.1:", "::1:*"}) {
        SCOPED_TRACE(spec);
        EXPECT_THROW(IgnoreSpec::parse(spec), InputError);
    }
}

}  // namespace
}  // namespace port_owner
