// SPDX-License-Identifier: GPL-3.0-or-later
// README, privilege: with /proc mounted hidepid=2 (a common hardening), an unprivileged plugin does
// not even see other users' processes. It must say that this is why the holder is unknown; with
// its capabilities it sees them again (CAP_SYS_PTRACE passes the hidepid check).

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/privileged_plugin_test.hpp"
#include "harness/proc_mount.hpp"

#include <memory>

namespace integration {
namespace {

class Hidepid : public PrivilegedPluginTest {
  protected:
    void SetUp() override {
        PrivilegedPluginTest::SetUp();
        // Copies made before the mount: nothing depends on it, but /proc/self/exe keeps working.
        plugin(PluginInstall::kPlain);
        plugin(PluginInstall::kFileCapabilities);
        hidden_ = std::make_unique<PrivateProcMount>("hidepid=2");
    }
    void TearDown() override { hidden_.reset(); }

  private:
    std::unique_ptr<PrivateProcMount> hidden_;
};

TEST_F(Hidepid, RootHeldListenerIsUnknownAndNamesHidepid) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "hidepid"));
    EXPECT_TRUE(has_perfdata(run, "rules_unattributed", "1"));
}

TEST_F(Hidepid, UserRootRuleStillWorksFromTheSocketOwner) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "80=user:root"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(Hidepid, WithCapabilitiesTheHolderIsAttributed) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun allowed =
        run_as_nobody(plugin(PluginInstall::kFileCapabilities), {"-p", "80=nginx"});
    EXPECT_TRUE(has_verdict(allowed, kOk));
    EXPECT_TRUE(has_perfdata(allowed, "rules_ok", "1"));

    const ProgramRun wrong =
        run_as_nobody(plugin(PluginInstall::kFileCapabilities), {"-p", "80=apache2"});
    EXPECT_TRUE(has_verdict(wrong, kCritical));
    EXPECT_TRUE(names_culprit(wrong, "nginx", nginx.pid()));
}

}  // namespace
}  // namespace integration
