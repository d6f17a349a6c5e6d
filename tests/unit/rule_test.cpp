// SPDX-License-Identifier: GPL-3.0-or-later
// Rule syntax (-p and the allow-list section names) and which listeners a rule covers.

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>

#include "core/input_error.hpp"
#include "core/rule.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using test_support::address;

struct ValidSpec {
    std::string text;
    std::string label;
    Transport transport;
    std::optional<Family> family;
    std::optional<std::string> address;  // canonical text, nullopt when none
    std::uint16_t low;
    std::uint16_t high;
};

void PrintTo(const ValidSpec& spec, std::ostream* out) {
    *out << "'" << spec.text << "'";
}

class ValidPortSpec : public ::testing::TestWithParam<ValidSpec> {};

TEST_P(ValidPortSpec, ParsesToTheExpectedParts) {
    const auto& expected = GetParam();
    const auto spec = PortSpec::parse(expected.text);
    EXPECT_EQ(spec.transport, expected.transport);
    EXPECT_EQ(spec.family, expected.family);
    ASSERT_EQ(spec.address.has_value(), expected.address.has_value());
    if (expected.address) {
        EXPECT_EQ(spec.address->to_string(), *expected.address);
    }
    EXPECT_EQ(spec.ports.low, expected.low);
    EXPECT_EQ(spec.ports.high, expected.high);
    EXPECT_EQ(spec.label(), expected.label);
}

TEST_P(ValidPortSpec, LabelParsesBackToTheSameSpec) {
    const auto spec = PortSpec::parse(GetParam().text);
    const auto again = PortSpec::parse(spec.label());
    EXPECT_EQ(again.label(), spec.label());
    EXPECT_EQ(again.transport, spec.transport);
    EXPECT_EQ(again.family, spec.family);
    EXPECT_EQ(again.address, spec.address);
    EXPECT_EQ(again.ports, spec.ports);
}

TEST_P(ValidPortSpec, IsAcceptedAsARuleWithoutAllowList) {
    const auto rule = parse_rule_argument(GetParam().text);
    EXPECT_EQ(rule.label(), GetParam().label);
    EXPECT_TRUE(rule.allow.empty());
    EXPECT_TRUE(rule.required);
}

constexpr auto v4 = Family::ipv4;
constexpr auto v6 = Family::ipv6;
constexpr auto tcp = Transport::tcp;
constexpr auto udp = Transport::udp;

