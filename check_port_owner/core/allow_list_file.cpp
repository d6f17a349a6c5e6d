#include "core/allow_list_file.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <boost/program_options/detail/config_file.hpp>
#include <boost/program_options/errors.hpp>

#include "core/ignore_spec.hpp"
#include "core/input_error.hpp"
#include "core/text_trim.hpp"

namespace port_owner {
namespace {

// Maps a stream position back to a 1-based line number, so that every message can name its line.
class LineIndex {
  public:
    explicit LineIndex(std::string_view text) : text_(text) {}

    // The line that ends just before `position` (Boost's parser has consumed that line).
    int line_before(std::istream& stream) const {
        const auto position = stream.tellg();
        std::size_t end = position < 0 ? text_.size() : static_cast<std::size_t>(position);
        end = std::min(end, text_.size());
        // The consumed line's own newline is at end - 1; count the newlines before it.
        const auto last = end > 0 && text_[end - 1] == '\n' ? end - 1 : end;
        return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + last, '\n'));
    }

  private:
    std::string_view text_;
};

// Boost's iterator reports options but not sections; a section without keys (`[tcp/22]` alone, a
// required port that any program may hold) must still become a rule, so the sections are found
// here, with their lines, the way Boost reads them: after cutting `#` comments.
std::vector<std::pair<std::string, int>> find_sections(std::string_view text) {
    std::vector<std::pair<std::string, int>> sections;
    int line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto newline = text.find('\n', start);
        auto line = text.substr(
            start, newline == std::string_view::npos ? text.size() - start : newline - start);
        ++line_number;
        line = trim_blanks(line.substr(0, line.find('#')));
        if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
            sections.emplace_back(std::string(line.substr(1, line.size() - 2)), line_number);
        }
        if (newline == std::string_view::npos) {
            break;
        }
        start = newline + 1;
    }
    return sections;
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

class AllowListParser {
  public:
    AllowListParser(std::string_view text, std::string_view file_name)
        : text_(text), file_name_(file_name), lines_(text) {}

    AllowListFile parse() {
        for (const auto& [name, line] : find_sections(text_)) {
            add_section(name, line);
        }
        std::istringstream stream{std::string(text_)};
        namespace po = boost::program_options;
        // The config-file iterator is the engine of po::parse_config_file; using it directly lets
        // us ask the stream where each option ended, hence its line. It reads ahead on
        // construction and on ++, which is where syntax errors surface.
        std::optional<po::detail::config_file_iterator> options;
        try {
            options.emplace(stream, std::set<std::string>{}, true);
        } catch (const po::error& error) {
            fail(lines_.line_before(stream), describe_syntax_error(error));
        }
        const po::detail::config_file_iterator end;
        while (*options != end) {
            const auto& option = **options;
            apply(option.string_key, option.value.empty() ? "" : option.value.front(),
                  lines_.line_before(stream));
            try {
                ++*options;
            } catch (const po::error& error) {
                fail(lines_.line_before(stream), describe_syntax_error(error));
            }
        }
        return std::move(result_);
    }

  private:
    [[noreturn]] void fail(int line, std::string_view problem) const {
        throw InputError(fmt::format("{}:{}: {}", file_name_, line, problem));
    }

    static std::string describe_syntax_error(const boost::program_options::error& error) {
        if (dynamic_cast<const boost::program_options::invalid_syntax*>(&error) != nullptr) {
            return "not a 'key = value' line nor a [section]";
        }
        return "unreadable line";
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

    void apply(const std::string& name, const std::string& value, int line) {
        const auto dot = name.rfind('.');
        if (dot == std::string::npos) {
            apply_global(name, value, line);
            return;
        }
        const auto section = name.substr(0, dot);
        const auto key = name.substr(dot + 1);
        const auto found = section_index_.find(section);
        if (found == section_index_.end()) {
            // Boost joins a section and a key with '.', so a key that itself holds a dot ends up
            // here when it is outside any section.
            fail(line, fmt::format("unknown key '{}'", name));
        }
        apply_rule_key(result_.rules[found->second], section, key, value, line);
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
    LineIndex lines_;
    AllowListFile result_;
    std::map<std::string, std::size_t> section_index_;
    std::vector<int> section_lines_;
    std::map<std::string, int> label_lines_;
    std::set<std::string> required_seen_;
};

}  // namespace

AllowListFile parse_allow_list(std::string_view text, std::string_view file_name) {
    return AllowListParser(text, file_name).parse();
}

}  // namespace port_owner
