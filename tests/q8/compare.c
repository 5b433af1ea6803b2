/*
 * compare.c: one generated model's int8 inference (NET_qinfer) against its float inference
 * (NET_infer, the const-weights build) on the rows of a CSV file (features first; with
 * --labels, the column after the features is the class). Built once per model with
 * -DNET=name -DNET_UPPER=NAME -include name.h. Prints one line:
 *   rows R float_accuracy F int8_accuracy Q max_diff_steps D max_diff D'
 * (accuracies only with --labels; D = the largest |y_int8 - y_float| over every output of every
 * row, in output quantization steps NET_Q8_OUTPUT_SCALE). With --dump FILE, also writes each row's
 * float outputs then its int8 outputs to FILE, one row a line (for error_bound.py). Exits 2 on
 * unreadable input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASTE(a, b) a##b
#define NAME(a, b) PASTE(a, b)
#define N_INPUTS NAME(NET_UPPER, _INPUTS)
#define N_OUTPUTS NAME(NET_UPPER, _OUTPUTS)
#define OUT_SCALE NAME(NET_UPPER, _Q8_OUTPUT_SCALE)
typedef NAME(NET, _real) real;

static int argmax(const real *y)
{
    int best = 0;
    for (int i = 1; i < N_OUTPUTS; ++i)
        if (y[i] > y[best])
            best = i;
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: compare FILE.csv [--labels] [--dump FILE]\n");
        return 2;
    }
    int labels = 0;
    FILE *dump = NULL;
    for (int a = 2; a < argc; ++a) {
        if (strcmp(argv[a], "--labels") == 0) {
            labels = 1;
        } else if (strcmp(argv[a], "--dump") == 0 && a + 1 < argc) {
            dump = fopen(argv[++a], "w");
            if (!dump) {
                perror(argv[a]);
                return 2;
            }
        } else {
            fprintf(stderr, "compare: unknown argument %s\n", argv[a]);
            return 2;
        }
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char line[1 << 16];
    long rows = 0, float_right = 0, int8_right = 0;
    double max_diff = 0.0;
    while (fgets(line, sizeof line, f)) {
        real x[N_INPUTS], y_float[N_OUTPUTS], y_int8[N_OUTPUTS];
        char *at = line;
        int label = -1;
        for (int i = 0; i < N_INPUTS + labels; ++i) {
            char *end;
            const double v = strtod(at, &end);
            if (end == at) {
                fprintf(stderr, "%s: row %ld: field %d is not a number\n", argv[1], rows + 1, i + 1);
                return 2;
            }
            if (i < N_INPUTS)
                x[i] = (real)v;
            else
                label = (int)v;
            at = end;
            while (*at == ',' || *at == ' ')
                ++at;
        }
        NAME(NET, _infer)(x, y_float);
        NAME(NET, _qinfer)(x, y_int8);
        for (int i = 0; i < N_OUTPUTS; ++i) {
            const double d = fabs((double)y_int8[i] - (double)y_float[i]);
            if (d > max_diff)
                max_diff = d;
        }
        if (dump) {
            for (int i = 0; i < N_OUTPUTS; ++i)
                fprintf(dump, "%.9g ", (double)y_float[i]);
            for (int i = 0; i < N_OUTPUTS; ++i)
                fprintf(dump, i + 1 < N_OUTPUTS ? "%.9g " : "%.9g\n", (double)y_int8[i]);
        }
        if (labels) {
            float_right += argmax(y_float) == label;
            int8_right += argmax(y_int8) == label;
        }
        ++rows;
    }
    fclose(f);
    if (dump && fclose(dump) != 0) {
        perror("compare: --dump");
        return 2;
    }
    printf("rows %ld", rows);
    if (labels)
        printf(" float_accuracy %.4f int8_accuracy %.4f", 100.0 * (double)float_right / (double)rows,
               100.0 * (double)int8_right / (double)rows);
    printf(" max_diff_steps %.3f max_diff %.6g\n", max_diff / OUT_SCALE, max_diff);
    return 0;
}
