// SPDX-License-Identifier: MIT
/*
 * svmctl: inspect svm-edu devices.
 */
#include <stdio.h>
#include <string.h>

#include "svmctl.h"

static const struct {
	const char *name;
	int (*fn)(struct pci_access *pacc, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "list", cmd_list, "list svm-edu devices: address, IDs, BARs, IRQs, capabilities, driver" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: svmctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	struct pci_access *pacc;
	size_t i;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		pacc = pci_alloc();
		pci_init(pacc);
		ret = commands[i].fn(pacc, argc - 1, argv + 1);
		pci_cleanup(pacc);
		return ret;
	}
	fprintf(stderr, "svmctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
