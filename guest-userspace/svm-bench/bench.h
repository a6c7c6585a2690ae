/* SPDX-License-Identifier: MIT */
/*
 * svm-bench: measurements for 'make bench'. Each result line is
 *   BENCH <key> <median> <min> <max> <unit> <p25> <p75>
 * and each plot point
 *   SERIES <series> <x> <y>
 * scripts/bench.sh turns them into the table in docs/benchmarks.md.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "svmedu.h"

#define REPEAT	5
/*
 * Interleaved pairs per ratio row (A B B A A B ...): enough that the median
 * of the pair ratios repeats within 10 % on a loaded 2-core host.
 */
#define PAIRS	21
/*
 * Each side of a pair is the best of TRIES alternating runs (A B A B A B):
 * on a loaded host noise only adds time (the vCPU or the DMA thread
 * preempted), so the best of a few is the run that was not hit, and the
 * median over the pairs drops the pairs where all were.
 */
#define TRIES	3

static inline double lower(double a, double b)
{
	return b < a ? b : a;
}

static inline double higher(double a, double b)
{
	return b > a ? b : a;
}

extern struct svmedu dev;

double now_ns(void);
uint64_t hw(const char *counter);
uint64_t drv(const char *counter);
void *map_touched(size_t len, int advice);
int run_copy(void *dst, const void *src, size_t len);
int run_fill(void *dst, size_t len, uint16_t flags);
void result(const char *key, double *v, int n, const char *unit);
void series(const char *name, double x, double y);
int set_param(const char *param, unsigned int value);
/* Run on vCPU @cpu only (< 0: the current one); unpin(): on all again. */
void pin_cpu(int cpu);
void unpin(void);

void bench_dma(void);
void bench_inv(void);
void bench_crossover(void);
void bench_attrib(unsigned int n, unsigned int rounds);
void bench_fault(void);
void bench_munmap_breakdown(unsigned long pages);
void bench_table_memory(void);

#endif /* BENCH_H */
