# SPDX-License-Identifier: GPL-3.0-or-later
# The Windows platform's parsers of netsh output: pure C++ (no Windows header), so besides the
# Windows build they are compiled into a Linux unit test and run in every CI job
# (tests/unit/windows_parsers). Absolute paths, so that any folder may include this file.
set(PORT_OWNER_WINDOWS_PARSER_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/excluded_port_ranges.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_request_queues.cpp
)
