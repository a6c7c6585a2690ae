// SPDX-License-Identifier: MIT
/*
 * svmctl stats: the device's IOTLB and DMA counters and the driver's
 * counters, for every bound svm-edu function, as a table or JSON.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcidev.h"
#include "svmctl.h"

#define MAX_COUNTERS	64

struct counter {
	char name[48];
	uint64_t value;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct counter *)a)->name,
		      ((const struct counter *)b)->name);
}

/* Every file of a sysfs counter folder, sorted by name. */
static int read_counters(const char *dir, struct counter *c, int max)
{
	char path[320];
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)) && n < max) {
		FILE *f;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(c[n].name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%" SCNu64, &c[n].value) == 1) {
			memcpy(c[n].name, de->d_name, strlen(de->d_name) + 1);
			n++;
		}
		fclose(f);
	}
	closedir(d);
	qsort(c, n, sizeof(*c), by_name);
	return n;
}

static uint64_t find(const struct counter *c, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return c[i].value;
	return 0;
}

struct stats_opts {
	bool json;
	int shown;
};

static void print_json(const char *label, const struct counter *c, int n,
		       bool last)
{
	int i;

	printf("    \"%s\": {", label);
	for (i = 0; i < n; i++)
		printf("%s\"%s\": %" PRIu64, i ? ", " : "", c[i].name, c[i].value);
	printf("}%s\n", last ? "" : ",");
}

static void stats_one(struct pci_dev *dev, void *arg)
{
	struct stats_opts *o = arg;
	struct counter hw[MAX_COUNTERS], drv[MAX_COUNTERS];
	char name[32], node[64], dir[160];
	int nh, nd, i;
	uint64_t hits, misses;

	svm_edu_dev_name(dev, name, sizeof(name));
	if (svm_edu_dev_node(dev, node, sizeof(node)))
		return;		/* no driver: no counters */
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/hw_counters", name);
	nh = read_counters(dir, hw, MAX_COUNTERS);
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/drv_counters", name);
	nd = read_counters(dir, drv, MAX_COUNTERS);
	if (nh < 0 || nd < 0)
		return;
	hits = find(hw, nh, "iotlb_hits");
	misses = find(hw, nh, "iotlb_misses");

	if (o->json) {
		printf("%s  \"%s\": {\n    \"pci\": \"%s\",\n", o->shown ? ",\n" : "",
		       node + 5, name);
		print_json("device", hw, nh, false);
		print_json("driver", drv, nd, true);
		printf("  }");
	} else {
		printf("%s%s (%s)\n", o->shown ? "\n" : "", node + 5, name);
		printf("  %-22s %14s   %-22s %14s\n", "device", "", "driver", "");
		for (i = 0; i < nh || i < nd; i++) {
			if (i < nh)
				printf("  %-22s %14" PRIu64, hw[i].name, hw[i].value);
			else
				printf("  %-22s %14s", "", "");
			if (i < nd)
				printf("   %-22s %14" PRIu64, drv[i].name, drv[i].value);
			printf("\n");
		}
		if (hits + misses)
			printf("  IOTLB hit ratio %.2f %% (%" PRIu64 " of %" PRIu64 "), "
			       "%" PRIu64 " stale accesses\n",
			       100.0 * hits / (hits + misses), hits, hits + misses,
			       find(hw, nh, "stale"));
		/* Every walk either starts from the walk cache or misses it. */
		hits = find(hw, nh, "walk_cache_hits");
		misses = find(hw, nh, "walks");
		if (hits && misses >= hits)
			printf("  walk-cache hit ratio %.2f %% (%" PRIu64 " of %"
			       PRIu64 " walks), %" PRIu64 " stale walk uses\n",
			       100.0 * hits / misses, hits, misses,
			       find(hw, nh, "walk_cache_stale"));
	}
	o->shown++;
}

int cmd_stats(struct pci_access *pacc, int argc, char **argv)
{
	struct stats_opts o = { 0 };

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json"))) {
		fprintf(stderr, "usage: svmctl stats [--json]\n");
		return 2;
	}
	o.json = argc == 2;
	if (o.json)
		printf("{\n");
	svm_edu_for_each(pacc, stats_one, &o);
	if (o.json)
		printf("%s}\n", o.shown ? "\n" : "");
	if (!o.shown) {
		fprintf(stderr, "svmctl: no svm-edu device bound to svm_edu\n");
		return 1;
	}
	return 0;
}
