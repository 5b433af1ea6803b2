"""tests/train/check_report.py: make train's report.txt against numpy over the predictions.

    python3 check_report.py DIR DATA [TARGETS] [--val-loss-epoch N]

Reads DIR/predictions.csv for the network's outputs per validation row and takes each row's true
class or target from the data itself (DATA's last column; a regression's TARGETS file, which this
script needs for one), not from the
driver's own columns; recomputes the confusion matrix, per-class precision, recall and support
(classification: argmax of the outputs, or output >= 0.5 for one sigmoid) or RMSE and MAE
(regression) with numpy, and compares them with DIR/report.txt. With --val-loss-epoch N it also
recomputes the validation loss (cross-entropy of softmax outputs) and compares it with loss.csv's
row for epoch N: the report's weights are that epoch's. Exit status 1 with a message on any
difference.
"""
import csv
import sys

import numpy as np


def fail(message):
    print("check_report: FAILED: " + message, file=sys.stderr)
    sys.exit(1)


def read_rows(path):
    """Numeric rows of a CSV or blank-separated file, a header line skipped."""
    rows = []
    with open(path) as f:
        for line in f:
            fields = line.replace(",", " ").split()
            try:
                rows.append([float(x) for x in fields])
            except ValueError:
                continue  # a header
    return rows


def close(a, b, what, tol=1e-5):
    if not abs(a - b) <= tol * max(1.0, abs(b)):
        fail("%s: %r, expected %r" % (what, a, b))


def main():
    args = sys.argv[1:]
    epoch = None
    if "--val-loss-epoch" in args:
        i = args.index("--val-loss-epoch")
        epoch = int(args[i + 1])
        del args[i:i + 2]
    out, data = args[0], args[1]
    targets = args[2] if len(args) > 2 else None
    with open(out + "/predictions.csv") as f:
        table = list(csv.DictReader(f))
    rows = np.array([int(r["row"]) for r in table])
    report = open(out + "/report.txt").read().split("\n")
    data_rows = read_rows(data)
    if targets:
        truth = np.array([read_rows(targets)[r] for r in rows])
        prediction = np.array([[float(r[k]) for k in sorted(r, key=lambda k: (len(k), k)) if k.startswith("prediction")]
                               for r in table])
        error = prediction - truth
        rmse, mae = np.sqrt(np.mean(error ** 2)), np.mean(np.abs(error))
        values = dict(line.split() for line in report[1:] if line)
        close(float(values["rmse"]), rmse, "rmse")
        close(float(values["mae"]), mae, "mae")
        print("check_report: %s: rmse %.6g, mae %.6g over %d rows agree with numpy" % (out, rmse, mae, len(rows)))
        return
    labels = np.array([int(data_rows[r][-1]) for r in rows])
    outputs = np.array([[float(r[k]) for k in sorted(r, key=lambda k: (len(k), k)) if k.startswith("output")]
                        for r in table])
    if outputs.shape[1] == 1:
        classes, predicted = 2, (outputs[:, 0] >= 0.5).astype(int)
    else:
        classes, predicted = outputs.shape[1], np.argmax(outputs, axis=1)
    matrix = np.zeros((classes, classes), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    start = report.index("confusion matrix (rows: true class, columns: predicted class)") + 1
    got = np.array([[int(x) for x in report[start + t].split(":")[1].split()] for t in range(classes)])
    if not np.array_equal(got, matrix):
        fail("confusion matrix: report says\n%s\nnumpy gives\n%s" % (got, matrix))
    close(float(report[1].split()[1]), np.mean(labels == predicted), "accuracy")
    for t in range(classes):
        fields = report[start + classes + 1 + t].split()
        predicted_t, support = matrix[:, t].sum(), matrix[t, :].sum()
        for text, count, what in ((fields[1], predicted_t, "precision"), (fields[2], support, "recall")):
            if count == 0:
                if text != "-":
                    fail("class %d %s: report says %s, numpy: undefined" % (t, what, text))
            else:
                close(float(text), matrix[t, t] / count, "class %d %s" % (t, what))
        if int(fields[3]) != support:
            fail("class %d support: report says %s, numpy gives %d" % (t, fields[3], support))
    message = "confusion matrix, accuracy and per-class precision, recall, support over %d rows" % len(rows)
    if epoch is not None:
        loss = -np.mean(np.log(outputs[np.arange(len(rows)), labels]))
        with open(out + "/loss.csv") as f:
            logged = {int(r["epoch"]): float(r["val_loss"]) for r in csv.DictReader(f)}
        close(loss, logged[epoch], "the validation loss by numpy, against loss.csv's epoch %d" % epoch, tol=1e-4)
        message += "; the validation loss %.6g is loss.csv's epoch %d" % (loss, epoch)
    print("check_report: %s: %s agree with numpy" % (out, message))


if __name__ == "__main__":
    main()
