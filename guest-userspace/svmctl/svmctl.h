/* SPDX-License-Identifier: MIT */
#ifndef SVMCTL_H
#define SVMCTL_H

#include <pci/pci.h>

/* One function per sub-command: argv[0] is the sub-command's name. */
int cmd_list(struct pci_access *pacc, int argc, char **argv);

#endif /* SVMCTL_H */
