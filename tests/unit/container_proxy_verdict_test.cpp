// SPDX-License-Identifier: GPL-3.0-or-later
// Container attribution in the core: `container:` entries, a container engine's proxy judged by
// the processes behind it, and how the output names the chain.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/allow_entry.hpp"
#include "core/allow_list_file.hpp"
#include "core/input_error.hpp"
#include "core/learned_allow_list.hpp"
#include "core/report.hpp"
#include "core/rule.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using namespace test_support;

const std::string web_id = "3f2a9c1b2d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd";

// Root's container: its cgroup directory is root's.
ContainerIdentity web_container() {
    ContainerIdentity container{"docker", web_id, "web"};
    container.made_by_root = true;
    return container;
}

ProcessIdentity nginx_in_web(int pid = 4242) {
    auto holder = process("nginx", "/usr/sbin/nginx", pid, 101, "systemd-network");
    holder.container = web_container();
    holder.container->own_paths = true;
    holder.other_mount_namespace = true;
    return holder;
}

ProcessIdentity docker_proxy(std::vector<ProcessIdentity> behind, std::string problem = {}) {
    auto proxy = process("docker-proxy", "/usr/sbin/docker-proxy", 812);
    proxy.proxy =
        ProxyForwarding{"docker-proxy", "172.17.0.2:80", std::move(behind), std::move(problem)};
    return proxy;
}

Finding judge(std::string_view rule_text, const std::vector<ObservedListener>& listeners) {
    static std::vector<Rule> rules;
    rules = {parse_rule_argument(rule_text)};
    auto verdict = evaluate(rules, listeners, {}, on_linux);
    return verdict.findings.front();
}

TEST(ContainerEntry, MatchesNameOrLongEnoughIdPrefix) {
    const auto holder = nginx_in_web();
    EXPECT_EQ(AllowEntry::parse("container:web").match(holder, on_linux), MatchKind::matched);
    EXPECT_EQ(AllowEntry::parse("container:3f2a9c1b2d4e").match(holder, on_linux),
              MatchKind::matched);
    EXPECT_EQ(AllowEntry::parse("container:" + web_id).match(holder, on_linux), MatchKind::matched);
    // Too short a prefix would allow many containers by chance.
    EXPECT_EQ(AllowEntry::parse("container:3f2a").match(holder, on_linux), MatchKind::no_match);
    EXPECT_EQ(AllowEntry::parse("container:db").match(holder, on_linux), MatchKind::no_match);
    EXPECT_EQ(AllowEntry::parse("container:web+user:101").match(holder, on_linux),
              MatchKind::matched);
}

TEST(ContainerEntry, NeverMatchesAProcessOfTheHost) {
    EXPECT_EQ(AllowEntry::parse("container:web").match(nginx(), on_linux), MatchKind::no_match);
}

TEST(ContainerEntry, NamelessContainerMatchesByIdOnly) {
    auto holder = nginx_in_web();
    holder.container->name.clear();
    EXPECT_EQ(AllowEntry::parse("container:web").match(holder, on_linux), MatchKind::no_match);
    EXPECT_EQ(AllowEntry::parse("container:3f2a9c1b2d4e").match(holder, on_linux),
              MatchKind::matched);
}

TEST(ContainerEntry, ACgroupAUserMadeNeedsTheUserToVouchForIt) {
    // Any user with a delegated cgroup subtree can name a cgroup docker-<id of web>.scope.
    auto holder = nginx_in_web();
    holder.container->made_by_root = false;
    EXPECT_EQ(AllowEntry::parse("container:web").match(holder, on_linux), MatchKind::no_match);
    EXPECT_EQ(AllowEntry::parse("container:3f2a9c1b2d4e").match(holder, on_linux),
              MatchKind::no_match);
    EXPECT_EQ(AllowEntry::parse("container:3f2a9c1b2d4e+user:101").match(holder, on_linux),
              MatchKind::matched);
    EXPECT_EQ(AllowEntry::parse("container:3f2a9c1b2d4e+user:0").match(holder, on_linux),
              MatchKind::no_match);
}

TEST(ContainerEntry, RefusesWhatNoEngineWouldName) {
    EXPECT_THROW(AllowEntry::parse("container:"), InputError);
    EXPECT_THROW(AllowEntry::parse("container:-web"), InputError);
    EXPECT_THROW(AllowEntry::parse("container:we/b"), InputError);
    EXPECT_THROW(AllowEntry::parse("container:we b"), InputError);
}

