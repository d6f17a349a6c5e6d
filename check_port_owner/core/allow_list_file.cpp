// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/allow_list_file.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/program_options/errors.hpp>
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>

#include "core/byte_order_mark.hpp"
#include "core/ignore_spec.hpp"
#include "core/input_error.hpp"
#include "core/text_lines.hpp"
#include "core/text_trim.hpp"

namespace port_owner {
namespace {

// One meaningful line of the file, as the INI format sees it: after cutting a `#` comment and
// trimming blanks, `[NAME]` opens a section and `KEY = VALUE` is an option.
struct IniLine {
    int number = 0;
    bool is_section = false;
    std::string section;  // the section's name; for an option, the section it is in ("" at top)
    std::string key;      // options only
};

// The option name Boost gives a key: the section's name and the key joined by '.'.
std::string boost_option_name(const std::string& section, const std::string& key) {
    if (section.empty()) {
        return key;
    }
    return section.back() == '.' ? section + key : section + "." + key;
}

bool parse_yes_no(std::string_view value, bool& result) {
    if (value == "yes" || value == "true" || value == "1") {
        result = true;
        return true;
    }
    if (value == "no" || value == "false" || value == "0") {
        result = false;
        return true;
    }
    return false;
}

// Boost.ProgramOptions reads the INI text (parse_config_file, every option unregistered); its
// options carry no line numbers, so a linear scan of the lines, which follows the same rules,
// finds each option's line, the sections (Boost reports options only, and `[tcp/22]` without keys
// is a rule too) and every line Boost would refuse, before Boost reads the text.
class AllowListParser {
  public:
    AllowListParser(std::string_view text, std::string_view file_name)
        : text_(text), file_name_(file_name) {}

    AllowListFile parse() {
        refuse_nul_bytes();
        const auto lines = scan_lines();
        const auto options = read_options();
        std::size_t next_option = 0;
        for (const auto& line : lines) {
            if (line.is_section) {
                add_section(line.section, line.number);
                continue;
            }
            if (next_option >= options.size() ||
                options[next_option].string_key != boost_option_name(line.section, line.key)) {
                throw std::logic_error(fmt::format(
                    "{}:{}: the INI reader and the line scan disagree", file_name_, line.number));
            }
            const auto& values = options[next_option++].value;
            apply(line, values.empty() ? std::string() : values.front());
        }
        if (next_option != options.size()) {
            throw std::logic_error(
                fmt::format("{}: the INI reader found more options than lines", file_name_));
        }
        return std::move(result_);
    }

  private:
    // A NUL byte is not text; Boost would keep it inside a value, where it would cut the name a
    // process is compared with.
    void refuse_nul_bytes() const {
        const auto nul = text_.find('\0');
        if (nul != std::string_view::npos) {
            const auto line = 1 + std::count(text_.begin(), text_.begin() + nul, '\n');
            fail(static_cast<int>(line), "NUL byte in the line (is this a text file?)");
        }
    }

    // The lines as Boost's config-file reader sees them (split at '\n', `#` to the end of the line
    // cut, blanks trimmed), in one pass.
    std::vector<IniLine> scan_lines() const {
        std::vector<IniLine> lines;
        std::string section;
        for (auto [number, line] : NumberedTextLines(text_)) {
            const auto comment = line.find('#');
            if (comment != std::string_view::npos &&
                line.substr(0, comment).find("cmdline:") != std::string_view::npos) {
                // Cut there, the regex would quietly match more than written.
                fail(number,
                     "'#' after cmdline: starts a comment and would cut the regular expression: "
                     "write '#' as \\x23, and put a comment on a line of its own");
            }
            line = trim_blanks(line.substr(0, comment));
            if (line.empty()) {
                continue;
            }
            if (line.front() == '[' && line.back() == ']' && line.size() >= 2) {
                if (line.size() == 2) {
                    // Refused here, before Boost reads it: its reader mishandles an empty name.
                    fail(number, "section [] has no name: give a rule such as [tcp/80]");
                }
                section = std::string(line.substr(1, line.size() - 2));
                lines.push_back({number, true, section, {}});
                continue;
            }
            const auto equals = line.find('=');
            if (equals == std::string_view::npos) {
                fail(number, "not a 'key = value' line nor a [section]");
            }
            lines.push_back(
                {number, false, section, std::string(trim_blanks(line.substr(0, equals)))});
        }
        return lines;
    }

    std::vector<boost::program_options::option> read_options() const {
        namespace po = boost::program_options;
        std::istringstream stream{std::string(text_)};
        try {
            return po::parse_config_file(stream, po::options_description(), true).options;
        } catch (const po::error& error) {
            // Every line Boost refuses was refused above with its line number.
            throw InputError(fmt::format("{}: unreadable: {}", file_name_, error.what()));
        }
    }

