// SPDX-License-Identifier: MIT
/*
 * svmctl commands over the driver's debugfs (root): the stale log, the
 * IOTLB probe, counter reset, checker policy, fault injection and the
 * invalidation attribution table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm_edu_hw.h"
#include "uapi/svm_edu.h"
#include "svmedu.h"
#include "svmctl.h"

#define DEBUGFS "/sys/kernel/debug/svm_edu"

#define KNOB_NAME_(id, name)		#name,
#define POLICY_NAME_(id, val, name)	name,
/* The on/off knobs; the delays are for svm-dma-test's race scenarios. */
const char *const svmctl_knobs[] = { SVM_EDU_INJECT_BUGS(KNOB_NAME_) NULL };
const char *const svmctl_policies[] = {
	SVM_EDU_STALE_POLICIES(POLICY_NAME_) NULL
};
#undef KNOB_NAME_
#undef POLICY_NAME_

void svmctl_print_names(FILE *f, const char *what, const char *const *names)
{
	const char *sep = "";

	fprintf(f, "%s:", what);
	for (; *names; names++, sep = ",")
		fprintf(f, "%s %s", sep, *names);
	fprintf(f, "\n");
}

static int cat(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "svmctl: %s: %s (root, debugfs mounted?)\n",
			path, strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

static int fail(int err, const char *what)
{
	if (!err)
		return 0;
	fprintf(stderr, "svmctl: %s: %s\n", what, strerror(-err));
	return 1;
}

int cmd_stale(int instance, int argc, char **argv)
{
	char path[96];

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: svmctl stale\n");
		return 2;
	}
	snprintf(path, sizeof(path), DEBUGFS "/svm-edu%d/stale_log", instance);
	return cat(path);
}

int cmd_probe(int instance, int argc, char **argv)
{
	struct svmedu d = { .instance = instance };
	struct svmedu_probe pr;
	unsigned long pasid;
	unsigned long long va;
	char *end;

	if (argc != 3) {
		fprintf(stderr, "usage: svmctl probe PASID VA\n");
		return 2;
	}
	pasid = strtoul(argv[1], &end, 0);
	if (*end || pasid > 0xfffff) {
		fprintf(stderr, "svmctl: bad PASID '%s'\n", argv[1]);
		return 2;
	}
	va = strtoull(argv[2], &end, 16);
	if (*end) {
		fprintf(stderr, "svmctl: bad address '%s' (hex)\n", argv[2]);
		return 2;
	}
	if (fail(svmedu_probe(&d, pasid, (void *)(uintptr_t)va, &pr), "probe"))
		return 1;
	if (pr.hit)
		printf("pasid %lu va %#llx: cached, %s, %s page, frame %#llx\n",
		       pasid, va, pr.writable ? "writable" : "read-only",
		       pr.page_shift == 30 ? "1 GiB" : pr.page_shift == 21 ?
		       "2 MiB" : "4 KiB", (unsigned long long)pr.pa);
	else
		printf("pasid %lu va %#llx: not cached\n", pasid, va);
	return 0;
}

int cmd_reset(int instance, int argc, char **argv)
{
	struct svmedu d = { .instance = instance };

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: svmctl reset\n");
		return 2;
	}
	return fail(svmedu_reset_counters(&d), "reset");
}

int cmd_policy(int instance, int argc, char **argv)
{
	struct svmedu d = { .instance = instance };
	char path[96];

	if (argc == 1) {
		snprintf(path, sizeof(path), DEBUGFS "/svm-edu%d/stale_policy",
			 instance);
		return cat(path);
	}
	if (argc != 2) {
		fprintf(stderr, "usage: svmctl policy [POLICY]\n");
		svmctl_print_names(stderr, "POLICY", svmctl_policies);
		return 2;
	}
	return fail(svmedu_set_policy(&d, argv[1]), "policy");
}

int cmd_inject(int instance, int argc, char **argv)
{
	char path[96];
	size_t i;

	(void)instance;
	if (argc == 1) {
		for (i = 0; svmctl_knobs[i]; i++) {
			printf("%-17s ", svmctl_knobs[i]);
			fflush(stdout);
			snprintf(path, sizeof(path), DEBUGFS "/inject/%s",
				 svmctl_knobs[i]);
			if (cat(path))
				return 1;
		}
		return 0;
	}
	if (argc != 3 || (strcmp(argv[2], "on") && strcmp(argv[2], "off"))) {
		fprintf(stderr, "usage: svmctl inject [KNOB on|off]   (test only)\n");
		svmctl_print_names(stderr, "KNOB", svmctl_knobs);
		return 2;
	}
	for (i = 0; svmctl_knobs[i]; i++)
		if (!strcmp(argv[1], svmctl_knobs[i]))
			return fail(svmedu_inject(argv[1], !strcmp(argv[2], "on")),
				    "inject");
	fprintf(stderr, "svmctl: no knob '%s'\n", argv[1]);
	svmctl_print_names(stderr, "KNOB", svmctl_knobs);
	return 2;
}

int cmd_attribution(int instance, int argc, char **argv)
{
	(void)instance;
	if (argc != 2 || (strcmp(argv[1], "on") && strcmp(argv[1], "off"))) {
		fprintf(stderr, "usage: svmctl attribution on|off\n");
		return 2;
	}
	return fail(svmedu_attribution(!strcmp(argv[1], "on")), "attribution");
}

int cmd_sources(int instance, int argc, char **argv)
{
	FILE *f;

	(void)instance;
	if (argc == 2 && !strcmp(argv[1], "--reset")) {
		f = fopen(DEBUGFS "/sources", "w");
		if (!f || fputs("0", f) < 0 || fclose(f)) {
			fprintf(stderr, "svmctl: cannot reset the sources\n");
			return 1;
		}
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: svmctl sources [--reset]\n");
		return 2;
	}
	printf("# invalidate callbacks by the kernel path that caused them\n");
	return cat(DEBUGFS "/sources");
}

/*
 * debugfs svm-edu<N>/bindings: "PASID gen mode users table_pages entries
 * fills retries invalidations" per binding, as a table.
 */
int cmd_bindings(int instance, int argc, char **argv)
{
	unsigned long long pages, entries, fills, retries, invs;
	unsigned int pasid, gen, users, n = 0;
	char path[96], mode[16];
	FILE *f;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: svmctl bindings\n");
		return 2;
	}
	snprintf(path, sizeof(path), DEBUGFS "/svm-edu%d/bindings", instance);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	printf("%-7s %-10s %-6s %5s  %11s %9s %9s %8s %13s\n", "PASID", "gen",
	       "mode", "files", "table pages", "entries", "fills", "retries",
	       "invalidations");
	while (fscanf(f, "%u %u %15s %u %llu %llu %llu %llu %llu", &pasid, &gen,
		      mode, &users, &pages, &entries, &fills, &retries,
		      &invs) == 9) {
		if (strcmp(mode, "shadow"))
			printf("%-7u %-10u %-6s %5u  %11s %9s %9s %8s %13s\n",
			       pasid, gen, mode, users, "-", "-", "-", "-", "-");
		else
			printf("%-7u %-10u %-6s %5u  %11llu %9llu %9llu %8llu %13llu\n",
			       pasid, gen, mode, users, pages, entries, fills,
			       retries, invs);
		n++;
	}
	fclose(f);
	if (!n)
		printf("(no bindings)\n");
	return 0;
}
