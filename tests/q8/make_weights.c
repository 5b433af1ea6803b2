/*
 * make_weights.c: weights for one tests/q8 model: init, then 30 train steps on deterministic
 * pseudo-random data (so that batchnorm's running statistics and every weight move away from
 * their initial values), saved to argv[1]. Built once per model with -DNET=name -DNET_UPPER=NAME
 * -include name.h.
 */
#include <stdio.h>

#define PASTE(a, b) a##b
#define NAME(a, b) PASTE(a, b)
#define N_INPUTS NAME(NET_UPPER, _INPUTS)
#define N_OUTPUTS NAME(NET_UPPER, _OUTPUTS)
#define N_BATCH NAME(NET_UPPER, _BATCH)

/* A deterministic pseudo-random value in [-1, 1). */
static double draw(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (double)((*state >> 8) & 0xFFFFu) / 32768.0 - 1.0;
}

int main(int argc, char **argv)
{
    static NAME(NET, _params) p;
    static NAME(NET, _train_state) s;
    static NAME(NET, _real) X[N_INPUTS * N_BATCH];
    static NAME(NET, _real) Y[N_OUTPUTS * N_BATCH];
    if (argc != 2) {
        fprintf(stderr, "usage: make_weights FILE.bin\n");
        return 2;
    }
    unsigned seed = 9;
    NAME(NET, _init)(&p, NAME(NET_UPPER, _INIT_SEED));
    NAME(NET, _train_state_init)(&s);
    for (int step = 0; step < 30; ++step) {
        for (int i = 0; i < N_INPUTS * N_BATCH; ++i)
            X[i] = (NAME(NET, _real))(0.3 + draw(&seed)); /* not centred: batchnorm has a mean to learn */
        for (int i = 0; i < N_OUTPUTS * N_BATCH; ++i)
            Y[i] = (NAME(NET, _real))(0.5 + 0.5 * draw(&seed));
        NAME(NET, _train_step)(&p, &s, X, Y);
    }
    if (NAME(NET, _save)(&p, argv[1]) != 0) {
        fprintf(stderr, "make_weights: cannot save %s\n", argv[1]);
        return 1;
    }
    return 0;
}
