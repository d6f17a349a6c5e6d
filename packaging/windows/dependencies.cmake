# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the mingw builds of the dependencies, made by build_dependencies.sh, visible to
# find_package(Boost), find_package(fmt), find_package(GTest) and pkg_check_modules(re2).
# Included by mingw-w64-x86_64.cmake beside it, so one -DCMAKE_TOOLCHAIN_FILE is all a build
# needs.
# The toolchain file is read again for every try_compile: this must stay idempotent.

# The same default as build_dependencies.sh; the environment variable is for CI, the cache
# variable for a developer's own location.
if(DEFINED ENV{PORT_OWNER_MINGW_DEPS})
  set(_deps_default $ENV{PORT_OWNER_MINGW_DEPS})
else()
  set(_deps_default /var/cache/check_port_owner/mingw-deps)
endif()
set(PORT_OWNER_MINGW_DEPS ${_deps_default} CACHE PATH
    "Prefix of the mingw dependencies (packaging/windows/build_dependencies.sh PREFIX)")
# try_compile projects do not see the cache: hand the values on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PORT_OWNER_MINGW_DEPS
     PORT_OWNER_BUILDING_DEPENDENCIES)

# build_dependencies.sh sets PORT_OWNER_BUILDING_DEPENDENCIES while it fills the prefix.
if(NOT PORT_OWNER_BUILDING_DEPENDENCIES AND NOT EXISTS ${PORT_OWNER_MINGW_DEPS}/stamp)
  message(FATAL_ERROR "No mingw dependencies in ${PORT_OWNER_MINGW_DEPS}: run "
          "packaging/windows/build_dependencies.sh ${PORT_OWNER_MINGW_DEPS}")
endif()

# A root path so that ONLY-mode searches accept it, a prefix path so that find_package looks
# there (the Windows platform's default prefixes are C:/Program Files and the like).
list(APPEND CMAKE_FIND_ROOT_PATH ${PORT_OWNER_MINGW_DEPS})
list(REMOVE_DUPLICATES CMAKE_FIND_ROOT_PATH)
list(APPEND CMAKE_PREFIX_PATH ${PORT_OWNER_MINGW_DEPS})
list(REMOVE_DUPLICATES CMAKE_PREFIX_PATH)

# Only static libraries were built; FindBoost would otherwise look for import libraries first.
set(Boost_USE_STATIC_LIBS ON)

# pkg-config must read the mingw re2.pc only, never the host's /usr/lib/x86_64-linux-gnu ones.
set(ENV{PKG_CONFIG_LIBDIR} ${PORT_OWNER_MINGW_DEPS}/lib/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
