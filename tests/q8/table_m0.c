/*
 * table_m0.c: the Cortex-M0 program make q8-table sizes. Built with -DNET=name -DNET_UPPER=NAME
 * -include name.h and one of -DCALL_FLOAT (links <name>_weights.c: NET_infer), -DCALL_INT8
 * (links <name>_q8.c alone: NET_q8_infer) or neither (the baseline subtracted from both; with
 * -DINT8_BUFFERS its buffers are int8, as the int8 program's are, so only the model differs). The
 * volatile buffers keep the call and its results from being optimized away.
 */
#include <stdint.h>

#define PASTE(a, b) a##b
#define NAME(a, b) PASTE(a, b)
#define N_INPUTS NAME(NET_UPPER, _INPUTS)
#define N_OUTPUTS NAME(NET_UPPER, _OUTPUTS)

#if defined CALL_INT8 || defined INT8_BUFFERS
typedef int8_t value;
#else
typedef NAME(NET, _real) value;
#endif

volatile value model_in[N_INPUTS];
volatile value model_out[N_OUTPUTS];

int main(void)
{
    value x[N_INPUTS], y[N_OUTPUTS];
    for (int i = 0; i < N_INPUTS; ++i)
        x[i] = model_in[i];
#if defined CALL_FLOAT
    NAME(NET, _infer)(x, y);
#elif defined CALL_INT8
    NAME(NET, _q8_infer)(x, y);
#else
    for (int i = 0; i < N_OUTPUTS; ++i)
        y[i] = x[i % N_INPUTS];
#endif
    for (int i = 0; i < N_OUTPUTS; ++i)
        model_out[i] = y[i];
    return 0;
}
