/*
 * compare EXPECTED ACTUAL F32_TOL F64_TOL: the host's and the target's output of one cross-test
 * program, line by line. Result lines are `label index f32|f64|i8 HEX`; `#` lines (measurements)
 * are skipped. Both files must hold the same results in the same order; reals may differ by at
 * most TOL * max(1, |expected|, |actual|) (relative, absolute below 1), int8 results (integer
 * arithmetic, the same on every machine) not at all. Prints one summary line:
 * how many results, how many bit-identical, the largest difference and the most ulps apart; on a
 * mismatch, the label, index, both values and the difference. Exit 0 if everything agrees.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char label[64];
    unsigned long index;
    int bytes; /* 4 or 8 (a real), 1 (an int8) */
    uint64_t bits;
    double value;
} result;

/* Next result line of f into *r; 0 at the end of the file, -1 on a malformed line. */
static int next_result(FILE *f, result *r, const char *path, long *line)
{
    char text[256], type[8];
    while (fgets(text, sizeof text, f)) {
        ++*line;
        if (text[0] == '#' || text[0] == '\n') {
            continue;
        }
        unsigned long long bits;
        if (sscanf(text, "%63s %lu %7s %llx", r->label, &r->index, type, &bits) != 4
            || (strcmp(type, "f32") != 0 && strcmp(type, "f64") != 0 && strcmp(type, "i8") != 0)
            || (type[0] == 'i' && bits > 0xffu)) {
            fprintf(stderr, "compare: %s:%ld: not a result line: %s", path, *line, text);
            return -1;
        }
        r->bytes = type[0] == 'i' ? 1 : type[1] == '3' ? 4 : 8;
        r->bits = bits;
        if (r->bytes == 1) {
            r->value = (double)(int8_t)(uint8_t)bits;
        } else if (r->bytes == 4) {
            uint32_t narrow = (uint32_t)bits;
            float value;
            memcpy(&value, &narrow, sizeof value);
            r->value = value;
        } else {
            memcpy(&r->value, &r->bits, sizeof r->value);
        }
        return 1;
    }
    return 0;
}

/* Distance in units in the last place: adjacent reals of one sign have adjacent bit patterns, and
 * two of opposite signs are the sum of their distances from zero apart (+0 and -0: none). */
static uint64_t ulps(const result *a, const result *b)
{
    const uint64_t sign = a->bytes == 4 ? UINT64_C(0x80000000) : UINT64_C(0x8000000000000000);
    if ((a->bits & sign) != (b->bits & sign)) {
        return (a->bits & ~sign) + (b->bits & ~sign);
    }
    return a->bits > b->bits ? a->bits - b->bits : b->bits - a->bits;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: compare EXPECTED ACTUAL F32_TOL F64_TOL\n");
        return 2;
    }
    FILE *fe = fopen(argv[1], "r"), *fa = fopen(argv[2], "r");
    if (!fe || !fa) {
        fprintf(stderr, "compare: cannot open %s\n", fe ? argv[2] : argv[1]);
        return 2;
    }
    const double tolerance[2] = {atof(argv[3]), atof(argv[4])};
    long line_e = 0, line_a = 0, count = 0, identical = 0, failures = 0;
    double worst = 0;
    uint64_t worst_ulps = 0;
    result e, a;
    for (;;) {
        const int got_e = next_result(fe, &e, argv[1], &line_e);
        const int got_a = next_result(fa, &a, argv[2], &line_a);
        if (got_e < 0 || got_a < 0) {
            return 1;
        }
        if (got_e == 0 || got_a == 0) {
            if (got_e != got_a) {
                fprintf(stderr, "compare: %s ends early (line %ld)\n", got_e ? argv[2] : argv[1],
                        got_e ? line_a : line_e);
                return 1;
            }
            break;
        }
        if (strcmp(e.label, a.label) != 0 || e.index != a.index || e.bytes != a.bytes) {
            fprintf(stderr, "compare: line %ld: expected %s %lu, got %s %lu\n", line_a, e.label,
                    e.index, a.label, a.index);
            return 1;
        }
        ++count;
        if (e.bits == a.bits) {
            ++identical;
            continue;
        }
        if (e.bytes == 1) {
            const double difference = fabs(e.value - a.value);
            worst = difference > worst ? difference : worst;
            if (failures++ < 10) {
                fprintf(stderr, "compare: %s[%lu]: host %d, target %d: int8 results must be equal\n",
                        e.label, e.index, (int)e.value, (int)a.value);
            }
            continue;
        }
        const double scale = fmax(1.0, fmax(fabs(e.value), fabs(a.value)));
        const double difference = fabs(e.value - a.value) / scale;
        const uint64_t apart = ulps(&e, &a);
        worst = difference > worst || difference != difference ? difference : worst;
        worst_ulps = apart > worst_ulps ? apart : worst_ulps;
        if (!(difference <= tolerance[e.bytes == 8])) {
            if (failures++ < 10) {
                fprintf(stderr, "compare: %s[%lu]: host %.9g, target %.9g, difference %.3g > %g\n",
                        e.label, e.index, e.value, a.value, difference, tolerance[e.bytes == 8]);
            }
        }
    }
    printf("%ld results, %ld bit-identical, largest difference %.3g", count, identical, worst);
    if (worst_ulps > 0) {
        printf(" (%llu ulp)", (unsigned long long)worst_ulps);
    }
    printf("%s\n", failures ? ": MISMATCH" : "");
    return failures ? 1 : 0;
}
