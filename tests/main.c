/*
 * The generated-model test program: the reference engine's own tests, one group per generated
 * model (the lists, models.def and conv_models.def, are written by tests/cases.lua: the dense
 * family and the conv family), and XOR trained to 100% accuracy.
 * Exit status 0 only when every group passed.
 */
#include <stdio.h>

int ref_engine_tests(void);
int ref_conv_case_tests(void);
int xor_training_tests(void);

#define GM_MODEL(name) int gmtest_##name(void);
#include "models.def"
#include "conv_models.def"
#undef GM_MODEL

int main(void)
{
    int failed = 0, groups = 0;
    failed += ref_engine_tests();
    groups++;
    failed += ref_conv_case_tests();
    groups++;
#define GM_MODEL(name) \
    failed += gmtest_##name(); \
    groups++;
#include "models.def"
#include "conv_models.def"
#undef GM_MODEL
    failed += xor_training_tests();
    groups++;
    printf("check-models: %d groups, %d failed test%s\n", groups, failed, failed == 1 ? "" : "s");
    return failed ? 1 : 0;
}