    [[noreturn]] void fail(int line, std::string_view problem) const {
        throw InputError(fmt::format("{}:{}: {}", file_name_, line, problem));
    }

    void add_section(const std::string& name, int line) {
        if (const auto seen = section_index_.find(name); seen != section_index_.end()) {
            fail(line, fmt::format("duplicate section [{}], first at line {}", name,
                                   section_lines_[seen->second]));
        }
        Rule rule;
        try {
            rule.spec = PortSpec::parse(name);
        } catch (const InputError& error) {
            fail(line, fmt::format("section [{}]: {}", name, error.what()));
        }
        // [80] and [tcp/80] are the same rule written twice.
        if (const auto same = label_lines_.find(rule.spec.label()); same != label_lines_.end()) {
            fail(line, fmt::format("section [{}] is the same rule as the section at line {}", name,
                                   same->second));
        }
        label_lines_[rule.spec.label()] = line;
        rule.origin = fmt::format("{}:{}", file_name_, line);
        section_index_[name] = result_.rules.size();
        section_lines_.push_back(line);
        result_.rules.push_back(std::move(rule));
    }

    State parse_state_value(std::string_view key, std::string_view value, int line) const {
        const auto state = parse_state(value);
        if (!state) {
            fail(line, fmt::format("{} = '{}': use ok, warning, critical or unknown", key, value));
        }
        return *state;
    }

    void set_state(std::optional<State>& slot, std::string_view key, std::string_view value,
                   int line, std::string_view scope) {
        if (slot) {
            fail(line, fmt::format("{} given twice {}", key, scope));
        }
        slot = parse_state_value(key, value, line);
    }

    bool set_common_state(StateOverrides& states, std::string_view key, std::string_view value,
                          int line, std::string_view scope) {
        if (key == "missing") {
            set_state(states.missing, key, value, line, scope);
        } else if (key == "unexpected") {
            set_state(states.unexpected, key, value, line, scope);
        } else if (key == "unattributed") {
            set_state(states.unattributed, key, value, line, scope);
        } else {
            return false;
        }
        return true;
    }

    void apply(const IniLine& line, const std::string& value) {
        if (line.section.empty()) {
            apply_global(line.key, value, line.number);
            return;
        }
        // Every option line after a section line is in a section that add_section() accepted.
        const auto found = section_index_.find(line.section);
        apply_rule_key(result_.rules[found->second], line.section, line.key, value, line.number);
    }

    void apply_global(const std::string& key, const std::string& value, int line) {
        if (set_common_state(result_.defaults, key, value, line, "in the defaults")) {
            return;
        }
        if (key == "ignore") {
            if (value.empty()) {
                fail(line, "ignore needs a value");
            }
            try {
                IgnoreSpec::parse(value);
            } catch (const InputError& error) {
                fail(line, error.what());
            }
            result_.ignore.push_back(value);
            return;
        }
        if (key == "allow" || key == "required") {
            fail(line,
                 fmt::format("'{}' outside a [section]: start a section such as [tcp/80]", key));
        }
        fail(line, fmt::format(
                       "unknown key '{}' (known: missing, unexpected, unattributed, ignore)", key));
    }

    void apply_rule_key(Rule& rule, const std::string& section, const std::string& key,
                        const std::string& value, int line) {
        const auto scope = fmt::format("in [{}]", section);
        if (set_common_state(rule.states, key, value, line, scope)) {
            return;
        }
        if (key == "allow") {
            try {
                rule.allow.push_back(AllowEntry::parse(value));
            } catch (const InputError& error) {
                fail(line, error.what());
            }
            return;
        }
        if (key == "required") {
            if (required_seen_.contains(section)) {
                fail(line, fmt::format("required given twice {}", scope));
            }
            required_seen_.insert(section);
            if (!parse_yes_no(value, rule.required)) {
                fail(line, fmt::format("required = '{}': use yes or no", value));
            }
            return;
        }
        fail(line, fmt::format("unknown key '{}' in [{}] (known: allow, required, missing, "
                               "unexpected, unattributed)",
                               key, section));
    }

    std::string_view text_;
    std::string_view file_name_;
    AllowListFile result_;
    std::map<std::string, std::size_t> section_index_;
    std::vector<int> section_lines_;
    std::map<std::string, int> label_lines_;
    std::set<std::string> required_seen_;
};

}  // namespace

AllowListFile parse_allow_list(std::string_view text, std::string_view file_name) {
    return AllowListParser(without_byte_order_mark(text, file_name), file_name).parse();
}

}  // namespace port_owner
