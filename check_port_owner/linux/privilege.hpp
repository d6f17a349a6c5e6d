// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace port_owner::linux_os {

// Privilege model (README, privilege; docs/decisions.md explains it). The plugin may run as
// the unprivileged nagios user (sees its own processes only), with the file capabilities
// cap_dac_read_search,cap_sys_ptrace in the permitted set (the packaged way), setuid root, or
// through sudo. Whatever the way, files the caller names are read with the caller's rights, the
// capabilities are effective only during the /proc scan, and everything is dropped before output.

// The kernel's verdict that this exec gained privilege (setuid, setgid, file capabilities):
// getauxval(AT_SECURE). getuid() != geteuid() would miss file capabilities.
bool running_elevated();

// Whether files named by the caller must be opened with dropped privilege: elevated, or root
// through sudo (SUDO_UID set by sudo itself).
bool caller_is_less_privileged();

// Reads a file the caller named (-C, --extra-opts) as the caller would: with the caller's uid,
// gid and groups when running as root on someone's behalf, with no effective capability
// otherwise; when elevated the last path component must not be a symlink (O_NOFOLLOW); it must
// be a regular file (a FIFO or a device could block or be huge). Returns 0 or an errno
// (EINVAL: not a regular file, EFBIG: larger than max_bytes).
int read_caller_file(const std::string& path, std::string& contents, std::size_t max_bytes);

// What a read_caller_file error means, for a message: "not a regular file", "larger than 1024
// KiB", or strerror.
std::string describe_caller_file_error(int error, std::size_t max_bytes);

// Moves cap_dac_read_search and cap_sys_ptrace from the permitted into the effective set, when
// permitted. Raw capset(2) rather than libcap: two capabilities, three calls, and no extra
// library for a plugin that may be installed with elevated rights (less code to trust).
void raise_scan_capabilities();

// Whether the permitted set holds both scan capabilities (then hidepid hides nothing from us).
bool has_scan_capabilities();

// Clears the effective set again (permitted kept for a later scan).
void lower_scan_capabilities();

// Irreversibly gives up every privilege before output is formatted: a run as root on someone's
// behalf (setuid, sudo) switches all uids and gids to the caller's; then the effective, permitted
// and inheritable capability sets are emptied. False when any step failed: the caller must then
// stop, since it may still hold privilege.
[[nodiscard]] bool drop_all_privilege();

}  // namespace port_owner::linux_os
