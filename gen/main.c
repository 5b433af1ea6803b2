/* gradc: the command-line entry point; everything happens in gradc_run (host.c). */
#include "host.h"

int main(int argc, char **argv)
{
    return gradc_run(argc, argv);
}
