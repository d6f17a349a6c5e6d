# SPDX-License-Identifier: GPL-3.0-or-later
"""The webview suite's option and fixture: where the screenshot goes (ctest passes the build
directory's artifacts/, which CI keeps)."""
import os

import pytest


def pytest_addoption(parser):
    parser.getgroup("check_port_owner").addoption(
        "--artifacts-dir", help="where the webview suite keeps its screenshot (default: "
                                "./artifacts)")


@pytest.fixture(scope="session")
def artifacts_dir(request):
    path = os.path.abspath(request.config.getoption("--artifacts-dir") or "artifacts")
    os.makedirs(path, exist_ok=True)
    return path
