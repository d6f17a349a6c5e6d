#include "cli/timeout.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

namespace port_owner {
namespace {

// Formatted before the alarm is armed: the handler may only call async-signal-safe functions.
char timeout_message[96];
int timeout_message_length = 0;

extern "C" void on_timeout(int) {
    // The result of write() cannot be acted on inside a signal handler.
    [[maybe_unused]] const auto written =
        ::write(STDOUT_FILENO, timeout_message, static_cast<std::size_t>(timeout_message_length));
    ::_exit(3);
}

}  // namespace

void arm_timeout(unsigned seconds) {
    timeout_message_length = std::snprintf(timeout_message, sizeof(timeout_message),
                                           "PORT_OWNER UNKNOWN - timed out after %u s\n", seconds);
    struct sigaction action {};
    action.sa_handler = on_timeout;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGALRM, &action, nullptr);
    ::alarm(seconds);
}

void disarm_timeout() {
    ::alarm(0);
}

}  // namespace port_owner