INSTANTIATE_TEST_SUITE_P(
    Table, ValidPortSpec,
    ::testing::Values(
        // A bare port means tcp on IPv4 and IPv6.
        ValidSpec{"80", "tcp/80", tcp, std::nullopt, std::nullopt, 80, 80},
        ValidSpec{"1", "tcp/1", tcp, std::nullopt, std::nullopt, 1, 1},
        ValidSpec{"65535", "tcp/65535", tcp, std::nullopt, std::nullopt, 65535, 65535},
        ValidSpec{"tcp/80", "tcp/80", tcp, std::nullopt, std::nullopt, 80, 80},
        ValidSpec{"udp/53", "udp/53", udp, std::nullopt, std::nullopt, 53, 53},
        ValidSpec{"tcp4/80", "tcp4/80", tcp, v4, std::nullopt, 80, 80},
        ValidSpec{"tcp6/80", "tcp6/80", tcp, v6, std::nullopt, 80, 80},
        ValidSpec{"udp4/53", "udp4/53", udp, v4, std::nullopt, 53, 53},
        ValidSpec{"udp6/53", "udp6/53", udp, v6, std::nullopt, 53, 53},
        ValidSpec{"8000-8080", "tcp/8000-8080", tcp, std::nullopt, std::nullopt, 8000, 8080},
        ValidSpec{"udp/60000-60010", "udp/60000-60010", udp, std::nullopt, std::nullopt, 60000,
                  60010},
        ValidSpec{"1-65535", "tcp/1-65535", tcp, std::nullopt, std::nullopt, 1, 65535},
        ValidSpec{"80-80", "tcp/80", tcp, std::nullopt, std::nullopt, 80, 80},
        ValidSpec{"tcp6/8000-8080", "tcp6/8000-8080", tcp, v6, std::nullopt, 8000, 8080},
        // An address pins the family.
        ValidSpec{"127.0.0.1:8080", "tcp/127.0.0.1:8080", tcp, v4, "127.0.0.1", 8080, 8080},
        ValidSpec{"tcp/127.0.0.1:8080", "tcp/127.0.0.1:8080", tcp, v4, "127.0.0.1", 8080, 8080},
        ValidSpec{"tcp4/127.0.0.1:8080", "tcp/127.0.0.1:8080", tcp, v4, "127.0.0.1", 8080, 8080},
        ValidSpec{"udp4/127.0.0.53:53", "udp/127.0.0.53:53", udp, v4, "127.0.0.53", 53, 53},
        ValidSpec{"udp/0.0.0.0:53", "udp/0.0.0.0:53", udp, v4, "0.0.0.0", 53, 53},
        ValidSpec{"tcp/10.1.2.3:1000-2000", "tcp/10.1.2.3:1000-2000", tcp, v4, "10.1.2.3", 1000,
                  2000},
        ValidSpec{"tcp/[::1]:8080", "tcp/[::1]:8080", tcp, v6, "::1", 8080, 8080},
        ValidSpec{"[::1]:8080", "tcp/[::1]:8080", tcp, v6, "::1", 8080, 8080},
        ValidSpec{"tcp6/[::1]:8000-8080", "tcp/[::1]:8000-8080", tcp, v6, "::1", 8000, 8080},
        ValidSpec{"tcp/[::]:22", "tcp/[::]:22", tcp, v6, "::", 22, 22},
        ValidSpec{"udp6/[fe80::1]:547", "udp/[fe80::1]:547", udp, v6, "fe80::1", 547, 547},
        ValidSpec{"tcp/[2001:DB8:0:0::1]:443", "tcp/[2001:db8::1]:443", tcp, v6, "2001:db8::1", 443,
                  443},
        // IPv4-mapped addresses read as IPv4.
        ValidSpec{"tcp/[::ffff:127.0.0.1]:80", "tcp/127.0.0.1:80", tcp, v4, "127.0.0.1", 80, 80},
        ValidSpec{"tcp4/[::ffff:10.0.0.1]:80", "tcp/10.0.0.1:80", tcp, v4, "10.0.0.1", 80, 80},
        ValidSpec{"udp/[::ffff:0.0.0.0]:53", "udp/0.0.0.0:53", udp, v4, "0.0.0.0", 53, 53}));

class InvalidPortSpec : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidPortSpec, IsRejectedWithAMessageNamingIt) {
    const auto& text = GetParam();
    try {
        PortSpec::parse(text);
        FAIL() << "accepted '" << text << "'";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("'" + text + "'"), std::string::npos)
            << error.what();
    }
}

TEST_P(InvalidPortSpec, IsRejectedAsARule) {
    EXPECT_THROW(parse_rule_argument(GetParam()), InputError);
    EXPECT_THROW(parse_rule_argument(GetParam() + "=nginx"), InputError);
}

INSTANTIATE_TEST_SUITE_P(
    Table, InvalidPortSpec,
    ::testing::Values(
        // Missing or out-of-range ports.
        "", "tcp/", "udp/", "0", "tcp/0", "udp/0", "65536", "tcp/65536", "99999999999",
        "4294967376", "-1", "0-10", "80-65536", "80-", "-80", "80--90", "1-2-3",
        // A reversed range.
        "90-80", "udp/65535-1",
        // Junk.
        "abc", "tcp/http", "8O", "0x50", "1e2", "+80", " 80", "80 ", "80.0", "80/tcp", "tcp/80/81",
        "80,81", "tcp/80,443", "tcp 80", "tcp//80",
        // Unknown protocols.
        "sctp/80", "/80", "ip/80", "tcp46/80", "tcp:80",
        // Bad addresses.
        "tcp/127.0.0.1:", "tcp/127.0.0.1", "tcp/:80", "tcp/1.2.3:80", "tcp/256.0.0.1:80",
        "tcp/localhost:80", "tcp/::1:80", "tcp/[::1]80", "tcp/[::1:80", "tcp/[::1]:", "tcp/[]:80",
        "tcp/[zz]:80", "tcp/[::1]]:80", "tcp/[::1]:80-",
        // The family contradicts the address; a mapped address is IPv4.
        "tcp4/[::1]:80", "tcp6/127.0.0.1:80", "udp6/0.0.0.0:53", "tcp6/[::ffff:127.0.0.1]:80"));

