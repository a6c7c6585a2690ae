// SPDX-License-Identifier: MIT
/*
 * Single-thread host copy bandwidth: the physical limit the device's copy
 * bandwidth is compared with in 'make bench'. One method is not the limit
 * (issue 16: the device's THP copy, itself a host memcpy in QEMU's DMA
 * thread, came out at 1.21x libc memcpy), so this measures libc memcpy,
 * 'rep movsb' and a non-temporal SSE2 copy at several sizes, interleaved
 * (every method and size once per round, ROUNDS rounds) so that load on
 * the shared host hits all alike, and reports the best median at 64 MiB,
 * the size the device copies (its 4 KiB chunks stream through 64 MiB, so
 * caches do not help it; the smaller sizes are printed to show what they
 * would add).
 * Prints, per method and size,
 *   BENCH host_<method>_<KiB>k <median> <min> <max> GB/s
 * per method the 64 MiB copied as 16384 copies of 4 KiB, the way the
 * device copies page by page (not a candidate for the reference: what an
 * engine that copies in 4 KiB chunks could reach on this host),
 *   BENCH host_<method>_65536k_in_4k <median> <min> <max> GB/s
 * and the reference
 *   BENCH host_memcpy_bw <median> <min> <max> GB/s <method>_<KiB>k
 */
#include <emmintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEN	(64UL << 20)
#define ROUNDS	15
#define NSIZES	3
#define NMETH	3
#define PIECE	4096

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

static void copy_libc(void *d, const void *s, size_t n)
{
	memcpy(d, s, n);
}

static void copy_movsb(void *d, const void *s, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

/* Non-temporal stores: no read-for-ownership of the destination. */
static void copy_nt(void *d, const void *s, size_t n)
{
	__m128i *dp = d;
	const __m128i *sp = s;
	size_t i;

	for (i = 0; i < n / 16; i += 4) {
		__m128i a = _mm_load_si128(sp + i), b = _mm_load_si128(sp + i + 1);
		__m128i c = _mm_load_si128(sp + i + 2), e = _mm_load_si128(sp + i + 3);

		_mm_stream_si128(dp + i, a);
		_mm_stream_si128(dp + i + 1, b);
		_mm_stream_si128(dp + i + 2, c);
		_mm_stream_si128(dp + i + 3, e);
	}
	_mm_sfence();
}

int main(void)
{
	static void (*const fn[NMETH])(void *, const void *, size_t) = {
		copy_libc, copy_movsb, copy_nt };
	static const char *const name[NMETH] = { "memcpy", "movsb", "nt" };
	/* The device copies 64 MiB; smaller sizes show what caches add. */
	static const size_t size[NSIZES] = { LEN, 8UL << 20, 1UL << 20 };
	char *src = aligned_alloc(4096, LEN), *dst = aligned_alloc(4096, LEN);
	double v[NMETH][NSIZES][ROUNDS], vp[NMETH][ROUNDS], best = 0;
	int m, z, r, bm = 0, bz = 0;

	if (!src || !dst)
		return 1;
	memset(src, 1, LEN);
	memset(dst, 2, LEN);
	for (r = 0; r < ROUNDS; r++)
		for (m = 0; m < NMETH; m++)
			for (z = 0; z < NSIZES; z++) {
				/* The same bytes per sample whatever the size. */
				int k, reps = LEN / size[z];
				double t0;

				fn[m](dst, src, size[z]);	/* warm */
				t0 = now_ns();
				for (k = 0; k < reps; k++)
					fn[m](dst, src, size[z]);
				__asm__ volatile("" : : "r"(dst) : "memory");
				v[m][z][r] = (double)LEN / (now_ns() - t0);
			}
	for (r = 0; r < ROUNDS; r++)
		for (m = 0; m < NMETH; m++) {
			size_t o;
			double t0 = now_ns();

			for (o = 0; o < LEN; o += PIECE)
				fn[m](dst + o, src + o, PIECE);
			__asm__ volatile("" : : "r"(dst) : "memory");
			vp[m][r] = (double)LEN / (now_ns() - t0);
		}
	for (m = 0; m < NMETH; m++) {
		qsort(vp[m], ROUNDS, sizeof(double), cmp);
		printf("BENCH host_%s_%luk_in_%dk %.6g %.6g %.6g GB/s\n", name[m],
		       LEN >> 10, PIECE >> 10, vp[m][ROUNDS / 2], vp[m][0],
		       vp[m][ROUNDS - 1]);
	}
	for (m = 0; m < NMETH; m++)
		for (z = 0; z < NSIZES; z++) {
			qsort(v[m][z], ROUNDS, sizeof(double), cmp);
			printf("BENCH host_%s_%zuk %.6g %.6g %.6g GB/s\n", name[m],
			       size[z] >> 10, v[m][z][ROUNDS / 2], v[m][z][0],
			       v[m][z][ROUNDS - 1]);
			if (size[z] == LEN && v[m][z][ROUNDS / 2] > best) {
				best = v[m][z][ROUNDS / 2];
				bm = m;
				bz = z;
			}
		}
	printf("BENCH host_memcpy_bw %.6g %.6g %.6g GB/s %s_%zuk\n",
	       v[bm][bz][ROUNDS / 2], v[bm][bz][0], v[bm][bz][ROUNDS - 1],
	       name[bm], size[bz] >> 10);
	return dst[LEN - 1] == 1 ? 0 : 1;
}
