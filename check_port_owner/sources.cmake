# SPDX-License-Identifier: GPL-3.0-or-later
# The sources of the pure core, named once: check_port_owner/CMakeLists.txt builds port_owner_core
# from this list and tests/fuzz builds the same files with coverage instrumentation, so a new core
# file is one line here and both builds have it. Absolute paths, so either may include this file.
set(PORT_OWNER_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/core/address_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/allow_entry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/allow_list_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/answer_agreement.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/bolt_database.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/ephemeral_ports.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/container_name.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/excluded_port_range.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/extra_opts_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/glob_match.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/holder_description.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/ignore_spec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/ip_address.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/json_scanner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/learned_allow_list.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/match_conventions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/occupant_description.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/perfdata.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/podman_port_mappings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/port_occupant.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/proxy_command_line.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/rootlesskit_ports.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/rule.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/socket_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/socket_unit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/text_escape.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/threshold_range.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/unlisted_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core/verdict.cpp
  ${CMAKE_CURRENT_LIST_DIR}/inventory/query_for_rules.cpp
)
