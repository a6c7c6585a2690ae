// SPDX-License-Identifier: MIT
/*
 * svmctl: inspect svm-edu devices. man/svmctl.8.md is its manual.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmctl.h"

static const struct {
	const char *name;
	int (*pci)(struct pci_access *pacc, int argc, char **argv);
	int (*dev)(int instance, int argc, char **argv);
	const char *args;
	const char *help;
} commands[] = {
	{ "list", cmd_list, NULL, "", "svm-edu devices: address, IDs, BARs, IRQs, capabilities, driver" },
	{ "stats", cmd_stats, NULL, "[--json]", "device IOTLB/DMA counters and driver counters" },
	{ "stale", NULL, cmd_stale, "", "the device's log of stale-translation accesses" },
	{ "probe", NULL, cmd_probe, "PASID VA", "is (PASID, VA) in the IOTLB, and as what" },
	{ "reset", NULL, cmd_reset, "", "zero the device and driver counters" },
	{ "policy", NULL, cmd_policy, "[POLICY]", "stale checker policy" },
	{ "inject", NULL, cmd_inject, "[KNOB on|off]", "fault injection (test only)" },
	{ "attribution", NULL, cmd_attribution, "on|off", "attribute invalidations to kernel paths" },
	{ "sources", NULL, cmd_sources, "[--reset]", "invalidations by kernel path" },
	{ "latency", NULL, cmd_latency, "[--json|--reset]", "invalidation and page-request latency" },
	{ "bindings", NULL, cmd_bindings, "", "each binding: PASID, mode (sva/shadow), shadow table size" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: svmctl [-d N] COMMAND [ARGS]\n\n"
		"  -d N   the device /dev/svm-eduN (default 0) for the debugfs commands\n\n"
		"commands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-11s %-29s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(f, "\n");
	svmctl_print_names(f, "POLICY", svmctl_policies);
	svmctl_print_names(f, "KNOB", svmctl_knobs);
	fprintf(f, "\nstale, probe, reset, policy, inject, attribution, sources, "
		"latency and bindings need root and debugfs.\n");
}

int main(int argc, char **argv)
{
	struct pci_access *pacc;
	int instance = 0, ret;
	size_t i;

	if (argc >= 3 && !strcmp(argv[1], "-d")) {
		instance = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (commands[i].dev)
			return commands[i].dev(instance, argc - 1, argv + 1);
		pacc = pci_alloc();
		pci_init(pacc);
		ret = commands[i].pci(pacc, argc - 1, argv + 1);
		pci_cleanup(pacc);
		return ret;
	}
	fprintf(stderr, "svmctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
