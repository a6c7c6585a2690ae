// SPDX-License-Identifier: MIT
/*
 * svmctl latency: the driver's latency histograms (debugfs
 * svm_edu/svm-edu<N>/latency) beside the device's own time per operation
 * (its counters): per invalidation command (inv_busy_ns / inv_descs) and
 * per page request (prq_wait_ns / page_requests).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/svm_edu.h"
#include "svmedu.h"
#include "svmctl.h"

#define LAT_LABEL_(id, ns, label)	label,
static const char *const labels[] = { SVM_EDU_LAT_BUCKETS(LAT_LABEL_) };
#undef LAT_LABEL_
#define NR_BUCKETS (sizeof(labels) / sizeof(labels[0]))

#define LAT_KIND_(id, name)		#name,
static const char *const kinds[] = { SVM_EDU_LAT_KINDS(LAT_KIND_) };
#undef LAT_KIND_
#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* The device's counters whose quotient is its own time per operation. */
static const char *const dev_time[NR_KINDS][2] = {
	{ "inv_busy_ns", "inv_descs" },
	{ "prq_wait_ns", "page_requests" },
};

struct lat_row {
	uint64_t count, min, avg, max, bucket[NR_BUCKETS];
	double dev_ns;		/* the device's time per operation, -1: none */
};

/* One line of the file: its kind's name, then the numbers. */
static int parse_row(char *line, const char *kind, struct lat_row *r)
{
	uint64_t v[4 + NR_BUCKETS];
	char *tok = strtok(line, " \n"), *end;
	unsigned int i;

	if (!tok || strcmp(tok, kind))
		return -1;
	for (i = 0; i < 4 + NR_BUCKETS; i++) {
		tok = strtok(NULL, " \n");
		if (!tok)
			return -1;
		v[i] = strtoull(tok, &end, 10);
		if (*end)
			return -1;
	}
	r->count = v[0];
	r->min = v[1];
	r->avg = v[2];
	r->max = v[3];
	memcpy(r->bucket, &v[4], sizeof(r->bucket));
	return 0;
}

/* The debugfs file: a header line, then one line per kind, in order. */
static int read_rows(int instance, struct lat_row *rows)
{
	char path[96], line[512];
	unsigned int k;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/svm_edu/svm-edu%d/latency",
		 instance);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	for (k = 0; k <= NR_KINDS; k++) {
		if (!fgets(line, sizeof(line), f) ||
		    (k && parse_row(line, kinds[k - 1], &rows[k - 1]))) {
			fprintf(stderr, "svmctl: %s is not in the format this "
				"svmctl reads\n", path);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static void device_times(int instance, struct lat_row *rows)
{
	struct svmedu d;
	unsigned int k;

	for (k = 0; k < NR_KINDS; k++)
		rows[k].dev_ns = -1;
	if (svmedu_open(&d, instance))
		return;
	for (k = 0; k < NR_KINDS; k++) {
		uint64_t ns, n;

		if (!svmedu_hw_counter(&d, dev_time[k][0], &ns) &&
		    !svmedu_hw_counter(&d, dev_time[k][1], &n) && n)
			rows[k].dev_ns = (double)ns / n;
	}
	svmedu_close(&d);
}

static void print_text(int instance, const struct lat_row *rows)
{
	unsigned int k, b;

	printf("# svm-edu%d: the driver's waits on the device (debugfs latency)"
	       " and the device's own time per operation (counters)\n", instance);
	printf("%-13s %8s %9s %9s %9s", "kind", "count", "min_ns", "avg_ns",
	       "max_ns");
	for (b = 0; b < NR_BUCKETS; b++)
		printf(" %8s", labels[b]);
	printf(" %12s\n", "device_ns/op");
	for (k = 0; k < NR_KINDS; k++) {
		printf("%-13s %8" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64,
		       kinds[k], rows[k].count, rows[k].min, rows[k].avg,
		       rows[k].max);
		for (b = 0; b < NR_BUCKETS; b++)
			printf(" %8" PRIu64, rows[k].bucket[b]);
		if (rows[k].dev_ns >= 0)
			printf(" %12.0f\n", rows[k].dev_ns);
		else
			printf(" %12s\n", "-");
	}
}

static void print_json(int instance, const struct lat_row *rows)
{
	unsigned int k, b;

	printf("{\"device\": \"svm-edu%d\"", instance);
	for (k = 0; k < NR_KINDS; k++) {
		printf(", \"%s\": {\"count\": %" PRIu64 ", \"min_ns\": %" PRIu64
		       ", \"avg_ns\": %" PRIu64 ", \"max_ns\": %" PRIu64
		       ", \"buckets\": {", kinds[k], rows[k].count, rows[k].min,
		       rows[k].avg, rows[k].max);
		for (b = 0; b < NR_BUCKETS; b++)
			printf("%s\"%s\": %" PRIu64, b ? ", " : "", labels[b],
			       rows[k].bucket[b]);
		if (rows[k].dev_ns >= 0)
			printf("}, \"device_ns_per_op\": %.0f}", rows[k].dev_ns);
		else
			printf("}, \"device_ns_per_op\": null}");
	}
	printf("}\n");
}

int cmd_latency(int instance, int argc, char **argv)
{
	struct lat_row rows[NR_KINDS] = { 0 };
	char path[96];

	if (argc == 2 && !strcmp(argv[1], "--reset")) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/svm_edu/svm-edu%d/latency", instance);
		if (svmedu_write_file(path, "0")) {
			fprintf(stderr, "svmctl: cannot reset %s\n", path);
			return 1;
		}
		return 0;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json"))) {
		fprintf(stderr, "usage: svmctl latency [--json|--reset]\n");
		return 2;
	}
	if (read_rows(instance, rows))
		return 1;
	device_times(instance, rows);
	if (argc == 2)
		print_json(instance, rows);
	else
		print_text(instance, rows);
	return 0;
}