TEST(RuleArgument, SplitsAllowEntriesOnCommas) {
    const auto rule = parse_rule_argument("80=nginx,apache2");
    EXPECT_EQ(rule.label(), "tcp/80");
    ASSERT_EQ(rule.allow.size(), 2u);
    EXPECT_EQ(rule.allow[0].text(), "nginx");
    EXPECT_EQ(rule.allow[1].text(), "apache2");
    EXPECT_EQ(rule.allowed_text(), "nginx, apache2");
    EXPECT_TRUE(rule.required);
    EXPECT_EQ(rule.origin, "-p 80=nginx,apache2");
}

TEST(RuleArgument, DesignExamplesParse) {
    struct Example {
        std::string text;
        std::string label;
        std::string allowed;
    };
    const Example examples[] = {
        {"80=nginx,apache2", "tcp/80", "nginx, apache2"},
        {"tcp/443=exe:/usr/sbin/nginx", "tcp/443", "exe:/usr/sbin/nginx"},
        {"udp/53=user:bind", "udp/53", "user:bind"},
        {"tcp/[::1]:8080=unit:app.service", "tcp/[::1]:8080", "unit:app.service"},
        {"22=exe:/usr/sbin/sshd+user:root,unit:ssh.service", "tcp/22",
         "exe:/usr/sbin/sshd+user:root, unit:ssh.service"},
        // Only the first '=' separates the spec; later ones belong to the entry.
        {"8080=cmdline:--port=8080", "tcp/8080", "cmdline:--port=8080"},
        // A cmdline: condition takes the rest of the argument, '+' and ',' included.
        {"8000=nginx,exe:/usr/bin/python3+cmdline:^gunicorn: (master|worker) \\[a{1,3}\\]",
         "tcp/8000", "nginx, exe:/usr/bin/python3+cmdline:^gunicorn: (master|worker) \\[a{1,3}\\]"},
        {"8000=cmdline:gunicorn.+myapp", "tcp/8000", "cmdline:gunicorn.+myapp"},
    };
    for (const auto& example : examples) {
        SCOPED_TRACE(example.text);
        const auto rule = parse_rule_argument(example.text);
        EXPECT_EQ(rule.label(), example.label);
        EXPECT_EQ(rule.allowed_text(), example.allowed);
    }
}

