/*
 * forkrun_cli_main.c - the CLI's own main.c, compiled once more with its
 * main renamed acepack_cli_main, so that forkrun.c can call it in each
 * forked child (the other objects of the CLI are linked as built).
 */
#define main acepack_cli_main
int acepack_cli_main(int argc, char **argv);
#include "../../tools/acepack/main.c"
