#pragma once

namespace port_owner {

// After `seconds`, prints `PORT_OWNER UNKNOWN - timed out after N s` and exits 3, wherever the
// check is. The engines kill a plugin that overruns their own timeout and report something less
// clear, so the plugin answers first.
void arm_timeout(unsigned seconds);

// Called before the final output is written, so a late alarm cannot interleave with it.
void disarm_timeout();

}  // namespace port_owner
