/* The harness alone (startup, semihosting, probe.c's printing and counting), no model: its size is
 * what every image carries besides the model and the library code the model pulls in. */
#include "probe.h"

int main(void)
{
    probe_info("empty", platform_instructions());
    probe_done();
    return 0;
}
