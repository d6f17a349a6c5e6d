# SPDX-License-Identifier: GPL-3.0-or-later
# The Windows platform's pure logic: the parsers of netsh's output and what the inventory makes
# of it. No Windows header, so besides the Windows build these files are compiled into a Linux
# unit test and run in every CI job (tests/unit/windows_parsers). Absolute paths, so that any
# folder may include this file.
set(PORT_OWNER_WINDOWS_PORTABLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/excluded_port_ranges.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_request_queues.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_sys_holders.cpp
  ${CMAKE_CURRENT_LIST_DIR}/port_reservations.cpp
)
