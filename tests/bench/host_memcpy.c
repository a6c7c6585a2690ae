// SPDX-License-Identifier: MIT
/*
 * Single-thread host memcpy bandwidth of 64 MiB: the physical limit the
 * device's copy bandwidth is compared with in 'make bench'.
 * Prints "BENCH host_memcpy_bw <median> <min> <max> GB/s".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEN	(64UL << 20)
#define REPEAT	9

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	char *src = malloc(LEN), *dst = malloc(LEN);
	double v[REPEAT];
	int i;

	if (!src || !dst)
		return 1;
	memset(src, 1, LEN);
	memset(dst, 2, LEN);
	memcpy(dst, src, LEN);
	for (i = 0; i < REPEAT; i++) {
		double t0 = now_ns();

		memcpy(dst, src, LEN);
		__asm__ volatile("" : : "r"(dst) : "memory");
		v[i] = LEN / (now_ns() - t0);
	}
	qsort(v, REPEAT, sizeof(v[0]), cmp);
	printf("BENCH host_memcpy_bw %.6g %.6g %.6g GB/s\n", v[REPEAT / 2], v[0],
	       v[REPEAT - 1]);
	return dst[LEN - 1] == 1 ? 0 : 1;
}
