# SPDX-License-Identifier: GPL-3.0-or-later
#
# Cross-compiling check_port_owner for Windows x64 with Debian 12's mingw-w64:
#   packaging/windows/build_dependencies.sh            # once; cached
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=packaging/windows/mingw-w64-x86_64.cmake
#   cmake --build build-win -j2
# Debian package: g++-mingw-w64-x86-64-posix.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)

# The -posix thread model: GCC 12's -win32 model has no std::mutex, std::thread or
# std::condition_variable, which the plugin's timeout and tests use.
set(_mingw x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_mingw}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_mingw}-g++-posix)
set(CMAKE_RC_COMPILER ${_mingw}-windres)
set(CMAKE_AR ${_mingw}-gcc-ar-posix CACHE FILEPATH "Archiver")
set(CMAKE_RANLIB ${_mingw}-gcc-ranlib-posix CACHE FILEPATH "Ranlib")

# One self-contained .exe: a Windows admin copies it to the agent's plugin folder, and there is
# no libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll to ship beside it. -static also
# links winpthread statically, which -static-libstdc++ alone would not.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# Libraries and headers only from the mingw sysroot and the cross-built dependencies, never
# from the Linux host; programs (cmake helpers, pkg-config) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${_mingw})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Tests run through wine. The name is resolved where ctest runs: inside the wine chroot
# (tests/windows/wine_chroot.sh), not on this host, whose wine 8 cannot attribute sockets.
if(NOT DEFINED CMAKE_CROSSCOMPILING_EMULATOR)
  set(CMAKE_CROSSCOMPILING_EMULATOR wine)
endif()

# Where Boost.ProgramOptions, RE2, GoogleTest and fmt for mingw are.
include(${CMAKE_CURRENT_LIST_DIR}/dependencies.cmake)