TEST(ProxyVerdict, JudgedOnTheProcessBehindTheProxy) {
    const std::vector listeners{observed(tcp("0.0.0.0", 8080), {docker_proxy({nginx_in_web()})})};
    EXPECT_EQ(judge("tcp/8080=container:web", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=nginx", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=exe:/usr/sbin/nginx", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=user:101", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=container:db", listeners).outcome, Outcome::unexpected);
    EXPECT_EQ(judge("tcp/8080=apache2", listeners).outcome, Outcome::unexpected);
    // root is the proxy's user, not the user inside.
    EXPECT_EQ(judge("tcp/8080=user:root", listeners).outcome, Outcome::unexpected);
}

TEST(ProxyVerdict, ProxyAllowedOnlyWhenNamedExplicitly) {
    const std::vector listeners{observed(tcp("0.0.0.0", 8080), {docker_proxy({nginx_in_web()})})};
    EXPECT_EQ(judge("tcp/8080=docker-proxy", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=exe:/usr/sbin/docker-proxy", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=name:docker-proxy", listeners).outcome, Outcome::unexpected);
}

TEST(ProxyVerdict, UnfollowedProxyIsNeverOkOnItsBehalf) {
    const std::vector listeners{observed(
        tcp("0.0.0.0", 8080), {docker_proxy({},
                                            "entering the container's network namespace needs "
                                            "CAP_SYS_ADMIN")})};
    const auto finding = judge("tcp/8080=container:web", listeners);
    EXPECT_EQ(finding.outcome, Outcome::unattributed);
    ASSERT_EQ(finding.unattributed.size(), 1U);
    EXPECT_NE(finding.unattributed.front().reason.find("CAP_SYS_ADMIN"), std::string::npos);
    EXPECT_EQ(judge("tcp/8080=user:root", listeners).outcome, Outcome::unattributed);
    EXPECT_EQ(judge("tcp/8080=docker-proxy", listeners).outcome, Outcome::ok);
}

TEST(ProxyVerdict, EveryHolderBehindMustBeAllowed) {
    auto intruder = process("nc", "/usr/bin/nc.openbsd", 4300);
    intruder.container = web_container();
    const std::vector listeners{
        observed(tcp("0.0.0.0", 8080), {docker_proxy({nginx_in_web(), intruder})})};
    EXPECT_EQ(judge("tcp/8080=nginx", listeners).outcome, Outcome::unexpected);
    EXPECT_EQ(judge("tcp/8080=container:web", listeners).outcome, Outcome::ok);
}

TEST(ProxyReport, NamesTheContainerAndTheProgramInside) {
    std::vector<Rule> rules{parse_rule_argument("tcp/8080=apache2")};
    const std::vector listeners{observed(tcp("0.0.0.0", 8080), {docker_proxy({nginx_in_web()})})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {});
    const auto lines = split_lines(output);
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines[0].find("tcp/8080 held by docker-proxy (pid 812) -> container web "
                            "(3f2a9c1b2d4e): nginx (pid 4242, user systemd-network)"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("exe /usr/sbin/nginx (path in the container)"), std::string::npos)
        << output;
}

TEST(ProxyReport, EscapesTheContainerName) {
    std::vector<Rule> rules{parse_rule_argument("tcp/8080=apache2")};
    auto inside = nginx_in_web();
    inside.container->name = "we\nb|x";
    const std::vector listeners{observed(tcp("0.0.0.0", 8080), {docker_proxy({inside})})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {});
    EXPECT_EQ(output.find("we\nb"), std::string::npos) << output;
    EXPECT_EQ(output.find("b|x"), std::string::npos) << output;
}

TEST(ProxyReport, SaysWhyTheProxyWasNotFollowed) {
    std::vector<Rule> rules{parse_rule_argument("tcp/8080=container:web")};
    const std::vector listeners{observed(
        tcp("0.0.0.0", 8080),
        {docker_proxy({},
                      "nothing listens on 172.17.0.2:80 in the container's network namespace")})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {});
    EXPECT_NE(output.find("not verified"), std::string::npos) << output;
    EXPECT_NE(output.find("nothing listens on 172.17.0.2:80"), std::string::npos) << output;
}

