"""What check_report.py (make check-bench) and conv/check_report_conv.py (make
check-bench-conv) share: recording failures, writing a made-up case's files, running the report
and the README-without-markers case. Stdlib only."""
import array
import os
import subprocess
import sys

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def write(path, typecode, values):
    with open(path, "wb") as f:
        array.array(typecode, values).tofile(f)


def write_case(case, lines, readme_text):
    """The results file (lines) and the README of a case; returns their paths."""
    results = os.path.join(case, "results.txt")
    with open(results, "w") as f:
        f.write("\n".join(lines) + "\n")
    readme = os.path.join(case, "README.md")
    with open(readme, "w") as f:
        f.write(readme_text)
    return results, readme


def run(report, case, results, data, readme):
    """Runs the report on a case; returns what it printed and the README it left."""
    r = subprocess.run([report, results, data, readme, os.path.join(case, "results.md")],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"{case}: exit status {r.returncode}: {r.stderr}")
    with open(readme) as f:
        return r.stdout, f.read()


def check_no_markers(report, case, results, data, readme):
    """A README without the markers is left exactly as it was, and the report says so."""
    with open(readme, "w") as f:
        f.write("# no markers here\n")
    out, text = run(report, case, results, data, readme)
    check(text == "# no markers here\n", "no-markers: the README changed")
    check("README not updated" in out, "no-markers: the report did not say so")


def finish(target, success):
    """Prints the failures (exit status 1) or the success line (0)."""
    for f in failures:
        print(f"{target}: FAILED: {f}", file=sys.stderr)
    if failures:
        return 1
    print(f"{target}: {success}")
    return 0
