// SPDX-License-Identifier: MIT
/*
 * Scenarios of shadow page-table bindings (--mode shadow): the device walks
 * a table the driver fills with hmm_range_fault() and clears from its
 * interval notifier. Their negative controls are the shadow-mode bugs:
 * shadow_skip_clear (the invalidation flushes the IOTLB but leaves the
 * shadow entries) and shadow_skip_retry (a fill writes what
 * hmm_range_fault() returned even though an invalidation ran meanwhile).
 * The third, an invalidation that clears but does not flush, is skip_flush,
 * which every sva scenario's negative control also uses in shadow mode.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmatest.h"

#define INJECT "/sys/kernel/debug/svm_edu/inject/"

/* munmap, new memory at the same address, DMA: the shadow must be clear. */
static int skip_clear(struct ctx *c, bool negative)
{
	size_t pages = 4, len = pages * 4096, i;
	uint8_t *p, *q, *spacer;
	uint64_t stale, fills;
	int st;

	p = map_pages(pages);
	EXPECT(p, "mmap");
	fills = drv(c, "shadow_fills");
	st = dma_fill(c, p, pat(0x31), len);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "first FILL: %s", svmedu_status_name(st));
	EXPECT(drv(c, "shadow_fills") > fills,
	       "the device's page requests filled the shadow");
	spacer = spacer_map(len);
	EXPECT(spacer, "mmap");
	stale = hw(c, "stale");
	munmap(p, len);
	spacer_take(spacer, len);
	q = mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT(q == (void *)p, "MAP_FIXED at the old address");
	memset(q, 0, len);
	st = dma_fill(c, q, pat(0x32), len);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL after remap: %s",
	       svmedu_status_name(st));
	for (i = 0; i < len; i++)
		EXPECT(q[i] == 0x32, "byte %zu of the new mapping is %#x", i, q[i]);
	munmap(q, len);
	munmap(spacer, len);
	return stale_verdict(c, stale, negative);
}

/*
 * Fill racing munmap, lib/test_hmm.c style: a thread prefaults a page
 * while the main thread unmaps it and maps a new one there, many rounds;
 * then DMA into the page. fill_gap_us holds each fill between
 * hmm_range_fault() and taking the driver's lock, which is where the
 * munmap's invalidation must make it start again.
 */
#define RACE_ROUNDS	150
#define RACE_GAP_US	300

struct filler {
	struct ctx *c;
	uint8_t *page;
	atomic_int state;	/* 0 idle, 1 go, 2 filling, 3 done */
	int err;
	bool quit;
};

static void *filler_loop(void *arg)
{
	struct filler *f = arg;

	for (;;) {
		while (atomic_load(&f->state) != 1 && !f->quit)
			usleep(10);
		if (f->quit)
			return NULL;
		atomic_store(&f->state, 2);
		f->err = svmedu_prefault(&f->c->dev, f->page, 4096, true);
		atomic_store(&f->state, 3);
	}
}

