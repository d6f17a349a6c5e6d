#!/usr/bin/python3
"""Proves the packages: builds the .deb with CPack, runs lintian, installs it with dpkg -i, runs
the installed plugin as the nagios user against a listener held by root (full attribution
through the file capabilities set by postinst), runs the packaged CheckCommand in a real Icinga 2
started here, purges the package and checks that nothing of it is left. Then builds the RPM and
checks its file list, capabilities, config files and scriptlets.

    python3 package_test.py --build-dir BUILD --cpack CPACK

BUILD is a configured and built tree of the project (its CPackConfig.cmake is used; the packages
are written to a temporary directory). Root; re-runs itself in a private network namespace (it
binds ports 80 and 5665 there). Refuses to run when the package is already installed, and purges
what it installed in any case. Standard library only; exit 0 when every check holds.
"""

import argparse
import glob
import io
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (tests/engines included)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_harness as harness  # noqa: E402

PACKAGE = "check-port-owner"
PLUGIN = "/usr/lib/nagios/plugins/check_port_owner"
RPM_PLUGIN = "/usr/lib64/nagios/plugins/check_port_owner"
CHECK_COMMAND = "/usr/share/icinga2/include/plugins-contrib.d/check_port_owner.conf"
NAGIOS_COMMANDS = "/etc/nagios-plugins/config/check_port_owner.cfg"
ALLOW_LIST = "/etc/nagios/check_port_owner.ini"
MAN_PAGE = "/usr/share/man/man1/check_port_owner.1.gz"
DOC = f"/usr/share/doc/{PACKAGE}"
CAPS = "cap_dac_read_search,cap_sys_ptrace=p"
PORT = 80
SERVICE = "port80-nginx"

checks = harness.Checks("package")
check, log = checks.check, checks.log


def run(argv, timeout=120, **kwargs):
    log("$ " + " ".join(argv))
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


def package_installed():
    query = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True,
                           text=True)
    return query.returncode == 0 and "installed" in query.stdout.split()[-1:]


def build_package(cpack, build_dir, out_dir, generator):
    result = run([cpack, "-G", generator, "--config", os.path.join(build_dir, "CPackConfig.cmake"),
                  "-B", out_dir], timeout=300, cwd=build_dir)
    pattern = "*.deb" if generator == "DEB" else "*.rpm"
    found = glob.glob(os.path.join(out_dir, pattern))
    check(result.returncode == 0 and len(found) == 1, f"cpack -G {generator} built {found}",
          result.stdout[-3000:] + result.stderr[-3000:])
    return found[0] if len(found) == 1 else None


# ---------------------------------------------------------------------------------------------
# DEB


def check_lintian(deb):
    result = run(["lintian", "--display-info", "--show-overrides", deb], timeout=300)
    output = (result.stdout + result.stderr).strip()
    log("lintian says:\n" + output)
    errors = [line for line in output.splitlines() if line.startswith("E: ")]
    check(not errors and result.returncode == 0, "lintian reports no error", "\n".join(errors))
    warnings = [line for line in output.splitlines() if line.startswith("W: ")]
    check(not warnings, "lintian reports no warning (overrides are justified in the package)",
          "\n".join(warnings))


