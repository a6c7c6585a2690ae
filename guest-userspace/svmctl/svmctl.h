/* SPDX-License-Identifier: MIT */
#ifndef SVMCTL_H
#define SVMCTL_H

#include <pci/pci.h>
#include <stdio.h>

/* Name lists of include/, as NULL-terminated arrays (cmd_debug.c). */
extern const char *const svmctl_knobs[];
extern const char *const svmctl_policies[];
/* "WHAT: a, b, c" and a newline. */
void svmctl_print_names(FILE *f, const char *what, const char *const *names);

/* Commands over libpci and sysfs: argv[0] is the command's name. */
int cmd_list(struct pci_access *pacc, int argc, char **argv);
int cmd_stats(struct pci_access *pacc, int argc, char **argv);

/* Commands over debugfs, for device /dev/svm-edu<instance>. */
int cmd_stale(int instance, int argc, char **argv);
int cmd_probe(int instance, int argc, char **argv);
int cmd_reset(int instance, int argc, char **argv);
int cmd_policy(int instance, int argc, char **argv);
int cmd_inject(int instance, int argc, char **argv);
int cmd_attribution(int instance, int argc, char **argv);
int cmd_sources(int instance, int argc, char **argv);
int cmd_latency(int instance, int argc, char **argv);
int cmd_bindings(int instance, int argc, char **argv);

#endif /* SVMCTL_H */
