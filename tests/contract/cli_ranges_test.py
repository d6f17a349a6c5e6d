#!/usr/bin/python3
"""-w/-c end to end: real unlisted listeners in a private network namespace, the plugin's exit
code and its `unlisted=` perfdata.

  cli_ranges_test.py CHECK_PORT_OWNER

Root needed (re-executes itself under unshare -n). For each row (N listeners, -w, -c, exit),
the expected exit code is written out by hand and must also be what the contract's own reading
(range_cases.contract_threshold: critical before warning) gives. An invalid range must exit 3
with one stdout line naming it and nothing on stderr.
"""
import argparse
import re
import sys

import netns
import range_cases

# (N unlisted listeners, -w, -c, exit code); None = option not given.
ROWS = [
    (0, "1", "2", 0), (0, "1:", None, 1), (0, None, "1:", 2), (0, "~:0", "@1:", 0),
    (0, "@0", None, 1), (0, None, "@~:", 2),
    (3, "2", "5", 1), (3, "5", "2", 2), (3, "2", "2", 2), (3, "3", "3", 0), (3, "~:2", "10", 1),
    (3, "@3:4", "10", 1), (3, "@0:2", None, 0), (3, None, "@3", 2), (3, "3:", None, 0),
    (3, "4:", None, 1), (3, "3:3", "3:3", 0), (3, None, "2.5", 2), (3, None, "3.5", 0),
    (3, "~:", "~:", 0), (3, "10:20", "5", 1), (3, "+3", "-1:3", 0), (3, "0.5:2.99", None, 1),
    (6, "5", "10", 1), (6, "5", "5", 2), (6, "@5:6", "6", 1), (6, None, "6", 0),
    (6, None, "5.999999", 2), (6, "@6:", "@7:", 1), (6, "-5:-1", "@-1:5", 1),
]

INVALID = ["", "20:10", "1e3", "@", "~", ":", "10:20:30", "10%", "1,10", " 10", "1.", ".5", "-5",
           "~10", "abc"]

NUMBER = re.compile(r"[+]?[0-9]+(?:\.[0-9]+)?")


def perf_fields(line1, label):
    if "|" not in line1:
        return None
    for token in line1.split("|", 1)[1].split():
        if token.startswith(label + "="):
            return token[len(label) + 1:].split(";")
    return None


def argv_for(warning, critical):
    args = []
    # The --opt=VALUE form, so a range starting with '-' is never read as an option.
    if warning is not None:
        args.append("--warning=" + warning)
    if critical is not None:
        args += ["-c", critical] if not critical.startswith("-") else ["--critical=" + critical]
    return args


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("plugin")
    args = parser.parse_args()
    netns.enter()

    failures = []
    for n, warning, critical, exit_code in ROWS:
        contract = range_cases.contract_threshold(warning or "", critical or "", n)
        if contract != ["ok", "warning", "critical"][exit_code]:
            failures.append("table row %r contradicts the contract (%s)" %
                            ((n, warning, critical, exit_code), contract))
    for n in sorted({row[0] for row in ROWS}):
        with netns.Listeners(range(21000, 21000 + n)):
            for row_n, warning, critical, exit_code in ROWS:
                if row_n != n:
                    continue
                argv = argv_for(warning, critical)
                code, out, err = netns.run_plugin(args.plugin, argv)
                where = "N=%d %s" % (n, " ".join(argv))
                lines = out.split("\n")
                if code != exit_code:
                    failures.append("%s: exit %d, expected %d: %r" % (where, code, exit_code,
                                                                      lines[0]))
                state = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][exit_code]
                if not lines[0].startswith("PORT_OWNER %s - " % state):
                    failures.append("%s: line 1 %r, expected PORT_OWNER %s" %
                                    (where, lines[0], state))
                if err:
                    failures.append("%s: stderr %r" % (where, err))
                fields = perf_fields(lines[0], "unlisted")
                want = [str(n)]
                for text in (warning, critical):
                    # Only a plain number survives in Icinga 2's perfdata; ranges are left out.
                    want.append(text if text is not None and NUMBER.fullmatch(text) else "")
                if fields is None or len(fields) != 4 or fields[0] != want[0] or any(
                        (float(g) if g else None) != (float(w) if w else None)
                        for g, w in zip(fields[1:3], want[1:])) or fields[3] != "0":
                    failures.append("%s: unlisted perfdata %s, expected %s;0" %
                                    (where, fields, ";".join(want)))
        # Invalid ranges, as -w and as -c, with these listeners present.
        if n != 3:
            continue
        with netns.Listeners(range(21000, 21003)):
            for text in INVALID:
                for short, option in (("-w", "--warning="), ("-c", "--critical=")):
                    # Boost rejects `--warning=` with nothing after it, so the empty range is
                    # given as a separate argument.
                    argv = [short, text] if text == "" else [option + text]
                    code, out, err = netns.run_plugin(args.plugin, argv)
                    where = "%s%r" % (option, text)
                    if code != 3:
                        failures.append("%s: exit %d, expected 3" % (where, code))
                    if out.count("\n") != 1 or not out.endswith("\n"):
                        failures.append("%s: %d lines, expected 1: %r" %
                                        (where, out.count("\n"), out))
                    if not out.startswith("PORT_OWNER UNKNOWN - ") or "'%s'" % text not in out:
                        failures.append("%s: does not name the range: %r" % (where, out))
                    if err:
                        failures.append("%s: stderr %r" % (where, err))
    print("%d threshold rows, %d invalid ranges" % (len(ROWS), len(INVALID)))
    if failures:
        print("FAILED:")
        for failure in failures:
            print("  " + failure)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
