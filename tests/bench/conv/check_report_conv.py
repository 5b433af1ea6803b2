"""make check-bench-conv: the conv benchmark's report on made-up results, so that its gate and
its arithmetic are known to work before anyone reads its numbers.

    python3 tests/bench/conv/check_report_conv.py REPORT_PROGRAM WORK_DIR

Each case writes a results file, the data files the report reads (out.*.f32, after.*.f64,
net.txt) and a README, runs the report and checks what it printed and wrote. Stdlib only.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from report_checks import (check, check_between_markers, check_no_markers,  # noqa: E402
                           finish, jitter, main_from_command_line, markdown_rows, new_case,
                           peer_lines, readme_with_markers, run, write, write_case)

NETS = {"cnn8": (32, 10, 1418), "kws": (16, 12, 33228)}  # batch, classes, parameters
README = readme_with_markers("bench-conv", "text before")


def make_case(work, name, peers, edit=None):
    """peers: label -> (forward_ns per pass, train_ns per pass or None); every implementation
    agrees with gradc-O3 (to rounding-sized noise) unless edit(net, label, out, after, J) changes
    its arrays or returns a different J."""
    case, data = new_case(work, name, NETS, 1000000, 3000000)
    rng = random.Random(7)
    lines = ["machine cpu: made up", "note made-up note"]
    for net, (m, classes, count) in NETS.items():
        out = [rng.random() for _ in range(m * classes)]
        after = [rng.uniform(-1, 1) for _ in range(count)]
        for label, times in peers.items():
            o = jitter(rng, out, 1e-7)
            a = jitter(rng, after, 1e-6)
            J = 2.5
            if edit:
                J = edit(net, label, o, a, J)
            write(os.path.join(data, net, f"out.{label}.f32"), "f", o)
            check_line, results = peer_lines(data, net, label, a, J, times, ".9g",
                                             ("10 10", "10 -"))
            lines.append(check_line)
            lines.append(f"info {label} {label} version 1")
            lines.append(f"info {label} {net}: the kernel it chose")
            lines.extend(results)
    results, readme = write_case(case, lines, README)
    return case, results, data, readme


def table_row(text, title):
    """The markdown rows of one implementation (one per net), cells stripped."""
    return markdown_rows(text, f"| {title}")


ALL = {
    "gradc-O3": ((1000, 900), (3000, 3100)),
    "gradc-O2": ((1200, 1200), (3600, 3600)),
    "torch": ((2000, 1800), (6200, 6000)),
    "dnnl": ((1500, 1500), (9000, 9000)),
    "xnnpack": ((450, 500), None),
}


def main(report, work):
    # 1. Everyone agrees: no mismatch, the README between the markers only, the better pass,
    #    speedup = peer / gradc.
    out, text = run(report, *make_case(work, "agree", ALL))
    check("MISMATCH" not in out, "agree: a mismatch was reported")
    check_between_markers("agree", text, README)
    check("parameters after one step within 1e-03 relative: passed" in text,
          "agree: the README does not say the gate passed")
    torch = table_row(text, "PyTorch eager")
    check(len(torch) == 2, f"agree: expected a PyTorch row per net, got {torch}")
    # forward 1800 (better pass) / gradc-O3 900 = 2.00x, / gradc-O2 1200 = 1.50x;
    # train 6000 / 3000 = 2.00x, / 3600 = 1.67x.
    check(torch and torch[0][1:] == ["2000 / 1800", "6200 / 6000", "2.00x", "1.50x", "2.00x",
                                     "1.67x"], f"agree: PyTorch row {torch[:1]}")
    xnn = table_row(text, "XNNPACK (inference only)")
    check(xnn and xnn[0][1:] == ["450 / 500", "(inference only)", "0.50x", "0.38x", "n/a",
                                 "n/a"], f"agree: XNNPACK row {xnn[:1]}")
    check("**made-up note**" in text, "agree: the note is not in the README")
    check("- oneDNN: dnnl version 1\n" in text and "the kernel it chose" not in text and
          "info dnnl kws: the kernel it chose" in out,
          "agree: the README should list a peer's first info line only, the report all")

    # 2. One peer's output off by 1e-4 in one probability: it, and only it, is marked.
    def bad_output(net, label, o, a, J):
        if net == "cnn8" and label == "dnnl":
            o[5] += 1e-4
        return J

    out, text = run(report, *make_case(work, "bad-output", ALL, bad_output))
    check("MISMATCH cnn8  oneDNN" in out, "bad-output: oneDNN's output passed the gate")
    check("oneDNN (MISMATCH)" in text and "PyTorch eager (MISMATCH)" not in text and
          "gradc -O2 (MISMATCH)" not in text, "bad-output: the wrong rows are marked")
    check("**FAILED" in text, "bad-output: the README does not say the gate failed")

    # 3. One parameter after the step off by 1% (relative to its tensor's scale), and J off.
    def bad_after(net, label, o, a, J):
        if net == "kws" and label == "torch":
            a[100] += 0.01 * max(abs(v) for v in a[:7680])
        if net == "cnn8" and label == "gradc-O2":
            return J * (1 + 1e-4)
        return J

    out, text = run(report, *make_case(work, "bad-after", ALL, bad_after))
    check("MISMATCH kws   PyTorch eager" in out, "bad-after: PyTorch's parameters passed")
    check("MISMATCH cnn8  gradc -O2" in out, "bad-after: gradc -O2's J passed")
    # kws: PyTorch against gradc -O3, -O2 and oneDNN (XNNPACK has no parameters); cnn8: gradc
    # -O2's J against each of the other four.
    check(out.count("MISMATCH ") == 7, f"bad-after: {out.count('MISMATCH ')} mismatches, not 7")

    # 4. A peer that never ran (its program missing): an empty row, n/a ratios, no mismatch.
    partial = {k: v for k, v in ALL.items() if k != "dnnl"}
    out, text = run(report, *make_case(work, "missing", partial))
    check("MISMATCH" not in out, "missing: a mismatch was reported")
    dnnl = table_row(text, "oneDNN")
    check(dnnl and dnnl[0][1:] == ["- / -", "- / -", "n/a", "n/a", "n/a", "n/a"],
          f"missing: oneDNN row {dnnl[:1]}")

    # 5. A README without the markers is left exactly as it was.
    check_no_markers(report, *make_case(work, "no-markers", ALL))
    return finish("check-bench-conv", "the conv report's gate, ratios and README update work "
                  "(5 cases)")


if __name__ == "__main__":
    main_from_command_line(main, "check_report_conv.py")
