"""make check-bench: the dense benchmark's report (tests/bench/report.c) on made-up results, so
that its gate, its choice of the best peer among all of them and its arithmetic are known to
work before anyone reads its numbers.

    python3 tests/bench/check_report.py REPORT_PROGRAM WORK_DIR

Each case writes a results file, the data files the report reads (params0.f32, after.*.f64,
net.txt) and a README, runs the report and checks what it printed and wrote. Stdlib only.
"""
import os
import random

from report_checks import (check, check_between_markers, check_no_markers, finish, jitter,
                           main_from_command_line, markdown_rows, new_case, peer_lines,
                           readme_with_markers, run, write, write_case)

PARAMS = {"xor": 17, "seed3": 1089, "mlp": 109386, "reg": 4801}  # nets.h's parameter counts
README = readme_with_markers("bench", "before")
TITLES = {
    "gradc-O3": "gradc -O3 -march=native", "gradc-O2": "gradc -O2",
    "ref": "tests/ref engine (double)", "eigen-fixed": "Eigen 3.4 fixed-size",
    "eigen-dynamic": "Eigen 3.4 dynamic", "openblas": "OpenBLAS sgemm (default core)",
    "openblas-skx": "OpenBLAS sgemm, CORETYPE=SkylakeX", "libxsmm": "LIBXSMM JIT kernels",
    "dnnl": "oneDNN inner_product", "xnnpack": "XNNPACK (inference only)",
    "torch": "PyTorch eager",
}
PEERS = ["eigen-fixed", "eigen-dynamic", "openblas", "openblas-skx", "libxsmm", "dnnl",
         "xnnpack", "torch"]
# Every peer's times are slow (5000 ns forward, 9000 train) but one winner per net and step, so
# that every kind of peer is the best somewhere; gradc -O3 is 1000 / 900 forward (better: 900)
# and 3000 / 3100 train (better: 3000).
WINNERS = {  # net: (forward winner, its better-pass ns), (train winner, its ns)
    "xor": (("xnnpack", 810), ("libxsmm", 2000)),
    "seed3": (("libxsmm", 900), ("dnnl", 2400)),
    "mlp": (("dnnl", 1800), ("torch", 6000)),
    "reg": (("eigen-fixed", 1350), ("openblas-skx", 1500)),
}


def times(net, label):
    """(forward ns per pass, train ns per pass or None)."""
    if label == "gradc-O3":
        return (1000, 900), (3000, 3100)
    if label == "gradc-O2":
        return (1800, 1800), (6000, 6000)
    if label == "ref":
        return (90000, 90000), (200000, 200000)
    (fw, fns), (tw, tns) = WINNERS[net]
    forward = (fns + 100, fns) if label == fw else (5000, 5000)
    if label == "xnnpack":
        return forward, None
    return forward, (tns, tns + 100) if label == tw else (9000, 9000)


def make_case(work, name, labels, edit=None):
    """Every implementation agrees with the reference to rounding-sized noise unless
    edit(net, label, after, J) changes its parameters or returns another J."""
    case, data = new_case(work, name, PARAMS, 900, 3000)
    rng = random.Random(11)
    lines = ["machine cpu: made-up CPU, flags: avx2 avx512f", "note made-up note",
             "peak 1 100.0 made-up FMA", "peak 2 90.0 made-up FMA"]
    for net, count in PARAMS.items():
        p0 = [rng.uniform(-1, 1) for _ in range(count)]
        write(os.path.join(data, net, "params0.f32"), "f", p0)
        after = [v - 0.01 * rng.uniform(-1, 1) for v in p0]
        for label in labels:
            a = jitter(rng, after, 1e-6)
            J = 0.75
            if edit:
                J = edit(net, label, a, J)
            check_line, results = peer_lines(data, net, label, a, J, times(net, label), ".9e",
                                             ("10 10 41 41", "10 - 41 -"))
            lines.append(f"info {label} {label} version 1, 1 thread")
            lines.append(f"info {label} {net}: the kernels it chose")
            lines.append(check_line)
            lines.extend(results)
    results, readme = write_case(case, lines, README)
    return case, results, data, readme


def rows(text, first):
    """The markdown rows whose first cell is `first`, cells stripped."""
    return markdown_rows(text, f"| {first} |")


def speedups(text, net):
    """The speedup table's row of net: forward -O3, forward -O2, train -O3, train -O2."""
    found = [r[1:] for r in rows(text, net) if len(r) == 5]
    return found[0] if found else None


def peer_columns(text):
    """The per-peer table: {(net, step): {peer title: cell}, plus "best peer"}."""
    header = next((line for line in text.splitlines() if line.startswith("| net | |")), None)
    if not header:
        return {}
    names = [c.strip() for c in header.strip().strip("|").split("|")]
    table = {}
    for net in PARAMS:
        for r in rows(text, net):
            if len(r) == len(names) and r[1] in ("forward", "train step"):
                table[(net, r[1])] = dict(zip(names[2:], r[2:]))
    return table


