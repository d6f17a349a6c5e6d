# SPDX-License-Identifier: GPL-3.0-or-later
# The tests of the Windows platform's pure logic (netsh parsers, what the inventory makes of
# them), named once: tests/windows/parsers builds them for Windows, tests/unit/windows_parsers
# natively (they include no Windows header).
set(PORT_OWNER_WINDOWS_PARSER_TESTS
  ${CMAKE_CURRENT_LIST_DIR}/excluded_port_ranges_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_request_queues_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_sys_holders_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/port_reservations_test.cpp
)