def check_installed_files(files):
    for path in (PLUGIN, CHECK_COMMAND, NAGIOS_COMMANDS, ALLOW_LIST, MAN_PAGE,
                 f"{DOC}/copyright", f"{DOC}/changelog.Debian.gz",
                 f"{DOC}/examples/icinga2/example-agent.conf",
                 f"{DOC}/examples/nrpe/check_port_owner.cfg"):
        check(path in files and os.path.isfile(path), f"the package installed {path}")
    conffiles = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", PACKAGE],
                               capture_output=True, text=True).stdout
    for path in (ALLOW_LIST, NAGIOS_COMMANDS):
        check(re.search(r"^\s*" + re.escape(path) + r"\s", conffiles, re.M),
              f"{path} is a conffile", conffiles)
    mode = os.stat(PLUGIN).st_mode & 0o7777
    check(mode == 0o755, f"{PLUGIN} has mode 0755, no setuid ({oct(mode)})")
    getcap = run(["getcap", PLUGIN])
    check(CAPS in getcap.stdout.replace("+", "="),
          f"postinst gave {PLUGIN} the capabilities {CAPS}: {getcap.stdout.strip()!r}")
    man = run(["man", "--warnings", "-l", MAN_PAGE],
              env=dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat", LC_ALL="C.UTF-8"))
    check(man.returncode == 0 and "check_port_owner" in man.stdout and not man.stderr.strip(),
          "man -l renders the installed man page without warnings", man.stderr)


def ensure_nagios_user():
    """Returns True when this test created the user (and must remove it)."""
    try:
        pwd.getpwnam(harness.ENGINE_USER)
        return False
    except KeyError:
        pass
    created = run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                   "/nonexistent", "--shell", "/usr/sbin/nologin", harness.ENGINE_USER])
    check(created.returncode == 0, f"created the {harness.ENGINE_USER} user", created.stderr)
    return True


def as_nagios(argv):
    return run(["setpriv", f"--reuid={harness.ENGINE_USER}", f"--regid={harness.ENGINE_USER}",
                "--init-groups", "--inh-caps=-all", "--"] + argv, timeout=60, cwd="/",
               env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})


def check_attribution(workdir, holder):
    """The installed plugin, run as nagios, identifies the root-owned holder."""
    result = as_nagios([PLUGIN, "-p", f"{PORT}=nginx"])
    log(f"as {harness.ENGINE_USER}: exit {result.returncode}\n{result.stdout}{result.stderr}")
    lines = result.stdout.split("\n")
    expected = f"OK tcp/{PORT} 0.0.0.0: nginx pid {holder['pid']} user root exe {holder['exe']}"
    check(result.returncode == 0 and lines[0].startswith("PORT_OWNER OK - "),
          f"{PLUGIN} -p {PORT}=nginx as {harness.ENGINE_USER}: OK")
    check(any(line.startswith(expected) for line in lines[1:]),
          f"the holder is attributed: {expected!r}")

    # Control: the same binary without the capabilities cannot see the holder.
    bare = os.path.join(workdir, "bin", "check_port_owner_without_caps")
    shutil.copyfile(PLUGIN, bare)  # copyfile does not copy the security.capability xattr
    os.chmod(bare, 0o755)
    result = as_nagios([bare, "-p", f"{PORT}=nginx"])
    log(f"without capabilities: exit {result.returncode}\n{result.stdout}")
    first = result.stdout.split("\n")[0]
    check(result.returncode == 3 and f"tcp/{PORT} holder not identified" in first
          and "rules_unattributed=1;" in first,
          "control: the same binary without capabilities reports the listener UNATTRIBUTED")


def check_icinga2(workdir, processes, holder):
    """A real Icinga 2 runs the packaged CheckCommand from plugins-contrib.d."""
    node = harness.Icinga2(workdir)
    node.write_config(f"""
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include <plugins-contrib>

object CheckerComponent "checker" {{ }}
object Host "package-test-host" {{
  check_command = "dummy"
  check_interval = 5m
}}
object Service "{SERVICE}" {{
  host_name = "package-test-host"
  check_command = "port_owner"
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  vars.port_owner_port = [ "{PORT}=nginx" ]
}}
""", api=True)
    node.make_api_certificate()
    validate = node.validate()
    if not check(validate.returncode == 0,
                 "icinga2 daemon -C accepts <plugins-contrib> with the packaged CheckCommand",
                 (validate.stdout + validate.stderr)[-3000:]):
        return
    node.start(processes)
    results = node.wait_for_results([SERVICE], deadline_s=60)
    if not check(results is not None, f"Icinga 2 checked {SERVICE} within 60 s",
                 node.diagnostics()):
        return
    attrs = results[SERVICE]
    result = attrs["last_check_result"]
    output = result.get("output") or ""
    log(f"API {SERVICE}: state={attrs['state']} output={output!r} command={result.get('command')}")
    check(int(attrs["state"]) == 0 and output.startswith("PORT_OWNER OK - "),
          f"icinga2 {SERVICE}: state OK")
    check(f"nginx pid {holder['pid']} user root exe {holder['exe']}" in output,
          f"icinga2 {SERVICE}: the output attributes the port to nginx pid {holder['pid']}")
    command = result.get("command") or []
    check(command[:1] == [PLUGIN] and "--port" in command and f"{PORT}=nginx" in command,
          f"icinga2 ran the installed plugin with --port {PORT}=nginx: {command}")
    source = node.api("/v1/objects/checkcommands/port_owner?attrs=source_location")
    path = source["results"][0]["attrs"]["source_location"]["path"]
    check(path == CHECK_COMMAND, f"the CheckCommand port_owner came from {CHECK_COMMAND} ({path})")


