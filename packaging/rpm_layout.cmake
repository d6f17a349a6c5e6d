# SPDX-License-Identifier: GPL-3.0-or-later
# CPACK_PRE_BUILD_SCRIPTS: runs after CPack staged the files, before it builds the package.
# For the RPM only: the plugin directory of RPM systems is /usr/lib64/nagios/plugins, and the
# Debian-only files (lintian overrides, the Debian changelog) are left out.
if(NOT CPACK_GENERATOR STREQUAL "RPM")
  return()
endif()
set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
if(NOT EXISTS "${root}/usr/lib/nagios/plugins/check_port_owner")
  message(FATAL_ERROR "rpm_layout.cmake: no usr/lib/nagios/plugins/check_port_owner in ${root}")
endif()
file(MAKE_DIRECTORY "${root}/usr/lib64")
file(RENAME "${root}/usr/lib/nagios" "${root}/usr/lib64/nagios")
file(REMOVE_RECURSE "${root}/usr/lib" "${root}/usr/share/lintian")
file(GLOB changelogs "${root}/usr/share/doc/*/changelog.Debian.gz")
file(REMOVE ${changelogs})
# The NRPE example names the plugin by its path.
file(GLOB_RECURSE nrpe_examples "${root}/usr/share/doc/*/examples/nrpe/*.cfg")
foreach(example IN LISTS nrpe_examples)
  file(READ "${example}" text)
  string(REPLACE "/usr/lib/nagios/plugins/" "/usr/lib64/nagios/plugins/" text "${text}")
  file(WRITE "${example}" "${text}")
endforeach()
