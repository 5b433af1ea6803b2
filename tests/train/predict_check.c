/*
 * predict_check.c: inference as a user does it after `make train`, from the saved files only:
 * <name>.bin through <name>_load, <name>.scale through scaler_load, one sample at a time through
 * <name>_predict. A model of a spec with `standardize = true` takes the raw features and gives
 * targets in their own units, so then the .scale file is not applied at all. Prints the validation accuracy (or RMSE) so tests/train/check.sh can compare it
 * with what the driver reported during training.
 *
 *     cc -DTM_NAME=iris -DTM_UNAME=IRIS -DTM_LOSS=TM_LOSS_CE -I OUT/iris -I runtime/hosted \
 *        tests/train/predict_check.c runtime/hosted/\*.c OUT/iris/\*.c -lm
 *     predict_check DIR DATA [TARGETS]      (the driver's defaults: 20% held out, seed 1)
 */
#include <stdio.h>
#include <stdlib.h>

#include "dataset.h"
#include "metrics.h"
#include "scaler.h"
#include "split.h"

#include "model_prefix.h"

#include TM_STR(TM_NAME.h)

static TM(params) params;

static void die(const char *message)
{
    fprintf(stderr, "predict_check: %s\n", message);
    exit(1);
}

int main(int argc, char **argv)
{
    char bin[1024], scale_path[1024];
    errbuf e;
    dataset d;
    split s;
    scaler features, targets;
    metrics m;
    task t = {TMU(OUTPUTS) == 1 ? TASK_BINARY : TASK_ONE_HOT, TMU(INPUTS), TMU(OUTPUTS)};
#if TM_LOSS == TM_LOSS_MSE
    t.kind = TASK_REGRESSION;
#endif
    if (argc < 3) {
        die("usage: predict_check DIR DATA [TARGETS]");
    }
    snprintf(bin, sizeof bin, "%s/%s.bin", argv[1], TM_STR(TM_NAME));
    snprintf(scale_path, sizeof scale_path, "%s/%s.scale", argv[1], TM_STR(TM_NAME));
    if (TM(load)(&params, bin) != 0) {
        die("cannot load the weights");
    }
    if (scaler_load(scale_path, &features, &targets, &e) != 0 ||
        dataset_load(&d, &t, argv[2], argc > 3 ? argv[3] : NULL, &e) != 0 ||
        split_make(&s, d.count, SPLIT_DEFAULT_PERCENT, 1, &e) != 0) {
        die(e.text);
    }
    if (features.count != TMU(INPUTS) || targets.count != (t.kind == TASK_REGRESSION ? TMU(OUTPUTS) : 0)) {
        die("the scale file does not fit the network");
    }
    metrics_init(&m, t.kind, TMU(OUTPUTS), NULL);
    for (size_t k = 0; k < s.n_val; ++k) {
        size_t row = s.val[k];
        double x[TMU(INPUTS)], a[TMU(OUTPUTS)];
        TM(real) xr[TMU(INPUTS)], yr[TMU(OUTPUTS)];
        for (size_t i = 0; i < TMU(INPUTS); ++i) {
            x[i] = d.x[row * TMU(INPUTS) + i];
        }
#if !TMU(STANDARDIZE)
        scaler_apply(&features, x, 1);
#endif
        for (size_t i = 0; i < TMU(INPUTS); ++i) {
            xr[i] = (TM(real))x[i];
        }
        TM(predict)(&params, xr, yr);
        for (size_t i = 0; i < TMU(OUTPUTS); ++i) {
            a[i] = (double)yr[i];
        }
#if !TMU(STANDARDIZE)
        if (t.kind == TASK_REGRESSION) {
            scaler_undo(&targets, a); /* back to the target's own units */
        }
#endif
        metrics_add(&m, a, &d.y[row * TMU(OUTPUTS)], d.label ? d.label[row] : 0);
    }
    if (t.kind == TASK_REGRESSION) {
        printf("val_rmse=%.9g\n", metrics_rmse(&m));
    } else {
        printf("val_accuracy=%.9g\n", metrics_accuracy(&m));
    }
    scaler_free(&features);
    scaler_free(&targets);
    split_free(&s);
    dataset_free(&d);
    return 0;
}