def check_nagios_installed(workdir):
    verify = harness.nagios_verify(workdir, [NAGIOS_COMMANDS,
                                             f"{DOC}/examples/nagios/example-services.cfg"])
    output = verify.stdout + verify.stderr
    check(verify.returncode == 0 and re.search(r"Total Errors:\s+0", output),
          "nagios4 -v accepts the installed command definitions and example", output[-3000:])


def purge_and_check(files):
    purge = run(["dpkg", "--purge", PACKAGE], timeout=180)
    check(purge.returncode == 0, f"dpkg --purge {PACKAGE}", purge.stdout + purge.stderr)
    check(not package_installed(), f"{PACKAGE} is no longer installed")
    left = []
    for path in files:
        if not os.path.lexists(path):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            owners = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True)
            if owners.returncode == 0 or os.listdir(path):
                continue  # a directory shared with other packages, or holding their files
        left.append(path)
    check(not left, "nothing the package installed is left after the purge", repr(left))
    check(not os.path.exists(ALLOW_LIST), f"{ALLOW_LIST} is gone")
    leftovers = glob.glob(f"/var/lib/dpkg/info/{PACKAGE}.*") + glob.glob(f"{ALLOW_LIST}.dpkg-*")
    check(not leftovers, "no dpkg bookkeeping or conffile backups left", repr(leftovers))
    overrides = subprocess.run(["dpkg-statoverride", "--list", PLUGIN], capture_output=True,
                               text=True)
    check(overrides.returncode != 0, "no dpkg-statoverride left for the plugin")


