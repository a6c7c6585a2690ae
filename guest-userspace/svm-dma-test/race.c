// SPDX-License-Identifier: MIT
/*
 * svm-dma-test --unmap-race ROUNDS (negative control: skip_flush), and
 * --race munmap ROUNDS (negative control: flush_at_start, as every --race
 * path): munmap a range the device is copying into.
 *
 * Each round queues a batch of COPYs into one destination (a slowed-down
 * engine re-uses its cached translations from one COPY to the next) and
 * unmaps all or part of it at a random moment. What may happen: a COPY
 * completes, or it faults at the first unmapped page, and once one has
 * faulted no later one completes. What must not: data written into memory
 * the process gave back. The frames munmap frees go to a spacer that we
 * fill right after munmap returns; the device's checker runs with the
 * use-stale policy, so a translation the driver failed to flush would
 * really be used and its data would show up in the spacer.
 *
 * The COPYs are block-on-fault: a partial munmap of a THP splits its PMD,
 * and a walk that meets the PMD while the kernel has it invalidated sees
 * "not present" although the page stays mapped. A CPU retries such a
 * fault; the device sends a page request, the kernel's fault handler waits
 * for the split and answers "go on". Only the unmapped range then faults.
 *
 * Between the kernel clearing a PTE and the driver's flush completing (all
 * inside munmap) the device may still use its cached translation: the
 * checker counts those accesses as stale. That window is legal (the CPU
 * TLBs have it too, and the frames are freed only after the flush), so
 * such events are counted and reported, not failed. A stale access after
 * munmap returned is a driver bug.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmatest.h"
#include "svm_test_harness.h"

#define HUGE		(2u << 20)
#define SMALL_PAGES	16		/* 4 KiB rounds: 32 COPYs of 64 KiB */
#define SMALL_DESCS	32
#define HUGE_DESCS	2		/* THP rounds: 2 COPYs of 2 MiB */
#define THROTTLE_US	50

struct race_stats {
	unsigned int rounds, all_done, cut_between, faulted_first;
	unsigned int bad_status, bad_data, spacer_hits;
	uint64_t legal, legal_thp, illegal, spacer_bytes;
	unsigned int rounds_with_legal, overlapped, caught;
};

/* Bytes at @p..@p+@len that are not @val. */
static size_t count_not(const uint8_t *p, size_t len, uint8_t val)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += p[i] != val;
	return n;
}

/* Offset of the first byte where @a and @b differ, or @len. */
static size_t first_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len && a[i] == b[i]; i++)
		continue;
	return i;
}

/* Offset of the first byte that is not @val, or @len. */
static size_t first_not(const uint8_t *p, size_t len, uint8_t val)
{
	size_t i;

	for (i = 0; i < len && p[i] == val; i++)
		continue;
	return i;
}

