# SPDX-License-Identifier: GPL-3.0-or-later
"""Debian's chromium, headless: a page's DOM after its scripts ran (what the admin's browser
shows), and a screenshot of it. Each call is one browser run with a fresh profile."""
import subprocess
import tempfile

CHROMIUM = "/usr/bin/chromium"
WINDOW = "1400,1800"
# Virtual time the page's scripts get before the DOM is taken: Icinga Web 2 loads its columns
# and the graph images from JavaScript after the page itself.
SCRIPT_BUDGET_MS = 10000


def _run(url, extra, timeout_s):
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        # --no-sandbox: the test runs as root, where Chromium's sandbox refuses to start.
        argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                f"--window-size={WINDOW}", f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
                "--hide-scrollbars"] + extra + [url]
        return subprocess.run(argv, capture_output=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)


def dump_dom(url, timeout_s=120):
    """The serialized DOM (text); raises with Chromium's output when it fails."""
    run = _run(url, ["--dump-dom"], timeout_s)
    if run.returncode != 0 or not run.stdout:
        raise RuntimeError(f"chromium --dump-dom {url} failed ({run.returncode}): "
                           f"{run.stderr.decode(errors='replace')[-2000:]}")
    return run.stdout.decode("utf-8", "replace")


def screenshot(url, path, timeout_s=120):
    run = _run(url, [f"--screenshot={path}"], timeout_s)
    if run.returncode != 0:
        raise RuntimeError(f"chromium --screenshot {url} failed ({run.returncode}): "
                           f"{run.stderr.decode(errors='replace')[-2000:]}")
    return path
