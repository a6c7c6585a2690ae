/* SPDX-License-Identifier: MIT */
#ifndef SVMCTL_H
#define SVMCTL_H

#include <pci/pci.h>

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

#endif /* SVMCTL_H */
