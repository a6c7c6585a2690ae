// SPDX-License-Identifier: MIT
/*
 * svm-bench: the guest side of 'make bench'.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct svmedu dev;

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

uint64_t hw(const char *counter)
{
	uint64_t v = 0;

	svmedu_hw_counter(&dev, counter, &v);
	return v;
}

uint64_t drv(const char *counter)
{
	uint64_t v = 0;

	svmedu_drv_counter(&dev, counter, &v);
	return v;
}

void *map_touched(size_t len, int advice)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("# mmap of %zu bytes failed\n", len);
		exit(1);
	}
	if (advice >= 0)
		madvise(p, len, advice);
	memset(p, 1, len);
	return p;
}

void pin_cpu(int cpu)
{
	cpu_set_t one;

	if (cpu < 0)
		cpu = sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		printf("# cannot pin to CPU %d\n", cpu);
}

void unpin(void)
{
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t all;

	CPU_ZERO(&all);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
}

static struct svm_edu_completion rec __attribute__((aligned(32)));

static int run(struct svm_edu_udesc u)
{
	int st;

	u.flags |= SVM_EDU_UDESC_F_IRQ;
	u.completion = (uintptr_t)&rec;
	memset(&rec, 0, sizeof(rec));
	if (svmedu_submit(&dev, &u, 1))
		return -1;
	st = svmedu_wait(&dev, &rec, 120000);
	if (st != SVM_EDU_CS_SUCCESS)
		printf("# descriptor failed: %s at %#llx (info %#x) after %u bytes\n",
		       svmedu_status_name(st), (unsigned long long)rec.fault_addr,
		       rec.fault_info, rec.bytes_completed);
	return st;
}

int run_copy(void *dst, const void *src, size_t len)
{
	return run((struct svm_edu_udesc){ .opcode = SVM_EDU_OP_COPY,
		   .src = (uintptr_t)src, .dst = (uintptr_t)dst, .len = len });
}

int run_fill(void *dst, size_t len, uint16_t flags)
{
	return run((struct svm_edu_udesc){ .opcode = SVM_EDU_OP_FILL,
		   .flags = flags, .dst = (uintptr_t)dst, .len = len,
		   .pattern = 0x5a5a5a5a5a5a5a5aull });
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Median, min, max and the quartiles: scripts/bench.sh states the spread
 * of a ratio as its interquartile range, which one preempted sample of a
 * loaded host does not widen the way it widens min-max.
 */
void result(const char *key, double *v, int n, const char *unit)
{
	qsort(v, n, sizeof(*v), cmp);
	printf("BENCH %s %.6g %.6g %.6g %s %.6g %.6g\n", key, v[n / 2], v[0],
	       v[n - 1], unit, v[n / 4], v[(3 * n) / 4 - (n % 4 == 0)]);
	fflush(stdout);
}

void series(const char *name, double x, double y)
{
	printf("SERIES %s %.6g %.6g\n", name, x, y);
}

int set_param(const char *param, unsigned int value)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/svm_edu/parameters/%s", param);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%u", value);
	return fclose(f);
}

/*
 * usage: svm-bench                       everything 'make bench' records
 *        svm-bench attribution [N [R]]   the cost of attributing callbacks:
 *                                        R rounds (10) of N munmaps (2000);
 *                                        R 0: N munmaps, attribution on
 *        svm-bench crossover             the whole-PASID crossover only, with
 *                                        what this kernel sends per munmap
 *        svm-bench munmap [PAGES]        where the bound cost of a munmap of
 *                                        PAGES (16) goes
 *        svm-bench table-memory          page-table memory per GiB mapped,
 *                                        for this binding's mode
 *        svm-bench dma                   the DMA rows only (bandwidth, checker
 *                                        on/off, IOTLB reach), to profile the
 *                                        device
 *        svm-bench fault                 the device/CPU fault row only
 */
/* The subcommands; their arguments as main()'s, after the name. */
static void cmd_attribution(int argc, char **argv)
{
	bench_attrib(argc > 0 ? atoi(argv[0]) : 2000,
		     argc > 1 ? atoi(argv[1]) : 10);
}

static void cmd_munmap(int argc, char **argv)
{
	bench_munmap_breakdown(argc > 0 ? atoi(argv[0]) : 16);
}

static void cmd_all(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	bench_dma();
	bench_inv();
	bench_fault();
	bench_table_memory();
}

#define NO_ARGS(fn)							\
	static void cmd_##fn(int argc, char **argv)			\
	{								\
		(void)argc;						\
		(void)argv;						\
		bench_##fn();						\
	}
NO_ARGS(table_memory)
NO_ARGS(fault)
NO_ARGS(dma)
NO_ARGS(crossover)

static const struct {
	const char *name;
	void (*run)(int argc, char **argv);
} commands[] = {
	{ "attribution", cmd_attribution },
	{ "munmap", cmd_munmap },
	{ "table-memory", cmd_table_memory },
	{ "fault", cmd_fault },
	{ "dma", cmd_dma },
	{ "crossover", cmd_crossover },
};

int main(int argc, char **argv)
{
	void (*run)(int argc, char **argv) = cmd_all;
	size_t i;

	for (i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			run = commands[i].run;
	if (argc > 1 && run == cmd_all) {
		fprintf(stderr, "svm-bench: no command '%s'\n", argv[1]);
		return 2;
	}
	if (svmedu_open(&dev, 0) || svmedu_bind(&dev)) {
		printf("# cannot open and bind /dev/svm-edu0\n");
		return 1;
	}
	run(argc > 1 ? argc - 2 : 0, argv + 2);
	/* Some runs change the checker's policy: back to the default. */
	svmedu_set_policy(&dev, "report");
	svmedu_close(&dev);
	return 0;
}
