# SPDX-License-Identifier: GPL-3.0-or-later
# The tests of the Windows platform's netsh parsers, named once: tests/windows/parsers builds them
# for Windows, tests/unit/windows_parsers natively (they include no Windows header).
set(PORT_OWNER_WINDOWS_PARSER_TESTS
  ${CMAKE_CURRENT_LIST_DIR}/excluded_port_ranges_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_request_queues_test.cpp
)
