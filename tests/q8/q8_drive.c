/*
 * make check-q8-ref's generated side: one generated model's net_q8_infer over a file of int8 input
 * samples (NET_INPUTS bytes each), its outputs (NET_OUTPUTS bytes each) into OUT.bin, the
 * header's NET_Q8_* constants as text into OUT.txt, and net_qinfer over a file of float samples
 * (NET_INPUTS net_reals each) into OUT_F.bin (see tests/q8/q8_check.c). Built once per model and
 * compiler flag set with -DQ8_NAME=name -DQ8_UNAME=NAME -I<gen>/<name>, with <name>_q8.c and
 * <name>_qinfer.c.
 */
#include <stdint.h>
#include <stdio.h>

#define Q8_STR_(x) #x
#define Q8_STR(x) Q8_STR_(x)
#define Q8_CAT_(a, b) a##b
#define Q8_CAT(a, b) Q8_CAT_(a, b)
#define Q8(symbol) Q8_CAT(Q8_NAME, Q8_CAT(_, symbol))
#define Q8U(symbol) Q8_CAT(Q8_UNAME, Q8_CAT(_, symbol))

#include Q8_STR(Q8_NAME.h)

int main(int argc, char **argv)
{
    static int8_t x[Q8U(INPUTS)], y[Q8U(OUTPUTS)];
    static Q8(real) xf[Q8U(INPUTS)], yf[Q8U(OUTPUTS)];
    if (argc != 6) {
        fprintf(stderr, "usage: q8_drive INPUTS.bin OUT.bin OUT.txt INPUTS_F.bin OUT_F.bin\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb"), *text = fopen(argv[3], "w");
    if (!in || !out || !text) {
        fprintf(stderr, "q8_drive: cannot open the files\n");
        return 2;
    }
    while (fread(x, 1, sizeof x, in) == sizeof x) {
        Q8(q8_infer)(x, y);
        if (fwrite(y, 1, sizeof y, out) != sizeof y)
            return 2;
    }
    fprintf(text, "%.17g %d %.17g %d %lu %lu\n", (double)Q8U(Q8_INPUT_SCALE), (int)Q8U(Q8_INPUT_ZERO_POINT),
            (double)Q8U(Q8_OUTPUT_SCALE), (int)Q8U(Q8_OUTPUT_ZERO_POINT),
            (unsigned long)Q8U(Q8_WEIGHTS_BYTES), (unsigned long)Q8U(Q8_INFER_BYTES));
    fclose(in);
    if (fclose(out) != 0 || fclose(text) != 0)
        return 2;
    FILE *in_f = fopen(argv[4], "rb"), *out_f = fopen(argv[5], "wb");
    if (!in_f || !out_f) {
        fprintf(stderr, "q8_drive: cannot open the float files\n");
        return 2;
    }
    while (fread(xf, sizeof xf[0], Q8U(INPUTS), in_f) == Q8U(INPUTS)) {
        Q8(qinfer)(xf, yf);
        if (fwrite(yf, sizeof yf[0], Q8U(OUTPUTS), out_f) != Q8U(OUTPUTS))
            return 2;
    }
    fclose(in_f);
    return fclose(out_f) == 0 ? 0 : 2;
}
