/* The gradc host as a function, so the command line and the fuzz harness share it. */
#ifndef GRADC_HOST_H
#define GRADC_HOST_H

/* Run the generator with command-line arguments; returns the process exit status. User errors are
 * printed to stderr. The binary's own path locates the generator's files: <prefix>/share/gradc when
 * installed as <prefix>/bin/gradc, else the checkout three components up (<root>/gen/build/<binary>). */
int gradc_run(int argc, char **argv);

#endif