static void round_one(struct ctx *c, struct race_stats *rs, bool thp,
		      const uint8_t *src)
{
	size_t pages = thp ? HUGE / 4096 : SMALL_PAGES, len = pages * 4096;
	unsigned int ndesc = thp ? HUGE_DESCS : SMALL_DESCS, i, ok = 0, bad = 0;
	struct svm_edu_udesc d[SMALL_DESCS];
	size_t cut_off, cut_len, after, at;
	uint8_t *dst, *spacer;
	uint64_t s0, s1, s2, tr;
	bool faulted = false, overlapped, caught;
	int st;

	dst = thp ? map_2m_aligned(true) : map_pages(pages);
	if (!dst) {
		rs->bad_status++;
		return;
	}
	memset(dst, 0x5a, len);
	if (rand_r(&c->seed) % 3 == 0) {
		cut_off = 0;
		cut_len = len;
	} else {
		cut_off = (1 + rand_r(&c->seed) % (pages - 1)) * 4096;
		cut_len = (1 + rand_r(&c->seed) % ((len - cut_off) / 4096)) * 4096;
	}
	spacer = spacer_map(cut_len);
	memset(d, 0, sizeof(d));
	for (i = 0; i < ndesc; i++) {
		memset(record(i), 0, sizeof(*record(i)));
		d[i].opcode = SVM_EDU_OP_COPY;
		d[i].src = (uintptr_t)src;
		d[i].dst = (uintptr_t)dst;
		d[i].len = len;
		d[i].completion = (uintptr_t)record(i);
		d[i].flags = SVM_EDU_UDESC_F_BLOCK_ON_FAULT;
	}
	d[ndesc - 1].flags |= SVM_EDU_UDESC_F_IRQ;

	s0 = hw(c, "stale");
	tr = hw(c, "iotlb_hits") + hw(c, "iotlb_misses");
	st = svmedu_submit(&c->dev, d, ndesc);
	usleep(rand_r(&c->seed) % 100000);
	/* Overlapped: the engine had begun, and not finished, the batch. */
	overlapped = !st && hw(c, "iotlb_hits") + hw(c, "iotlb_misses") != tr &&
		     !((volatile struct svm_edu_completion *)record(ndesc - 1))->status;
	munmap(dst + cut_off, cut_len);
	s1 = hw(c, "stale");
	if (spacer)
		spacer_take(spacer, cut_len);	/* gets the frames munmap freed */
	if (!st)
		st = svmedu_wait(&c->dev, record(ndesc - 1), 30000);
	s2 = hw(c, "stale");
	rs->rounds++;
	rs->legal += s1 - s0;
	if (thp)
		rs->legal_thp += s1 - s0;
	rs->rounds_with_legal += s1 > s0;
	rs->illegal += s2 - s1;
	rs->overlapped += overlapped;
	caught = s2 > s1;
	rs->caught += caught;
	if (st < 0) {
		diag("round %u: %s", rs->rounds, strerror(-st));
		rs->bad_status++;
		goto out;
	}

	/* Completed, completed, ..., faulted at the cut, faulted, ... */
	for (i = 0; i < ndesc; i++) {
		struct svm_edu_completion *r = record(i);
		uint64_t fa = r->fault_addr - (uintptr_t)dst;

		if (r->status == SVM_EDU_CS_SUCCESS && !faulted) {
			ok++;
		} else if (r->status == SVM_EDU_CS_PAGE_FAULT && fa >= cut_off &&
			   fa < cut_off + cut_len && r->bytes_completed == fa) {
			faulted = true;
		} else {
			diag("round %u: COPY %u of %u: %s at +%#llx (cut +%#zx..+%#zx)",
			     rs->rounds, i, ndesc, svmedu_status_name(r->status),
			     (unsigned long long)fa, cut_off, cut_off + cut_len);
			bad++;
		}
	}
	rs->bad_status += bad > 0;
	rs->all_done += ok == ndesc;
	rs->cut_between += ok && faulted;
	rs->faulted_first += !ok;

	/* What stays mapped holds the copy; past the cut only if one completed. */
	after = cut_off + cut_len;
	at = first_diff(dst, src, cut_off);
	if (at == cut_off)
		at = after + (ok ? first_diff(dst + after, src + after, len - after) :
			      first_not(dst + after, len - after, 0x5a));
	if (at < len) {
		diag("round %u (%s, %u of %u completed): byte +%#zx of the "
		     "destination is %#x (cut +%#zx..+%#zx)", rs->rounds,
		     thp ? "THP" : "4 KiB", ok, ndesc, at, dst[at], cut_off, after);
		rs->bad_data++;
	}
	if (spacer)
		rs->spacer_bytes += count_not(spacer, cut_len, 1);
	if (spacer && count_not(spacer, cut_len, 1)) {
		diag("round %u: %zu bytes of DMA in memory munmap gave back",
		     rs->rounds, count_not(spacer, cut_len, 1));
		rs->spacer_hits++;
	}
	/*
	 * A COPY out of the destination after all that: it uses whatever
	 * translation survived munmap, even when the batch was over before
	 * munmap returned. src is filled again next round.
	 */
	s1 = hw(c, "stale");
	memset(record(ndesc), 0, sizeof(*record(ndesc)));
	if (!svmedu_copy(&c->dev, (void *)src, dst, len, record(ndesc),
			 SVM_EDU_UDESC_F_IRQ))
		svmedu_wait(&c->dev, record(ndesc), 30000);
	s2 = hw(c, "stale");
	rs->illegal += s2 - s1;
	rs->caught += s2 > s1 && !caught;
out:
	munmap(dst, thp ? HUGE : len);
	if (spacer)
		munmap(spacer, cut_len);
}

/**
 * unmap_race() - svm-dma-test --unmap-race ROUNDS, --race munmap ROUNDS
 * @c: the bound context
 * @rounds: how many rounds
 * @negative: run the negative control, with @knob on
 * @knob: the fault-injection knob of the negative control
 *
 * Return: the exit status: 0 when every check passed.
 */
