/* SPDX-License-Identifier: MIT */
/*
 * svm-bench: measurements for 'make bench'. Each result line is
 *   BENCH <key> <median> <min> <max> <unit>
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

void bench_dma(void);
void bench_inv(void);
void bench_crossover(void);
void bench_attrib(unsigned int n, unsigned int rounds);
void bench_fault(void);

#endif /* BENCH_H */
