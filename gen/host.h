/* The gradc host as a function, so the command line and the fuzz harness share it. */
#ifndef GRADC_HOST_H
#define GRADC_HOST_H

/* Run the generator with command-line arguments; returns the process exit status. User errors are
 * printed to stderr. argv[0] locates the project root (<root>/gen/build/<binary>). */
int gradc_run(int argc, char **argv);

#endif
