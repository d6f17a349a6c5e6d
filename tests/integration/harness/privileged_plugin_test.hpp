// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "child_process.hpp"
#include "port_owner_test.hpp"
#include "program_run.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace integration {

// How a copy of the plugin is installed.
enum class PluginInstall {
    kPlain,             // mode 0755, no privilege: what the nagios user runs by default
    kFileCapabilities,  // setcap cap_dac_read_search,cap_sys_ptrace=p, as the package installs it
    kSetuidRoot,        // chmod 4755, owned by root: the classic (discouraged) alternative
};

std::string_view install_name(PluginInstall install);

// For gtest's test names and messages.
void PrintTo(PluginInstall install, std::ostream* out);

// Fixture for tests that run the plugin as the unprivileged user `nobody`. The test's temporary
// directory is opened to everyone (holder copies and plugin copies live there), and each plugin
// copy gets a directory of its own, so that every copy keeps the name check_port_owner.
class PrivilegedPluginTest : public PortOwnerTest {
  protected:
    void SetUp() override;

    // The copy of the built plugin installed as `install`; made on first use. The build output
    // itself is never given privilege.
    std::filesystem::path plugin(PluginInstall install);

    // Runs `executable` as nobody, with `environment` changes (NAME -> value, nullopt removes).
    ProgramRun run_as_nobody(
        const std::filesystem::path& executable, const std::vector<std::string>& arguments,
        const std::map<std::string, std::optional<std::string>>& environment = {});

    // Runs the plain copy as root.
    ProgramRun run_as_root(const std::vector<std::string>& arguments);

    const ChildIdentity& nobody_identity() const { return nobody_; }

  private:
    ChildIdentity nobody_{};
    std::map<PluginInstall, std::filesystem::path> copies_;
};

}  // namespace integration
