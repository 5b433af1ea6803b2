"""The files of make train's driver that the scripts comparing against it read.

Shared by tests/train/compare_torch.py and tests/q8/table.py: a data table (runtime/hosted/csv.h's
format), the driver's split.csv (which rows it held out) and its <name>.scale (the standardization
fitted on the training split, runtime/hosted/scaler.h), and the rows standardized as the driver
standardized them.
"""
import os

import numpy as np


class Malformed(Exception):
    """A driver file is not what the driver writes."""


def read_table(path):
    """The numeric rows of a data file (comma or blank separated, an optional header line)."""
    rows = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            fields = line.split(",") if "," in line else line.split()
            try:
                rows.append([float(x) for x in fields])
            except ValueError as error:
                if rows:
                    raise Malformed(f"{path}: a row that is not numbers after the header") from error
    return np.array(rows, dtype=np.float64)


def read_scale(path):
    """(features, targets): one (mean, scale) row per network input and per regression target."""
    features, targets = [], []
    with open(path) as f:
        if f.readline().strip() != "gradc-scale 1":
            raise Malformed(f"{path}: not a scale file (no 'gradc-scale 1' line first)")
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            kind, _, mean, scale = line.split()
            (features if kind == "feature" else targets).append((float(mean), float(scale)))
    return np.array(features), np.array(targets)


def read_split(path, count):
    """(train, val): the row indices split.csv puts in each, ascending; every row named once."""
    kinds = {}
    with open(path) as f:
        next(f)
        for line in f:
            row, kind = line.strip().split(",")
            kinds[int(row)] = kind
    if sorted(kinds) != list(range(count)):
        raise Malformed(f"{path}: does not name each of the {count} rows once")
    train = [i for i in range(count) if kinds[i] == "train"]
    val = [i for i in range(count) if kinds[i] == "val"]
    return train, val


def driver_rows(data_path, targets_path, model_dir, name, standardize=True):
    """The data as the driver trained on it: x standardized with model_dir/<name>.scale (raw when
    `standardize` is false: a spec with standardize = true standardizes inside the network), y as
    in the files (the targets file's, or the columns after the inputs), the (train, val) split of
    model_dir/split.csv, and the scale file's (features, targets)."""
    table = read_table(data_path)
    features, targets = read_scale(os.path.join(model_dir, name + ".scale"))
    n_in = len(features)
    if targets_path:
        x, y = table, read_table(targets_path)
    else:
        x, y = table[:, :n_in], table[:, n_in:]
    train, val = read_split(os.path.join(model_dir, "split.csv"), len(x))
    # The scale file must be the training split's statistics, or the rows are not the driver's.
    if not np.allclose(x[train].mean(axis=0), features[:, 0], rtol=1e-9, atol=1e-12):
        raise Malformed(f"{name}: the driver's standardization is not the training split's")
    if standardize:
        x = (x - features[:, 0]) / features[:, 1]
    return x, y, (train, val), (features, targets)