int unmap_race(struct ctx *c, unsigned int rounds, bool negative,
	       const char *knob)
{
	struct race_stats rs = { 0 };
	uint8_t *src = map_pages_4k(HUGE / 4096);
	uint64_t prq = drv(c, "page_requests");
	uint64_t prq_failed = drv(c, "page_requests_failed");
	char what[200];
	unsigned int r;

	if (!src || svmedu_set_throttle(&c->dev, THROTTLE_US) ||
	    svmedu_set_policy(&c->dev, !negative ? "use-stale" :
			      strcmp(knob, "flush_at_start") ? "report" : "abort") ||
	    (negative && svmedu_inject(knob, true)) ||
	    (negative && !strcmp(knob, "flush_at_start") && race_start_gap(RACE_START_GAP_US))) {
		ksft_test_result_fail("unmap race: set-up (debugfs, root?)");
		return ksft_finished();
	}
	/* flush_at_start takes effect at bind. */
	if (negative && (svmedu_unbind(&c->dev) || svmedu_bind(&c->dev))) {
		ksft_test_result_fail("unmap race: rebind");
		return ksft_finished();
	}
	/* A negative control not caught yet goes on: up to 3x the rounds. */
	for (r = 0; r < rounds || (negative && !rs.caught && r < 3 * rounds);
	     r++) {
		fill_pattern(src, HUGE, c->seed * 4099 + r);
		round_one(c, &rs, r % 2, src);
	}
	svmedu_inject(knob, false);
	race_start_gap(0);
	svmedu_set_policy(&c->dev, "report");
	svmedu_set_throttle(&c->dev, 0);
	/* Whatever a broken run left cached goes with the PASID. */
	if (svmedu_unbind(&c->dev) || svmedu_bind(&c->dev))
		diag("rebind failed");
	munmap(src, HUGE);

	diag("%u rounds: munmap after all COPYs %u, between COPYs %u, before the "
	     "first completed %u", rs.rounds, rs.all_done, rs.cut_between,
	     rs.faulted_first);
	prq = drv(c, "page_requests") - prq;
	diag("page requests: %llu, %llu of them for pages no longer mapped",
	     (unsigned long long)prq,
	     (unsigned long long)(drv(c, "page_requests_failed") - prq_failed));
	diag("stale accesses: %llu inside the legal window (in %u rounds; %llu "
	     "in 4 KiB rounds, %llu in THP rounds), %llu after munmap returned",
	     (unsigned long long)rs.legal, rs.rounds_with_legal,
	     (unsigned long long)(rs.legal - rs.legal_thp),
	     (unsigned long long)rs.legal_thp, (unsigned long long)rs.illegal);
	printf("# race munmap%s: %u rounds, %u overlapped, %llu legal-window "
	       "stale uses (in %u rounds), %llu stale after return, %llu bytes "
	       "in given-back memory, caught%s: %u\n", negative ? " (negative)" : "",
	       rs.rounds, rs.overlapped, (unsigned long long)rs.legal,
	       rs.rounds_with_legal, (unsigned long long)rs.illegal,
	       (unsigned long long)rs.spacer_bytes, negative ? " in rounds" : "",
	       rs.caught);
	if (negative) {
		snprintf(what, sizeof(what), "unmap race negative control: with "
			 "%s, %llu stale accesses after munmap returned (in %u "
			 "rounds)", knob, (unsigned long long)rs.illegal, rs.caught);
		ksft_test_result(rs.illegal > 0, "%s", what);
		return ksft_finished();
	}
	snprintf(what, sizeof(what), "unmap race: %u rounds, every COPY completed "
		 "or faulted in the unmapped range (%u rounds otherwise)",
		 rs.rounds, rs.bad_status);
	ksft_test_result(rs.rounds >= rounds && !rs.bad_status, "%s", what);
	snprintf(what, sizeof(what), "unmap race: munmap cut into a running batch "
		 "in %u rounds", rs.cut_between);
	ksft_test_result(rs.cut_between > 0, "%s", what);
	snprintf(what, sizeof(what), "unmap race: munmap overlapped running DMA "
		 "in %u rounds", rs.overlapped);
	ksft_test_result(rs.overlapped > 0, "%s", what);
	snprintf(what, sizeof(what), "unmap race: mapped data right (%u rounds "
		 "wrong), no DMA in given-back memory (%u rounds)", rs.bad_data,
		 rs.spacer_hits);
	ksft_test_result(!rs.bad_data && !rs.spacer_hits, "%s", what);
	snprintf(what, sizeof(what), "unmap race: no stale access after munmap "
		 "returned (%llu inside the legal window)",
		 (unsigned long long)rs.legal);
	ksft_test_result(rs.illegal == 0, "%s", what);
	ksft_test_result(device_works(c), "unmap race: the device still works");
	return ksft_finished();
}