TEST(RuleArgument, CommandLineConditionTakesTheRestOfTheArgument) {
    struct Case {
        std::string text;
        std::vector<std::string> entries;
        std::string last_regex;
    };
    const Case cases[] = {
        {"80=cmdline:a,b", {"cmdline:a,b"}, "a,b"},
        {"80=cmdline:x, nginx", {"cmdline:x, nginx"}, "x, nginx"},
        {"80=cmdline:a{1,3}b+,c", {"cmdline:a{1,3}b+,c"}, "a{1,3}b+,c"},
        {"80=nginx, user:0+cmdline:a,b  ", {"nginx", "user:0+cmdline:a,b"}, "a,b"},
        {"80=nginx+user:0,cmdline:x", {"nginx+user:0", "cmdline:x"}, "x"},
        {"80=nginx,apache2", {"nginx", "apache2"}, ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto rule = parse_rule_argument(c.text);
        ASSERT_EQ(rule.allow.size(), c.entries.size());
        for (std::size_t i = 0; i < c.entries.size(); ++i) {
            EXPECT_EQ(rule.allow[i].text(), c.entries[i]) << i;
        }
        const auto& last = rule.allow.back().conditions().back();
        if (!c.last_regex.empty()) {
            EXPECT_EQ(last.kind, AllowCondition::Kind::command_line);
            EXPECT_EQ(last.value, c.last_regex);
        }
    }
}

TEST(RuleArgument, RejectsBadAllowLists) {
    for (const std::string text :
         {"80=", "=nginx", "=", "80=nginx,", "80=,nginx", "80=nginx,,apache2", "80=exe:nginx",
          "80=foo:bar", "80=cmdline:(", "80=nginx+", "80=+nginx", "0=nginx",
          "80=user:", "80=/usr/sbin/nginx", "80=cmdline:a,(", "80=nginx, cmdline:",
          // cmdline: starts a condition only after '=', ',' or '+' (and blanks before an entry)
          "80=user:0+ cmdline:x"}) {
        SCOPED_TRACE(text);
        EXPECT_THROW(parse_rule_argument(text), InputError);
    }
}

TEST(RuleArgument, EqualSpecsWrittenDifferentlyShareOneLabel) {
    const std::array<std::array<std::string, 3>, 3> groups{{
        {"80", "tcp/80", "tcp/80-80"},
        {"127.0.0.1:53", "tcp/127.0.0.1:53", "tcp4/127.0.0.1:53"},
        {"tcp/[::1]:80", "tcp6/[::1]:80", "tcp/[0:0:0:0:0:0:0:1]:80"},
    }};
    for (const auto& group : groups) {
        SCOPED_TRACE(group[0]);
        for (const auto& text : group) {
            EXPECT_EQ(PortSpec::parse(text).label(), PortSpec::parse(group[0]).label()) << text;
        }
    }
}

// ---- Coverage: which listeners a spec is about.

struct CoverCase {
    std::string spec;
    Listener listener;
    bool covered;
    std::string why;
};

Listener mapped_listener(std::array<std::uint8_t, 4> v4, std::uint16_t port) {
    std::array<std::uint8_t, 16> bytes{};
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    std::copy(v4.begin(), v4.end(), bytes.begin() + 12);
    Listener socket;
    socket.transport = Transport::tcp;
    socket.address = IpAddress::ipv6(bytes);
    socket.port = port;
    return socket;
}

TEST(PortSpecCoverage, UncertainWhenIpv4RestsOnAnUnknownV6only) {
    auto listener = test_support::tcp("::", 8080, false);
    listener.v6only_known = false;
    using Coverage = PortSpec::Coverage;
    EXPECT_EQ(PortSpec::parse("tcp4/8080").coverage(listener), Coverage::uncertain);
    EXPECT_EQ(PortSpec::parse("tcp/127.0.0.1:8080").coverage(listener), Coverage::uncertain);
    EXPECT_EQ(PortSpec::parse("tcp/0.0.0.0:8080").coverage(listener), Coverage::uncertain);
    EXPECT_EQ(PortSpec::parse("tcp/8080").coverage(listener), Coverage::covered);
    EXPECT_EQ(PortSpec::parse("tcp6/8080").coverage(listener), Coverage::covered);
    EXPECT_EQ(PortSpec::parse("tcp4/8081").coverage(listener), Coverage::none);
    auto specific = test_support::tcp("::1", 8080, false);
    specific.v6only_known = false;
    EXPECT_EQ(PortSpec::parse("tcp4/8080").coverage(specific), Coverage::none);
}

TEST(PortSpecCovers, Table) {
    using test_support::tcp;
    using test_support::udp;
    const auto mapped = mapped_listener({127, 0, 0, 1}, 80);
    const CoverCase cases[] = {
        {"tcp/80", tcp("0.0.0.0", 80), true, "plain port, IPv4 wildcard"},
        {"tcp/80", tcp("::", 80, true), true, "plain port, IPv6-only wildcard"},
        {"tcp/80", tcp("127.0.0.1", 80), true, "plain port, specific address"},
        {"tcp/80", tcp("0.0.0.0", 81), false, "other port"},
        {"tcp/80", udp("0.0.0.0", 80), false, "other protocol"},
        {"udp/53", udp("127.0.0.53", 53), true, "udp"},
        {"udp/53", tcp("127.0.0.53", 53), false, "udp rule, tcp listener"},
        {"tcp/8000-8080", tcp("0.0.0.0", 8000), true, "range low end"},
        {"tcp/8000-8080", tcp("0.0.0.0", 8080), true, "range high end"},
        {"tcp/8000-8080", tcp("0.0.0.0", 7999), false, "below range"},
        {"tcp/8000-8080", tcp("0.0.0.0", 8081), false, "above range"},
        {"tcp/127.0.0.1:8080", tcp("0.0.0.0", 8080), true, "wildcard covers a specific address"},
        {"tcp/127.0.0.1:8080", tcp("127.0.0.1", 8080), true, "same address"},
        {"tcp/127.0.0.1:8080", tcp("127.0.0.2", 8080), false, "other address"},
        {"tcp/0.0.0.0:8080", tcp("127.0.0.1", 8080), true,
         "a specific joiner takes the wildcard's local traffic"},
        {"tcp/0.0.0.0:8080", tcp("::", 8080, false), true, "IPv4 wildcard, dual-stack [::]"},
        {"tcp/0.0.0.0:8080", tcp("::", 8080, true), false, "IPv4 wildcard, v6only [::]"},
        {"tcp/0.0.0.0:8080", tcp("::1", 8080), false, "IPv4 wildcard, IPv6 loopback"},
        {"tcp/[::]:8080", tcp("::1", 8080), true, "IPv6 wildcard, IPv6 loopback joiner"},
        {"tcp/[::]:8080", tcp("127.0.0.1", 8080), true, "IPv6 wildcard, IPv4 joiner"},
        {"tcp/[::]:8080", tcp("0.0.0.0", 8081), false, "IPv6 wildcard, other port"},
        {"tcp/127.0.0.1:8080", tcp("::", 8080, false), true, "dual-stack wildcard serves IPv4"},
        {"tcp/127.0.0.1:8080", tcp("::", 8080, true), false, "v6only wildcard: no IPv4"},
        {"tcp/127.0.0.1:8080", tcp("::1", 8080), false, "IPv6 loopback is not IPv4"},
        {"tcp/[::1]:8080", tcp("::", 8080, true), true, "IPv6 wildcard covers ::1"},
        {"tcp/[::1]:8080", tcp("::", 8080, false), true, "dual-stack wildcard covers ::1"},
        {"tcp/[::1]:8080", tcp("::1", 8080, true), true, "same IPv6 address"},
        {"tcp/[::1]:8080", tcp("0.0.0.0", 8080), false, "IPv4 wildcard does not serve IPv6"},
        {"tcp4/80", tcp("0.0.0.0", 80), true, "tcp4, IPv4 wildcard"},
        {"tcp4/80", tcp("::", 80, false), true, "tcp4, dual-stack [::]"},
        {"tcp4/80", tcp("::", 80, true), false, "tcp4, v6only [::]"},
        {"tcp4/80", tcp("::1", 80, false), false, "tcp4, non-wildcard IPv6"},
        {"tcp6/80", tcp("::", 80, true), true, "tcp6, IPv6 wildcard"},
        {"tcp6/80", tcp("::1", 80, true), true, "tcp6, IPv6 loopback"},
        {"tcp6/80", tcp("0.0.0.0", 80), false, "tcp6, IPv4 wildcard"},
        {"udp4/53", udp("::", 53, false), true, "udp4, dual-stack [::]"},
        {"udp4/53", udp("::", 53, true), false, "udp4, v6only [::]"},
        {"udp6/53", udp("0.0.0.0", 53), false, "udp6, IPv4 wildcard"},
        // A v6 socket bound to ::ffff:127.0.0.1 serves exactly 127.0.0.1.
        {"tcp/127.0.0.1:80", mapped, true, "mapped reads as IPv4"},
        {"tcp4/80", mapped, true, "mapped is IPv4"},
        {"tcp6/80", mapped, false, "mapped is not IPv6"},
        {"tcp/[::1]:80", mapped, false, "mapped is not ::1"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.spec + " vs " + c.listener.address.to_host_string() + ":" +
                     std::to_string(c.listener.port) + " (" + c.why + ")");
        EXPECT_EQ(PortSpec::parse(c.spec).covers(c.listener), c.covered);
    }
}

TEST(IpAddress, MappedAddressesReadAsIpv4) {
    const auto mapped = mapped_listener({192, 0, 2, 7}, 1).address;
    EXPECT_EQ(mapped.family(), Family::ipv4);
    EXPECT_EQ(mapped.to_string(), "192.0.2.7");
    EXPECT_EQ(mapped, address("192.0.2.7"));
    EXPECT_EQ(address("::ffff:192.0.2.7"), address("192.0.2.7"));
    EXPECT_EQ(address("::1").family(), Family::ipv6);
    EXPECT_EQ(address("::1").to_host_string(), "[::1]");
    EXPECT_TRUE(address("::").is_wildcard());
    EXPECT_TRUE(address("0.0.0.0").is_wildcard());
    EXPECT_FALSE(address("::1").is_wildcard());
    EXPECT_FALSE(IpAddress::parse("1.2.3.4.5"));
    EXPECT_FALSE(IpAddress::parse(""));
}

}  // namespace
}  // namespace port_owner
