// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/command_line.hpp"

namespace windows_tests {
namespace {

// The C runtime's rules: inside quotes, backslashes are literal unless they precede a quote;
// 2n backslashes before a quote are n backslashes, 2n+1 are n and a literal quote.
std::wstring quoted(const std::wstring& argument) {
    if (!argument.empty() && argument.find_first_of(L" \t\n\v\"") == std::wstring::npos)
        return argument;
    std::wstring out = L"\"";
    std::size_t backslashes = 0;
    for (const wchar_t c : argument) {
        if (c == L'\\') {
            ++backslashes;
            continue;
        }
        if (c == L'"')
            out.append(backslashes * 2 + 1, L'\\');
        else
            out.append(backslashes, L'\\');
        backslashes = 0;
        out += c;
    }
    // Before the closing quote, every backslash is doubled so that none escapes it.
    out.append(backslashes * 2, L'\\');
    out += L'"';
    return out;
}

}  // namespace

std::wstring command_line(const std::vector<std::wstring>& arguments) {
    std::wstring line;
    for (const auto& argument : arguments) {
        if (!line.empty())
            line += L' ';
        line += quoted(argument);
    }
    return line;
}

}  // namespace windows_tests
