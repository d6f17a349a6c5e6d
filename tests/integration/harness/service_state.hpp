// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace integration {

// A monitoring-plugin state: the exit code and the word line 1 must carry with it.
struct ServiceState {
    int exit_code;
    std::string_view word;
};

inline constexpr ServiceState kOk{0, "OK"};
inline constexpr ServiceState kWarning{1, "WARNING"};
inline constexpr ServiceState kCritical{2, "CRITICAL"};
inline constexpr ServiceState kUnknown{3, "UNKNOWN"};

}  // namespace integration
