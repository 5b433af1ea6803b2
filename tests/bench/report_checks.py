"""What check_report.py (make check-bench) and conv/check_report_conv.py (make
check-bench-conv) share: recording failures, writing a made-up case's files (its folders and
net.txt, each implementation's check and result lines and parameters after the step, the README
with its markers), running the report, reading its markdown tables, the README checks and the
command line. Stdlib only."""
import array
import os
import shutil
import subprocess
import sys

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def write(path, typecode, values):
    with open(path, "wb") as f:
        array.array(typecode, values).tofile(f)


def new_case(work, name, nets, forward_flops, train_flops):
    """An empty folder for case `name` under work, with a data folder per net holding its
    net.txt; returns the case folder and the data folder."""
    case = os.path.join(work, name)
    shutil.rmtree(case, ignore_errors=True)
    data = os.path.join(case, "data")
    for net in nets:
        os.makedirs(os.path.join(data, net))
        with open(os.path.join(data, net, "net.txt"), "w") as f:
            f.write(f"name {net}\nforward_flops {forward_flops}\ntrain_flops {train_flops}\n")
    return case, data


def jitter(rng, values, relative):
    """values, each scaled by 1 + a uniform draw in [-relative, relative]: what another
    implementation's rounding makes of the same numbers."""
    return [v * (1 + relative * rng.uniform(-1, 1)) for v in values]


def peer_lines(data, net, label, after, J, times, J_format, repetitions):
    """One implementation's check line and two result lines (one per pass) for one net; writes
    its parameters after the step when it trains. times: (forward ns per pass, train ns per pass
    or None for an inference-only one); J_format: how the results file writes J; repetitions:
    the fields after the times, (for one that trains, for an inference-only one)."""
    forward, train = times
    step = "-"
    if train is not None:
        write(os.path.join(data, net, f"after.{label}.f64"), "d", after)
        step = f"{J:{J_format}}"
    results = []
    for p in (0, 1):
        t = f"{train[p]:.1f}" if train is not None else "-"
        more = repetitions[0] if train is not None else repetitions[1]
        results.append(f"result {label} {net} {p + 1} {forward[p]:.1f} {t} {more}")
    return f"check {label} {net} {J:{J_format}} {step}", results


OLD_TABLE = "old table"


def readme_with_markers(marker, before):
    """A README with an old table between the report's markers, text before and after them."""
    return (f"# title\n\n{before}\n<!-- {marker}:begin -->\n{OLD_TABLE}\n"
            f"<!-- {marker}:end -->\nafter\n")


def check_between_markers(case, text, readme):
    """The report replaced the old table and left the README outside the markers as it was."""
    head, tail = readme.split(OLD_TABLE + "\n")
    check(text.startswith(head) and text.endswith(tail) and OLD_TABLE not in text,
          f"{case}: the README outside the markers changed, or the old table stayed")


def markdown_rows(text, start):
    """The cells, stripped, of the markdown table rows that begin with `start`."""
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith(start)]


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


def main_from_command_line(main, program):
    """Exits with main(REPORT_PROGRAM, WORK_DIR)'s status, or the usage for other arguments."""
    if len(sys.argv) != 3:
        sys.exit(f"usage: {program} REPORT_PROGRAM WORK_DIR")
    sys.exit(main(sys.argv[1], sys.argv[2]))


def finish(target, success):
    """Prints the failures (exit status 1) or the success line (0)."""
    for f in failures:
        print(f"{target}: FAILED: {f}", file=sys.stderr)
    if failures:
        return 1
    print(f"{target}: {success}")
    return 0
