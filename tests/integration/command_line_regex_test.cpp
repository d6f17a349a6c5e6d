// SPDX-License-Identifier: GPL-3.0-or-later
// `cmdline:` conditions against real command lines (/proc/PID/cmdline): the regex takes the rest
// of its entry, so `cmdline:gunicorn.+myapp` is one regex, not "regex `gunicorn.` AND a program
// named myapp"; in a -p argument it takes the commas too; in the allow-list file a '#' is written
// \x23. The holder's command line is `.../NAME --socket ... --argv-padding TEXT --ready-fd 3`.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/test_files.hpp"

#include <filesystem>
#include <string>

namespace integration {
namespace {

class CommandLineRegex : public PortOwnerTest {
  protected:
    HolderProcess start_on_port_8000(const std::string& executable_name,
                                     const std::string& argv_padding) {
        return start_holder({.executable_name = executable_name,
                             .sockets = {"tcp4/0.0.0.0:8000"},
                             .argv_padding = {argv_padding}});
    }

    std::filesystem::path write_allow_list(const std::string& content) {
        return write_text_file(temp_dir() / "allow.ini", content);
    }
};

TEST_F(CommandLineRegex, PlusBelongsToTheRegexSoTheMasterIsAllowed) {
    // Read the old way (regex `gunicorn.` AND program myapp) this would be CRITICAL: the program
    // is gunicorn.
    auto master = start_on_port_8000("gunicorn", "gunicorn: master [myapp]");

    const ProgramRun run = run_plugin({"-p", "8000=cmdline:gunicorn.+myapp"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(CommandLineRegex, ACommandLineWithoutMyappIsCritical) {
    // The program is named myapp and its command line has `gunicorn: `, so the old reading
    // (regex `gunicorn.` AND program myapp) would have said OK. `myapp` is in the path only,
    // before `gunicorn`.
    auto other = start_on_port_8000("myapp", "gunicorn: master [other]");

    const ProgramRun run = run_plugin({"-p", "8000=cmdline:gunicorn.+myapp"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "myapp", other.pid()));
}

TEST_F(CommandLineRegex, LastEntryOfAPortArgumentTakesItsCommas) {
    auto worker = start_on_port_8000("python3", "gunicorn: worker [aa]");

    const std::string with_commas = "^\\S+ .*gunicorn: (master|worker) \\[a{1,3}\\]";
    const ProgramRun allowed =
        run_plugin({"-p", "8000=nginx,exe:/*/python3+cmdline:" + with_commas});
    EXPECT_TRUE(has_verdict(allowed, kOk));

    // The same regex with a{1} cannot match "aa" between the brackets.
    const ProgramRun refused =
        run_plugin({"-p", "8000=nginx,exe:/*/python3+cmdline:gunicorn: worker \\[a{1}\\]"});
    EXPECT_TRUE(has_verdict(refused, kCritical));
    EXPECT_TRUE(names_culprit(refused, "python3", worker.pid()));
}

TEST_F(CommandLineRegex, HashIsWrittenAsHexInTheAllowListFile) {
    auto server = start_on_port_8000("server", "--id=#42, --name=x");
    const auto allow_list = write_allow_list(
        "[tcp/8000]\n"
        "# the id is the instance\n"
        "allow = cmdline:--id=\\x23[0-9]+, --name=\n");

    const ProgramRun run = run_plugin({"-C", allow_list.string()});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(CommandLineRegex, HexHashInTheAllowListFileMatchesOnlyAHash) {
    auto server = start_on_port_8000("server", "--id=42, --name=x");
    const auto allow_list = write_allow_list(
        "[tcp/8000]\n"
        "allow = cmdline:--id=\\x23[0-9]+, --name=\n");

    const ProgramRun run = run_plugin({"-C", allow_list.string()});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "server", server.pid()));
}

TEST_F(CommandLineRegex, MatchingAHostileCommandLineIsQuick) {
    // 4 KiB of 'a': a backtracking matcher takes exponential time on `(a|aa)+b`; RE2 is linear.
    auto holder = start_on_port_8000("server", std::string(4096, 'a'));

    const ProgramRun run = run_plugin({"-t", "5", "-p", "8000=cmdline:^\\S+ .*(a|aa)+b"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "server", holder.pid()));
}

}  // namespace
}  // namespace integration