def test_deb(args, workdir, processes):
    deb = build_package(args.cpack, args.build_dir, os.path.join(workdir, "deb"), "DEB")
    if not deb:
        return
    check_lintian(deb)
    files = []
    try:
        install = run(["dpkg", "-i", deb], timeout=180,
                      env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        log(install.stdout + install.stderr)
        if not check(install.returncode == 0, f"dpkg -i {os.path.basename(deb)}"):
            return
        files = [line for line in run(["dpkg", "-L", PACKAGE]).stdout.splitlines()
                 if line.startswith("/")]
        check_installed_files(files)

        created_user = ensure_nagios_user()
        try:
            bin_dir = os.path.join(workdir, "bin")
            os.makedirs(bin_dir, mode=0o755)
            nginx = os.path.join(bin_dir, "nginx")
            shutil.copyfile(os.path.realpath(args.python), nginx)
            os.chmod(nginx, 0o755)
            process = harness.engine_e2e.start_holder(processes, nginx, PORT)
            holder = {"pid": process.pid, "exe": nginx}
            check_attribution(workdir, holder)
            check_icinga2(os.path.join(workdir, "icinga2-run"), processes, holder)
            check_nagios_installed(os.path.join(workdir, "nagios-check"))
        finally:
            processes.stop_all()
            if created_user:
                run(["userdel", harness.ENGINE_USER])
    finally:
        if package_installed() or files:
            purge_and_check(files)


# ---------------------------------------------------------------------------------------------
# RPM


def test_rpm(args, workdir):
    rpm = build_package(args.cpack, args.build_dir, os.path.join(workdir, "rpm"), "RPM")
    if not rpm:
        return
    listing = run(["rpm", "-qlp", rpm]).stdout.split()
    log("rpm -qlp:\n" + "\n".join(listing))
    for path in (RPM_PLUGIN, CHECK_COMMAND, NAGIOS_COMMANDS, ALLOW_LIST, MAN_PAGE,
                 f"{DOC}/copyright", f"{DOC}/examples/nrpe/check_port_owner.cfg"):
        check(path in listing, f"the RPM has {path}")
    check(not [p for p in listing if p.startswith("/usr/lib/")],
          "the RPM has nothing under /usr/lib (its plugin directory is /usr/lib64)")
    for shared in ("/etc/nagios", "/usr/lib64/nagios/plugins", "/usr/share/man/man1",
                   "/usr/share/icinga2/include/plugins-contrib.d", "/usr/share/lintian"):
        check(shared not in listing, f"the RPM does not own the shared directory {shared}")
    filecaps = run(["rpm", "-qp", "--filecaps", rpm]).stdout
    check(re.search(re.escape(RPM_PLUGIN) + r"\s+" + re.escape(CAPS), filecaps),
          f"the RPM gives {RPM_PLUGIN} the capabilities {CAPS} (%caps)", filecaps)
    configfiles = run(["rpm", "-qp", "--configfiles", rpm]).stdout.split()
    check(ALLOW_LIST in configfiles and NAGIOS_COMMANDS in configfiles,
          f"the RPM's config files: {configfiles}")
    noreplace = run(["rpm", "-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]", rpm]).stdout
    check(re.search(re.escape(ALLOW_LIST) + r" \S*n", noreplace),
          f"{ALLOW_LIST} is %config(noreplace)", noreplace)
    scripts = run(["rpm", "-qp", "--scripts", rpm]).stdout
    log(f"rpm -qp --scripts: {scripts!r}")
    check(scripts.strip() == "",
          "the RPM needs no scriptlet: rpm itself sets the capabilities (%caps), and removes "
          "all it installed", scripts)
    # The NRPE example names the plugin by its lib64 path: read it from the payload.
    with open(rpm, "rb") as package:
        archive = subprocess.run(["rpm2archive", "-"], stdin=package, capture_output=True,
                                 timeout=60)
    example = "./" + DOC.lstrip("/") + "/examples/nrpe/check_port_owner.cfg"
    text = ""
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout), mode="r:*") as tar:
            text = tar.extractfile(example).read().decode()
    except (tarfile.TarError, KeyError, AttributeError) as error:
        text = repr(error)
    check(RPM_PLUGIN in text and "/usr/lib/nagios/plugins/check_port_owner " not in text,
          f"the RPM's NRPE example runs {RPM_PLUGIN}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--cpack", default="cpack")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="interpreter copied as the `nginx` holder")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    missing = [tool for tool in ("lintian", "rpmbuild", "rpm2archive", "setpriv", "getcap",
                                 "dpkg-shlibdeps", harness.ICINGA2_BINARY, harness.NAGIOS_BINARY)
               if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"missing tools {missing}: apt-get install lintian rpm rpm2cpio util-linux "
                         "libcap2-bin dpkg-dev icinga2-bin icinga2-common nagios4-core")
    harness.enter_private_network_namespace(__file__)
    if package_installed():
        raise SystemExit(f"{PACKAGE} is installed on this machine: this test installs and purges "
                         f"it, so it refuses to run (dpkg --purge {PACKAGE} first)")

    workdir = tempfile.mkdtemp(prefix="package-test-", dir="/tmp")
    os.chmod(workdir, 0o755)
    processes = harness.Processes()
    previous_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    started = time.monotonic()
    try:
        test_deb(args, workdir, processes)
        test_rpm(args, workdir)
    finally:
        processes.stop_all()
        if package_installed():  # an interruption between install and purge
            subprocess.run(["dpkg", "--purge", PACKAGE], capture_output=True, timeout=180)
        signal.signal(signal.SIGTERM, previous_term)
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log(f"done in {time.monotonic() - started:.1f} s")
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