def main(report, work):
    everyone = list(TITLES)
    # 1. Everyone agrees: no mismatch, the README between the markers only; the best peer per
    #    net and step is the winner above, from all eight peer columns, on the better pass.
    out, text = run(report, *make_case(work, "agree", everyone))
    check("MISMATCH" not in out, "agree: a mismatch was reported")
    check_between_markers("agree", text, README)
    expected = {
        "xor": ["0.90x (vs XNNPACK (inference only))", "0.45x (vs XNNPACK (inference only))",
                "0.67x (vs LIBXSMM JIT kernels)", "0.33x (vs LIBXSMM JIT kernels)"],
        "seed3": ["1.00x (vs LIBXSMM JIT kernels)", "0.50x (vs LIBXSMM JIT kernels)",
                  "0.80x (vs oneDNN inner_product)", "0.40x (vs oneDNN inner_product)"],
        "mlp": ["2.00x (vs oneDNN inner_product)", "1.00x (vs oneDNN inner_product)",
                "2.00x (vs PyTorch eager)", "1.00x (vs PyTorch eager)"],
        "reg": ["1.50x (vs Eigen 3.4 fixed-size)", "0.75x (vs Eigen 3.4 fixed-size)",
                "0.50x (vs OpenBLAS sgemm, CORETYPE=SkylakeX)",
                "0.25x (vs OpenBLAS sgemm, CORETYPE=SkylakeX)"],
    }
    for net, want in expected.items():
        got = speedups(text, net)
        check(got == want, f"agree: {net} speedups {got}, expected {want}")
    columns = peer_columns(text)
    check(sorted(set().union(*[set(c) for c in columns.values()]) if columns else []) ==
          sorted([TITLES[p] for p in PEERS] + ["best peer"]),
          f"agree: the per-peer table's columns are {columns and list(columns.values())[0]}")
    xor_f, xor_t = columns.get(("xor", "forward"), {}), columns.get(("xor", "train step"), {})
    check(xor_f.get(TITLES["xnnpack"]) == "0.90x" and xor_f.get(TITLES["libxsmm"]) == "5.56x" and
          xor_f.get("best peer") == TITLES["xnnpack"], f"agree: xor forward columns {xor_f}")
    check(xor_t.get(TITLES["xnnpack"]) == "n/a" and xor_t.get(TITLES["dnnl"]) == "3.00x" and
          xor_t.get("best peer") == TITLES["libxsmm"], f"agree: xor train columns {xor_t}")
    xnn = [r for r in rows(text, "xor") if len(r) == 8 and r[1] == TITLES["xnnpack"]]
    check(xnn and xnn[0][2:] == ["910 / 810", "1.11", "1.1%", "- / -", "-", "-"],
          f"agree: the XNNPACK row {xnn[:1]} (better pass 810 ns: 1.11 GFLOP/s of a 100 peak)")
    check("- cpu: made-up CPU, flags: avx2 avx512f\n" in text and "**made-up note**" in text,
          "agree: the machine line or the note is not in the README")
    for label in PEERS:
        check(f"- {TITLES[label]}: {label} version 1, 1 thread\n" in text and
              f"info {label} mlp: the kernels it chose" in out,
              f"agree: {label}'s first info line should be in the README, all in the report")
    check("the kernels it chose" not in text, "agree: the kernel lines went into the README")

    # 2. The fastest peer of a net fails the gate (J off by 2e-4): it is marked and the next
    #    best is chosen; the README says the gate failed.
    def bad_J(net, label, a, J):
        return J * (1 + 2e-4) if net == "seed3" and label == "libxsmm" else J

    out, text = run(report, *make_case(work, "bad-J", everyone, bad_J))
    check("MISMATCH seed3  LIBXSMM JIT kernels" in out, "bad-J: LIBXSMM's J passed the gate")
    check(out.count("MISMATCH ") == 1, f"bad-J: {out.count('MISMATCH ')} mismatches, not 1")
    check(speedups(text, "seed3") and speedups(text, "seed3")[0] ==
          "5.56x (vs Eigen 3.4 fixed-size)",
          f"bad-J: seed3 forward {speedups(text, 'seed3')}: a failed peer was counted")
    check(peer_columns(text).get(("seed3", "forward"), {}).get(TITLES["libxsmm"]) ==
          "1.00x MISMATCH", "bad-J: the per-peer table does not mark the failed peer")
    check("LIBXSMM JIT kernels (MISMATCH)" in text and "**Some implementations FAILED" in text,
          "bad-J: the README does not mark the row or say the gate failed")

    # 3. The inference-only peer is gated on J; one parameter of oneDNN off by 1% of its
    #    tensor's scale fails it.
    def bad_inference(net, label, a, J):
        if net == "mlp" and label == "dnnl":
            a[7] += 0.01 * max(abs(v) for v in a[:100352])
        return J * (1 - 2e-4) if net == "xor" and label == "xnnpack" else J

    out, text = run(report, *make_case(work, "bad-inference", everyone, bad_inference))
    check("MISMATCH xor    XNNPACK (inference only)" in out, "bad-inference: XNNPACK's J passed")
    check("MISMATCH mlp    oneDNN inner_product" in out, "bad-inference: oneDNN's step passed")
    check(out.count("MISMATCH ") == 2, f"bad-inference: {out.count('MISMATCH ')} mismatches")
    check(speedups(text, "xor") and speedups(text, "xor")[0] ==
          "5.56x (vs Eigen 3.4 fixed-size)", f"bad-inference: xor {speedups(text, 'xor')}")

    # 4. Peers that never ran: n/a columns, no mismatch, the best of the others.
    partial = [label for label in everyone if label not in ("libxsmm", "dnnl", "xnnpack")]
    out, text = run(report, *make_case(work, "missing", partial))
    check("MISMATCH" not in out, "missing: a mismatch was reported")
    check(speedups(text, "xor") and speedups(text, "xor")[0] == "5.56x (vs Eigen 3.4 fixed-size)",
          f"missing: xor {speedups(text, 'xor')}")
    check(peer_columns(text).get(("xor", "forward"), {}).get(TITLES["dnnl"]) == "n/a",
          "missing: oneDNN's column is not n/a")

    # 5. A README without the markers is left exactly as it was.
    check_no_markers(report, *make_case(work, "no-markers", everyone))
    return finish("check-bench", "the dense report's gate, best peer, ratios and README update "
                  "work (5 cases)")


if __name__ == "__main__":
    main_from_command_line(main, "check_report.py")