static int fill_race(struct ctx *c, bool negative)
{
	struct filler f = { .c = c };
	uint64_t stale0, retries0, inj0, stale, retries, inj;
	unsigned int round, stale_rounds = 0, retry_rounds = 0, open_rounds = 0;
	char gap[16];
	pthread_t t;
	int r = PASS;

	snprintf(gap, sizeof(gap), "%u", RACE_GAP_US);
	EXPECT(!svmedu_write_file(INJECT "fill_gap_us", gap),
	       "fill_gap_us (debugfs, root?)");
	f.page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(f.page != MAP_FAILED, "mmap");
	memset(f.page, 1, 4096);
	EXPECT(!pthread_create(&t, NULL, filler_loop, &f), "pthread_create");
	stale0 = hw(c, "stale");
	retries0 = drv(c, "shadow_retries");
	inj0 = drv(c, "injected");
	for (round = 0; round < RACE_ROUNDS && r == PASS; round++) {
		uint64_t s = hw(c, "stale"), rt = drv(c, "shadow_retries");
		uint64_t in = drv(c, "injected");
		uint8_t *spacer = spacer_map(4096), *q;
		int st;

		atomic_store(&f.state, 1);
		while (atomic_load(&f.state) == 1)
			;
		/* Somewhere in the fill: before, in or after its gap. */
		usleep(rand_r(&c->seed) % (2 * RACE_GAP_US));
		munmap(f.page, 4096);
		if (spacer)
			spacer_take(spacer, 4096);
		q = mmap(f.page, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (q != (void *)f.page) {
			diag("MAP_FIXED at the old address failed");
			r = FAIL;
		}
		memset(f.page, 0, 4096);
		while (atomic_load(&f.state) != 3)
			usleep(10);
		st = dma_fill(c, f.page, pat(0x5a), 4096);
		if (st != SVM_EDU_CS_SUCCESS || !all_bytes(f.page, 4096, 0x5a)) {
			diag("round %u: FILL %s, data %s", round,
			     svmedu_status_name(st),
			     all_bytes(f.page, 4096, 0x5a) ? "ok" : "wrong");
			r = FAIL;
		}
		if (spacer)
			munmap(spacer, 4096);
		stale_rounds += hw(c, "stale") > s;
		retry_rounds += drv(c, "shadow_retries") > rt;
		open_rounds += drv(c, "injected") > in;
	}
	f.quit = true;
	pthread_join(t, NULL);
	svmedu_write_file(INJECT "fill_gap_us", "0");
	munmap(f.page, 4096);
	stale = hw(c, "stale") - stale0;
	retries = drv(c, "shadow_retries") - retries0;
	inj = drv(c, "injected") - inj0;
	diag("%u rounds: %u raced an invalidation (%llu retries), %u opened the "
	     "window (%llu fills written though outdated), %u had stale uses "
	     "(%llu)", round, retry_rounds, (unsigned long long)retries,
	     open_rounds, (unsigned long long)inj, stale_rounds,
	     (unsigned long long)stale);
	if (r != PASS)
		return r;
	if (!negative)
		EXPECT(retry_rounds > 0, "no fill ever raced the munmap");
	return stale_verdict(c, stale0, negative);
}

/*
 * SVM_EDU_IOC_PREFAULT's errnos (docs/ioctl-abi.md), in both modes: an sva
 * binding has nothing to fill (EINVAL).
 */
static int prefault_errnos(struct ctx *c, bool negative)
{
	struct svm_edu_prefault bad = { .size = sizeof(bad), .flags = 2,
					.len = 4096 };
	uint8_t *p = map_pages(2), *ro;
	uint64_t fills = drv(c, "shadow_fills");

	(void)negative;
	EXPECT(p, "mmap");
	bad.addr = (uintptr_t)p;
	if (!shadow_mode) {
		EXPECT(svmedu_prefault(&c->dev, p, 4096, true) == -EINVAL,
		       "sva binding: EINVAL");
		munmap(p, 8192);
		return PASS;
	}
	EXPECT(svmedu_prefault(&c->dev, p, 8192, true) == 0, "two pages");
	EXPECT(drv(c, "shadow_fills") > fills, "filled");
	EXPECT(ioctl(c->dev.fd, SVM_EDU_IOC_PREFAULT, &bad) < 0 &&
	       errno == EINVAL, "unknown flag: EINVAL");
	EXPECT(svmedu_prefault(&c->dev, p, 0, false) == -EINVAL, "len 0: EINVAL");
	EXPECT(svmedu_prefault(&c->dev, (void *)(uintptr_t)-4096, 8192, false) ==
	       -EFAULT, "a range that wraps: EFAULT");
	munmap(p + 4096, 4096);
	EXPECT(svmedu_prefault(&c->dev, p, 8192, false) == -EFAULT,
	       "an unmapped page: EFAULT");
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(ro != MAP_FAILED, "mmap");
	EXPECT(svmedu_prefault(&c->dev, ro, 4096, false) == 0,
	       "a read-only page for reading");
	EXPECT(svmedu_prefault(&c->dev, ro, 4096, true) == -EACCES,
	       "a read-only page for writing: EACCES");
	munmap(ro, 4096);
	munmap(p, 4096);
	return PASS;
}

const struct scenario scen_shadow[] = {
	{ "shadow-prefault", "PREFAULT: fills a shadow binding's table; its errnos",
	  NULL, prefault_errnos, NULL },
	{ NULL }
};

const struct scenario scen_shadow_only[] = {
	{ "shadow-skip-clear", "shadow: munmap clears the shadow entries (interval notifier)",
	  "shadow_skip_clear", skip_clear, NULL },
	{ "shadow-fill-race", "shadow: fill racing munmap/remap, sequence retry (hmm_range_fault)",
	  "shadow_skip_retry", fill_race, NULL },
	{ "shadow-dirty", "shadow: MADV_FREE, a device write, MADV_PAGEOUT: the driver dirties the page",
	  "shadow_skip_dirty", shadow_dirty, NULL },
	{ NULL }
};

bool shadow_only(const struct scenario *s)
{
	size_t n = sizeof(scen_shadow_only) / sizeof(scen_shadow_only[0]) - 1;

	return s >= scen_shadow_only && s < scen_shadow_only + n;
}