TEST(ProxyLearning, LearnsTheContainerBehindAFollowedProxy) {
    const std::vector listeners{observed(tcp("0.0.0.0", 8080), {docker_proxy({nginx_in_web()})})};
    const auto text = format_learned_allow_list(listeners, EphemeralPorts{}, on_linux);
    EXPECT_NE(text.find("allow = container:web\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("docker-proxy\n"), std::string::npos) << text;
    const auto file = parse_allow_list(text, "learned.ini");
    EXPECT_EQ(evaluate(file.rules, listeners, {}, on_linux).overall, State::ok);
    // Another container behind the same port is caught.
    auto other = nginx_in_web();
    other.container->name = "db";
    const std::vector changed{observed(tcp("0.0.0.0", 8080), {docker_proxy({other})})};
    EXPECT_EQ(evaluate(file.rules, changed, {}, on_linux).overall, State::critical);
}

TEST(ProxyLearning, AnUnfollowedProxyIsLearnedExplicitlyWithAWarning) {
    const std::vector listeners{observed(tcp("0.0.0.0", 8080), {docker_proxy({}, "no privilege")})};
    const auto text = format_learned_allow_list(listeners, EphemeralPorts{}, on_linux);
    EXPECT_NE(text.find("allow = exe:/usr/sbin/docker-proxy\n"), std::string::npos) << text;
    EXPECT_NE(text.find("not followed (no privilege)"), std::string::npos) << text;
}

// Rootless Docker: rootlesskit holds the host's port, its child's docker-proxy (the user's)
// forwards to the container. Each proxy is judged by what is behind it, the inner one too.
ProcessIdentity rootlesskit(std::vector<ProcessIdentity> behind, std::string problem = {}) {
    auto proxy = process("rootlesskit", "/usr/bin/rootlesskit", 700, 1000, "alice");
    proxy.proxy = ProxyForwarding{"rootlesskit", "port 8080 of its child's network namespace",
                                  std::move(behind), std::move(problem)};
    return proxy;
}

TEST(ProxyVerdict, AProxyBehindAProxyIsJudgedByWhatIsBehindIt) {
    const std::vector listeners{
        observed(tcp("0.0.0.0", 8080), {rootlesskit({docker_proxy({nginx_in_web()})})})};
    EXPECT_EQ(judge("tcp/8080=nginx", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=container:web", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=apache2", listeners).outcome, Outcome::unexpected);
    // Either proxy, named, accepts the chain as it is.
    EXPECT_EQ(judge("tcp/8080=docker-proxy", listeners).outcome, Outcome::ok);
    EXPECT_EQ(judge("tcp/8080=rootlesskit", listeners).outcome, Outcome::ok);
    // The inner proxy not followed: nothing but its name allows it.
    const std::vector unfollowed{observed(
        tcp("0.0.0.0", 8080),
        {rootlesskit({docker_proxy({}, "no network namespace has the address 10.89.1.2")})})};
    EXPECT_EQ(judge("tcp/8080=nginx", unfollowed).outcome, Outcome::unattributed);
    EXPECT_EQ(judge("tcp/8080=docker-proxy", unfollowed).outcome, Outcome::ok);
}

TEST(ProxyReport, NamesBothProxiesAndTheProgramInside) {
    std::vector<Rule> rules{parse_rule_argument("tcp/8080=apache2")};
    const std::vector listeners{
        observed(tcp("0.0.0.0", 8080), {rootlesskit({docker_proxy({nginx_in_web()})})})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {});
    EXPECT_NE(output.find("tcp/8080 held by rootlesskit (pid 700) -> docker-proxy (pid 812) -> "
                          "container web (3f2a9c1b2d4e): nginx (pid 4242, user systemd-network)"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("-> 172.17.0.2:80 container web (3f2a9c1b2d4e): nginx pid 4242"),
              std::string::npos)
        << output;
}

TEST(ProxyLearning, LearnsTheContainerBehindBothProxies) {
    const std::vector listeners{
        observed(tcp("0.0.0.0", 8080), {rootlesskit({docker_proxy({nginx_in_web()})})})};
    const auto text = format_learned_allow_list(listeners, EphemeralPorts{}, on_linux);
    EXPECT_NE(text.find("allow = container:web\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("rootlesskit\n"), std::string::npos) << text;
    const auto file = parse_allow_list(text, "learned.ini");
    EXPECT_EQ(evaluate(file.rules, listeners, {}, on_linux).overall, State::ok);
}

}  // namespace
}  // namespace port_owner
