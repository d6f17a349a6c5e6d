// SPDX-License-Identifier: GPL-3.0-or-later
#include "privileged_plugin_test.hpp"

#include "binary_paths.hpp"
#include "holder_executables.hpp"
#include "privileges.hpp"

#include <chrono>

namespace integration {
namespace {

using namespace std::chrono_literals;

// Far above the plugin's own default timeout of 10 s: only catches a plugin that hangs.
constexpr auto kRunTimeout = 60s;

}  // namespace

std::string_view install_name(PluginInstall install) {
    switch (install) {
        case PluginInstall::kPlain:
            return "plain";
        case PluginInstall::kFileCapabilities:
            return "file_capabilities";
        case PluginInstall::kSetuidRoot:
            return "setuid_root";
    }
    return "unknown";
}

void PrintTo(PluginInstall install, std::ostream* out) {
    *out << install_name(install);
}

void PrivilegedPluginTest::SetUp() {
    PortOwnerTest::SetUp();
    nobody_ = nobody();
    set_mode(temp_dir(), 0755);
}

std::filesystem::path PrivilegedPluginTest::plugin(PluginInstall install) {
    if (const auto found = copies_.find(install); found != copies_.end())
        return found->second;
    const auto directory = temp_dir() / install_name(install);
    std::filesystem::create_directory(directory);
    set_mode(directory, 0755);
    const auto copy = directory / kPluginPath.filename();
    copy_executable(kPluginPath, copy);
    set_mode(copy, 0755);
    switch (install) {
        case PluginInstall::kPlain:
            break;
        case PluginInstall::kFileCapabilities:
            require_privilege_granting_file_system(copy);
            grant_plugin_capabilities(copy);
            break;
        case PluginInstall::kSetuidRoot:
            require_privilege_granting_file_system(copy);
            make_setuid_root(copy);
            break;
    }
    return copies_.emplace(install, copy).first->second;
}

ProgramRun PrivilegedPluginTest::run_as_nobody(
    const std::filesystem::path& executable, const std::vector<std::string>& arguments,
    const std::map<std::string, std::optional<std::string>>& environment) {
    return run_program(executable, arguments, kRunTimeout,
                       ChildOptions{.run_as = nobody_, .environment = environment});
}

ProgramRun PrivilegedPluginTest::run_as_root(const std::vector<std::string>& arguments) {
    return run_program(plugin(PluginInstall::kPlain), arguments, kRunTimeout);
}

}  // namespace integration
