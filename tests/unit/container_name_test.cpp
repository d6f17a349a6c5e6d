// SPDX-License-Identifier: GPL-3.0-or-later
// The container name in Docker's config.v2.json, read without a JSON library.

#include <gtest/gtest.h>

#include "core/container_name.hpp"

namespace port_owner {
namespace {

TEST(DockerContainerName, TopLevelNameWithoutItsSlash) {
    EXPECT_EQ(
        docker_container_name(
            R"({"StreamConfig":{},"State":{"Running":true,"Name":"inner"},"ID":"3f2a",)"
            R"("Args":["-g","daemon off;\"Name\":\"fake\""],"Name":"/web","Driver":"overlay2"})"),
        "web");
    EXPECT_EQ(docker_container_name(" {\n \"Name\" : \"/my_app-1.0\" }"), "my_app-1.0");
}

TEST(DockerContainerName, IgnoresNamesThatAreNotTheTopLevelMember) {
    // Nested, in an array, as a value: none is the container's name.
    EXPECT_FALSE(docker_container_name(R"({"Config":{"Name":"/x"}})"));
    EXPECT_FALSE(docker_container_name(R"({"List":[{"Name":"/x"}]})"));
    EXPECT_FALSE(docker_container_name(R"({"Label":"Name","Other":1})"));
    EXPECT_FALSE(docker_container_name(R"({"A":"\"Name\":\"/x\""})"));
}

TEST(DockerContainerName, RefusesWhatDockerWouldNotName) {
    EXPECT_FALSE(docker_container_name(R"({"Name":"/we\nb"})"));
    EXPECT_FALSE(docker_container_name(R"({"Name":"/we\u0062"})"));
    EXPECT_FALSE(docker_container_name(R"({"Name":"/"})"));
    EXPECT_FALSE(docker_container_name(R"({"Name":"/a b"})"));
    EXPECT_FALSE(docker_container_name(R"({"Name":null})"));
    EXPECT_FALSE(docker_container_name(R"({"Name":"/web)"));
    EXPECT_FALSE(docker_container_name(R"(["Name","/web"])"));
    EXPECT_FALSE(docker_container_name(""));
    EXPECT_FALSE(docker_container_name(R"({"A":1}"Name":"/web")"));
}

TEST(ContainerNameCharacters, AsDockerAcceptsThem) {
    EXPECT_TRUE(is_container_name("web"));
    EXPECT_TRUE(is_container_name("a.b_c-1"));
    EXPECT_FALSE(is_container_name("_web"));
    EXPECT_FALSE(is_container_name("we/b"));
    EXPECT_FALSE(is_container_name(""));
}

}  // namespace
}  // namespace port_owner
