// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "holder_executables.hpp"
#include "holder_process.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

namespace integration {

// Base fixture: a private temporary directory for the test's holder executables and files. The
// network namespace is per process (see main.cpp); ctest runs every test in its own process.
class PortOwnerTest : public testing::Test {
  protected:
    // Starts a holder from the copy of port_holder named options.executable_name; returns once it
    // is ready. Throws (failing the test) if it cannot start.
    HolderProcess start_holder(const HolderOptions& options);

    HolderExecutables& executables() { return executables_; }
    const std::filesystem::path& temp_dir() const { return temp_dir_.path(); }

  private:
    // Declared before anything that runs processes from it, so it is removed last.
    TempDir temp_dir_;
    HolderExecutables executables_{temp_dir_.path()};
    std::atomic<unsigned> holders_started_ = 0;
};

}  // namespace integration
