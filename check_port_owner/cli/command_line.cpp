// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/command_line.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "core/input_error.hpp"
#include "core/text_escape.hpp"
#include "core/whole_number.hpp"
#include "platform/platform.hpp"

namespace port_owner {
namespace po = boost::program_options;
namespace {

constexpr auto npos = std::string::npos;
constexpr unsigned max_timeout_seconds = 3600;

po::options_description option_descriptions() {
    po::options_description options("Options");
    // clang-format off
    options.add_options()
        ("port,p", po::value<std::vector<std::string>>()->composing(), "RULE")
        ("config,C", po::value<std::string>(), "FILE")
        ("missing", po::value<std::string>(), "STATE")
        ("unexpected", po::value<std::string>(), "STATE")
        ("unattributed", po::value<std::string>(), "STATE")
        ("warning,w", po::value<std::string>(), "RANGE")
        ("critical,c", po::value<std::string>(), "RANGE")
        ("ignore", po::value<std::vector<std::string>>()->composing(), "SPEC")
        ("learn", po::bool_switch(), "")
        ("all-holders", po::bool_switch(), "")
        ("first-holder", po::bool_switch(), "")
        ("listener-source", po::value<std::string>(), "how listeners are listed")
        ("timeout,t", po::value<std::string>(), "SECONDS")
        ("verbose,v", po::bool_switch(), "")
        ("help,h", po::bool_switch(), "")
        ("version,V", po::bool_switch(), "");
    // clang-format on
    return options;
}

// Repeatable options add up; for every other option the last occurrence wins, as with getopt in
// the other plugins (and as --extra-opts requires).
void keep_last_of_single_valued(std::vector<po::option>& options) {
    std::set<std::string> seen;
    for (auto it = options.rbegin(); it != options.rend(); ++it) {
        const bool repeatable = it->string_key == "port" || it->string_key == "ignore";
        if (!repeatable && !it->unregistered && !seen.insert(it->string_key).second) {
            it->string_key.clear();
        }
    }
    std::erase_if(options, [](const po::option& option) { return option.string_key.empty(); });
}

std::optional<State> state_option(const po::variables_map& values, const char* name) {
    if (!values.count(name)) {
        return std::nullopt;
    }
    const auto& text = values[name].as<std::string>();
    const auto state = parse_state(text);
    if (!state) {
        throw InputError(fmt::format(
            "invalid value '{}' for --{}: use ok, warning, critical or unknown", text, name));
    }
    return state;
}

unsigned parse_timeout(const std::string& text) {
    const auto value = parse_whole_number<unsigned>(text);
    if (!value || *value < 1 || *value > max_timeout_seconds) {
        throw InputError(fmt::format("invalid timeout '{}': give whole seconds from 1 to {}", text,
                                     max_timeout_seconds));
    }
    return *value;
}

std::string parse_source(const std::string& text) {
    const auto names = platform::listener_source_names();
    if (std::find(names.begin(), names.end(), text) == names.end()) {
        throw InputError(fmt::format("invalid value '{}' for --listener-source: use {}", text,
                                     fmt::join(names, ", ")));
    }
    return text;
}

// Boost keeps an argument that is neither an option nor an option's value (`-p 80=a 81=a`, or
// anything after `--`) as a positional one, which store() drops: the rule it meant would never be
// checked. Every such argument is an error instead, named in the message.
void refuse_positional_arguments(const std::vector<po::option>& options) {
    constexpr std::size_t max_named = 8;  // keeps the line, and the usage at its end, short
    std::vector<std::string> named;
    std::size_t strays = 0;
    for (const auto& option : options) {
        if (option.position_key >= 0 || option.string_key.empty()) {
            for (const auto& token : option.original_tokens) {
                if (++strays <= max_named) {
                    named.push_back(fmt::format("'{}'", escape_text(token, 80)));
                }
            }
        }
    }
    if (strays == 0) {
        return;
    }
    if (strays > max_named) {
        named.push_back(fmt::format("and {} more", strays - max_named));
    }
    throw InputError(fmt::format(
        "unexpected argument{} {}: not an option nor an option's value (each rule needs its own "
        "-p) ({})",
        strays == 1 ? "" : "s", fmt::join(named, ", "), short_usage()));
}

// Boost's command-line parser erases each token from the front of its vector, a cost quadratic
// in the number of arguments: ten thousand -p rules took seconds, the arguments of a 1 MiB
// --extra-opts file minutes, and all of it before the timeout starts. So it gets the arguments in
// slices of about `slice_size`, cut only where no option can be parted from its value: after
// `--NAME=VALUE` (what --extra-opts produces), and after `-p VALUE` or `--port VALUE` (VALUE not
// starting with '-', so it cannot be an option; and a known option is never taken as a value, so
// that `-p` is an option). Never after `--`: what follows it must stay positional.
std::vector<std::vector<std::string>> slices_for_the_parser(
    const std::vector<std::string>& arguments) {
    constexpr std::size_t slice_size = 64;
    std::vector<std::vector<std::string>> slices(1);
    bool terminator_seen = false;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const auto& argument = arguments[i];
        slices.back().push_back(argument);
        terminator_seen = terminator_seen || argument == "--";
        const bool attached_value = argument.starts_with("--") && argument.find('=') != npos;
        const bool port_value = i > 0 && !argument.starts_with('-') &&
                                (arguments[i - 1] == "-p" || arguments[i - 1] == "--port");
        if (slices.back().size() >= slice_size && !terminator_seen &&
            (attached_value || port_value) && i + 1 < arguments.size()) {
            slices.emplace_back();
        }
    }
    return slices;
}

po::parsed_options parse_in_slices(const std::vector<std::string>& arguments,
                                   const po::options_description& options) {
    po::parsed_options parsed(&options);
    for (const auto& slice : slices_for_the_parser(arguments)) {
        auto part = po::command_line_parser(slice)
                        .options(options)
                        .style(po::command_line_style::unix_style)
                        .run();
        parsed.options.insert(parsed.options.end(), std::make_move_iterator(part.options.begin()),
                              std::make_move_iterator(part.options.end()));
    }
    return parsed;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& arguments) {
    const auto options = option_descriptions();
    po::variables_map values;
    po::parsed_options parsed(&options);
    int verbosity = 0;
    try {
        parsed = parse_in_slices(arguments, options);
        refuse_positional_arguments(parsed.options);
        // -v may repeat (-vvv); Boost would refuse a switch given twice, so the occurrences are
        // counted here and kept out of the variables map.
        std::erase_if(parsed.options, [&](const po::option& option) {
            if (option.string_key != "verbose") {
                return false;
            }
            ++verbosity;
            return true;
        });
        keep_last_of_single_valued(parsed.options);
        po::store(parsed, values);
        po::notify(values);
    } catch (const po::error& error) {
        throw InputError(fmt::format("{} ({})", error.what(), short_usage()));
    }
    CommandLine command_line;
    if (values.count("port")) {
        command_line.rules = values["port"].as<std::vector<std::string>>();
    }
    if (values.count("config")) {
        command_line.config_file = values["config"].as<std::string>();
    }
    command_line.missing = state_option(values, "missing");
    command_line.unexpected = state_option(values, "unexpected");
    command_line.unattributed = state_option(values, "unattributed");
    if (values.count("warning")) {
        command_line.warning = values["warning"].as<std::string>();
    }
    if (values.count("critical")) {
        command_line.critical = values["critical"].as<std::string>();
    }
    if (values.count("ignore")) {
        command_line.ignore = values["ignore"].as<std::vector<std::string>>();
    }
    command_line.learn = values["learn"].as<bool>();
    command_line.first_holder = values["first-holder"].as<bool>();
    if (command_line.first_holder && values["all-holders"].as<bool>()) {
        throw InputError("--first-holder and --all-holders contradict each other: choose one");
    }
    command_line.listener_source = platform::listener_source_names().front();
    if (values.count("listener-source")) {
        command_line.listener_source = parse_source(values["listener-source"].as<std::string>());
    }
    if (values.count("timeout")) {
        command_line.timeout_seconds = parse_timeout(values["timeout"].as<std::string>());
    }
    command_line.verbosity = std::min(verbosity, 3);
    command_line.help = values["help"].as<bool>();
    command_line.version = values["version"].as<bool>();
    return command_line;
}

std::string_view short_usage() {
    return "usage: check_port_owner [-C FILE] [-p RULE]... [options]; see --help";
}

std::string help_text() {
    return fmt::format(R"(check_port_owner - is each port held by the program you expect?

Usage: check_port_owner [-C FILE] [-p RULE]... [options]

Rules:
  -p, --port RULE         [PROTO/][ADDR:]PORT[-PORT][=ALLOW[,ALLOW...]]
                          PROTO: tcp udp tcp4 tcp6 udp4 udp6 (default tcp,
                          IPv4 and IPv6); IPv6 ADDR in brackets: [::1]:8080
  -C, --config FILE       allow-list file (INI); -p rules are added to it
  ALLOW is conditions joined by '+', all of which must hold:
    NAME                  basename of the holder's executable (never comm)
    exe:PATH              the file that runs is the file at PATH ('*' globs)
    name:COMM             the process comm (set by the process: spoofable)
    user:NAME|UID         effective user; decided from the socket owner
                          when the holder cannot be seen
    unit:UNIT             systemd unit (nginx.service)
    service:NAME          Windows: a service the process hosts (W3SVC);
                          service:HTTP allows HTTP.sys (System, pid 4),
                          and the processes behind its URLs are judged too
    container:NAME|ID     the container the process runs in (12+ digits of
                          its id); a proxy (docker-proxy, pasta) is judged
                          by the process behind it unless NAME or exe:
                          names the proxy itself
    cmdline:REGEX         RE2 regex found anywhere in the command line. It
                          takes the rest of its entry ('+' too) and of a -p
                          argument (',' too), so it comes last:
                          -p '80=nginx,exe:/usr/bin/python3+cmdline:a+b,c'
                          In a -C file it takes the rest of the line; write
                          '#' (a comment there) as \x23.
  On Windows NAME, exe: and user: ignore case, NAME may omit '.exe', '\'
  and '/' are alike in exe:, and user: is DOMAIN\NAME, NAME or a SID.

States (STATE is ok, warning, critical or unknown):
      --missing STATE       a required port nobody listens on (critical)
      --unexpected STATE    a holder no allow entry matches (critical)
      --unattributed STATE  a holder that cannot be identified (unknown)

Unlisted listeners (listeners no rule covers):
  -w, --warning RANGE     WARNING when their count is outside RANGE
  -c, --critical RANGE    CRITICAL likewise (checked first); RANGE is
                          [@][START:]END as in every plugin: 10, 10:, ~:10,
                          10:20, @10:20
      --ignore SPEC       never count these (repeatable): 32768-60999,
                          udp/5353, 127.0.0.1:*

Other options:
      --learn             print an allow-list of what listens now, exit 0
      --first-holder      faster: stop at the first holder of each socket; a
                          process sharing it with that holder is missed
      --all-holders       every holder of every socket (the default)
{}  -t, --timeout SECONDS   give up with UNKNOWN after SECONDS (default 10)
      --extra-opts [SECTION][@FILE]
                          read options from an ini file (section defaults
                          to check_port_owner; standard plugins.ini paths)
  -v, --verbose           more detail (up to -vvv)
  -h, --help              this help (exit 3)
  -V, --version           the version (exit 3)

Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
{}Example: check_port_owner -p 80=nginx -p tcp/443=exe:/usr/sbin/nginx
)",
                       platform::listener_source_help(), platform::privilege_help());
}

}  // namespace port_owner
