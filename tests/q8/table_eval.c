/*
 * table_eval.c: the host evaluator of make q8-table. Reads rows of NET_INPUTS numbers (comma
 * separated, the model's input units) from the file argv[1] and prints, one row a line, the float
 * const-weights build's outputs (NET_infer) then the int8 build's (NET_qinfer), %.9g each;
 * tests/q8/table.py turns them into accuracy or RMSE. Built once per model with -DNET=name
 * -DNET_UPPER=NAME -include name.h. Exits 2 on unreadable input.
 */
#include <stdio.h>
#include <stdlib.h>

#define PASTE(a, b) a##b
#define NAME(a, b) PASTE(a, b)
#define N_INPUTS NAME(NET_UPPER, _INPUTS)
#define N_OUTPUTS NAME(NET_UPPER, _OUTPUTS)
typedef NAME(NET, _real) real;

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: table_eval ROWS.csv\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char line[1 << 16];
    long rows = 0;
    while (fgets(line, sizeof line, f)) {
        real x[N_INPUTS], y_float[N_OUTPUTS], y_int8[N_OUTPUTS];
        char *at = line;
        ++rows;
        for (int i = 0; i < N_INPUTS; ++i) {
            char *end;
            const double v = strtod(at, &end);
            if (end == at) {
                fprintf(stderr, "%s:%ld: field %d is not a number\n", argv[1], rows, i + 1);
                return 2;
            }
            x[i] = (real)v;
            at = end;
            while (*at == ',' || *at == ' ')
                ++at;
        }
        NAME(NET, _infer)(x, y_float);
        NAME(NET, _qinfer)(x, y_int8);
        for (int i = 0; i < N_OUTPUTS; ++i)
            printf("%.9g ", (double)y_float[i]);
        for (int i = 0; i < N_OUTPUTS; ++i)
            printf(i + 1 < N_OUTPUTS ? "%.9g " : "%.9g\n", (double)y_int8[i]);
    }
    fclose(f);
    return 0;
}
