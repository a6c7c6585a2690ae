// SPDX-License-Identifier: MIT
/*
 * svm-dma-test --race PATH ROUNDS [--negative]: a mapping-changing kernel
 * path raced against DMA the device is doing in the range.
 *
 * Each round a slowed-down engine runs a batch of COPYs that alternately
 * write the range and read it (block-on-fault: a walk that meets an entry
 * the kernel has invalidated for a moment waits for the fault handler
 * instead of failing), and at a random moment within the batch's duration
 * the path changes the mapping; after it returned, two more COPYs read and
 * write the range. The device's stale counter is read before the change,
 * right after the syscall returned and after all the DMA:
 *
 * - stale uses while the change runs are the legal window (the kernel has
 *   changed the entry, the driver's flush has not completed yet);
 * - stale uses after it returned are the driver's bug: the flush must
 *   have completed before the syscall returned;
 * - where the path gives frames back, a spacer mapped before the change and
 *   touched right after it gets them, and no DMA byte may land there (the
 *   positive run uses the checker's use-stale policy, as real hardware
 *   would, so a surviving translation really writes).
 *
 * A round counts as overlapped when the engine had begun the batch when the
 * change started and had not finished it: a path whose rounds never
 * overlapped proved nothing and fails. The negative control runs with the
 * flush_at_start knob (the flush moves to invalidate_range_start, before
 * the page tables change) and must be caught in at least one round.
 * munmap is race.c's unmap race, with the same summary.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "race.h"
#include "svm_test_harness.h"

#define THROTTLE_US	50
#define SMALL_DESCS	32
#define HUGE_DESCS	4
#define PAGE_DESCS	60	/* one page, paced: room for the probe's 2 */
#define MAX_THROTTLE_US	2000

struct race_stats {
	unsigned int rounds, overlapped, not_changed, not_set_up, bad;
	unsigned int caught, rounds_with_legal;
	uint64_t legal, after, given_back_bytes;
	uint64_t est_us;	/* how long a batch runs (calibrate()) */
	uint64_t change_us;	/* how long the change takes without DMA */
	unsigned int throttle;	/* the engine's pause between chunks, us */
};

/* Translations the engine made: it has begun a batch when they move. */
static uint64_t translations(struct ctx *c)
{
	return hw(c, "iotlb_hits") + hw(c, "iotlb_misses");
}

static size_t count_not(const uint8_t *p, size_t len, uint8_t val)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += p[i] != val;
	return n;
}

int race_start_gap(unsigned int us)
{
	char v[16];

	snprintf(v, sizeof(v), "%u", us);
	return svmedu_write_file("/sys/kernel/debug/svm_edu/inject/start_gap_us", v);
}

/*
 * COPYs that alternately write the range and read it. A COPY of one page
 * is one chunk, which the throttle does not slow down: where the range is
 * one page (zap) or the change hits one page (thp-split), the COPYs work on
 * that page and a COPY of 16 KiB elsewhere paces every two of them.
 */
static void build_batch(struct race_round *r, const struct race_path *p,
			struct svm_edu_udesc *d, uint8_t *src, uint8_t *scratch)
{
	unsigned int i;

	memset(d, 0, r->ndesc * sizeof(*d));
	memset(r->rec, 0, r->ndesc * sizeof(*r->rec));
	for (i = 0; i < r->ndesc; i++) {
		bool one = r->len <= 4096 || r->hot;
		bool pad = one && i % 3 == 0;
		bool rd = p->read_only || (one ? i % 3 == 2 : i % 2);

		d[i].opcode = SVM_EDU_OP_COPY;
		d[i].src = (uintptr_t)(rd ? r->buf + r->hot : src);
		d[i].dst = (uintptr_t)(rd ? scratch : r->buf + r->hot);
		d[i].len = one ? 4096 : r->len;
		if (pad) {
			d[i].src = (uintptr_t)src;
			d[i].dst = (uintptr_t)(r->pad ? r->pad : scratch + RACE_HUGE / 2);
			d[i].len = 16384;
		}
		d[i].completion = (uintptr_t)&r->rec[i];
		d[i].flags = SVM_EDU_UDESC_F_BLOCK_ON_FAULT;
	}
	d[r->ndesc - 1].flags |= SVM_EDU_UDESC_F_IRQ;
}

/* A fault is what a changed mapping may give; anything else is wrong. */
static unsigned int bad_records(struct race_round *r, unsigned int round)
{
	unsigned int i, bad = 0;

	for (i = 0; i < r->ndesc; i++) {
		unsigned int st = r->rec[i].status;

		if (st == SVM_EDU_CS_SUCCESS || st == SVM_EDU_CS_PAGE_FAULT ||
		    st == SVM_EDU_CS_PERM_FAULT)
			continue;
		if (!bad++)
			diag("round %u: COPY %u of %u: %s", round, i, r->ndesc,
			     svmedu_status_name(st));
	}
	return bad;
}

/*
 * The engine sleeps this long between chunks, so that a batch is still
 * running when the change comes. SVM_RACE_THROTTLE_US and
 * SVM_RACE_NEG_THROTTLE_US override it (experiments).
 */
static unsigned int throttle(bool negative)
{
	const char *env = getenv(negative ? "SVM_RACE_NEG_THROTTLE_US" :
				 "SVM_RACE_THROTTLE_US");

	if (env)
		return atoi(env);
	return THROTTLE_US;
}

/*
 * After the change returned, two more COPYs read the range and write it
 * (unless the path's DMA only reads): queued behind the batch, they use
 * whatever translation of the range survived the change, even when the
 * batch was over (or, under the negative control's abort policy, had burnt
 * down on a stale entry) before it returned. A write is what finds a
 * writable translation of a page that became read-only.
 */
static int probe(struct race_round *r, const struct race_path *p,
		 uint8_t *src, uint8_t *scratch)
{
	struct svm_edu_completion *rec = &r->rec[r->ndesc];
	unsigned int n = p->read_only ? 1 : 2;
	struct svm_edu_udesc d[2] = {
		{ .opcode = SVM_EDU_OP_COPY, .src = (uintptr_t)r->buf,
		  .dst = (uintptr_t)scratch, .len = r->len,
		  .completion = (uintptr_t)&rec[0] },
		{ .opcode = SVM_EDU_OP_COPY, .src = (uintptr_t)src,
		  .dst = (uintptr_t)r->buf, .len = r->len,
		  .completion = (uintptr_t)&rec[1] },
	};
	int ret;

	memset(rec, 0, 2 * sizeof(*rec));
	d[n - 1].flags = SVM_EDU_UDESC_F_IRQ;
	ret = svmedu_submit(&r->c->dev, d, n);
	if (!ret)
		ret = svmedu_wait(&r->c->dev, &rec[n - 1], 30000);
	return ret < 0 ? ret : 0;
}

/* The batch and what comes after the change: 0 or -errno. */
static int finish(struct race_round *r, const struct race_path *p,
		  uint8_t *src, uint8_t *scratch, unsigned int round)
{
	int ret;

	if (!p->submit) {
		ret = svmedu_wait(&r->c->dev, &r->rec[r->ndesc - 1], 30000);
		return ret < 0 ? ret : probe(r, p, src, scratch);
	}
	/*
	 * One ring: once a FILL of ours is done, the batch is over. The fork
	 * left our pages write-protected: the CPU copies them first.
	 */
	scratch[0] = 0;
	memset(record(0), 0, sizeof(*record(0)));
	ret = dma_fill(r->c, scratch, 0, 8);
	if (ret != SVM_EDU_CS_SUCCESS)
		diag("round %u: the FILL after the batch: %s", round,
		     ret < 0 ? strerror(-ret) : svmedu_status_name(ret));
	return ret == SVM_EDU_CS_SUCCESS ? 0 : -EIO;
}

static void round_end(struct race_round *r, const struct race_path *p)
{
	if (p->done)
		p->done(r);
	if (r->base)
		munmap(r->base, r->base_len);
	if (r->spacer)
		munmap(r->spacer, r->spacer_len);
}

static int round_setup(struct ctx *c, const struct race_path *p,
		       struct race_round *r, struct svm_edu_udesc *d,
		       uint8_t *src, uint8_t *scratch)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->c = c;
	r->rec = record(0);
	r->pipe_fd = -1;
	r->rnd = rand_r(&c->seed);
	r->len = p->len;
	ret = p->setup(r);
	if (ret != PASS)
		return ret;
	if (r->len <= 4096 || r->hot)
		r->ndesc = PAGE_DESCS;
	else
		r->ndesc = r->len >= RACE_HUGE ? HUGE_DESCS : SMALL_DESCS;
	build_batch(r, p, d, src, scratch);
	return PASS;
}

/* How long a batch runs, and the change without DMA: 0 or -1. */
static int measure(struct ctx *c, const struct race_path *p,
		   struct race_stats *rs, uint8_t *src, uint8_t *scratch)
{
	struct svm_edu_udesc d[PAGE_DESCS];
	struct race_round r;
	uint64_t t0, t1;
	int ret = round_setup(c, p, &r, d, src, scratch);

	if (ret != PASS)
		return ret;
	t0 = now_us();
	if (p->submit)
		ret = p->submit(&r, d) || finish(&r, p, src, scratch, 0);
	else
		ret = svmedu_submit(&c->dev, d, r.ndesc) ||
		      svmedu_wait(&c->dev, &r.rec[r.ndesc - 1], 30000) < 0;
	t1 = now_us();
	rs->est_us = t1 - t0 + 1;
	if (!ret)
		ret = p->change(&r) != 0;
	rs->change_us = now_us() - t1;
	round_end(&r, p);
	return ret ? FAIL : PASS;
}

/*
 * The change comes at a random moment of the batch, which must still run
 * when the change ends: some changes (a collapse that allocates a huge
 * page, an exit) take longer than a batch at the default pace. The engine
 * is slowed until a batch lasts three changes.
 */
static int calibrate(struct ctx *c, const struct race_path *p,
		     struct race_stats *rs, uint8_t *src, uint8_t *scratch)
{
	unsigned int i;
	int ret = PASS;

	for (i = 0; i < 4; i++) {
		ret = measure(c, p, rs, src, scratch);
		if (ret != PASS || rs->est_us >= 3 * rs->change_us ||
		    rs->throttle >= MAX_THROTTLE_US)
			break;
		rs->throttle = rs->throttle * (3 * rs->change_us / rs->est_us + 1);
		if (rs->throttle > MAX_THROTTLE_US)
			rs->throttle = MAX_THROTTLE_US;
		if (svmedu_set_throttle(&c->dev, rs->throttle))
			return FAIL;
	}
	diag("race %s: a batch runs %llu us at %u us per chunk, the change "
	     "takes %llu us", p->name, (unsigned long long)rs->est_us,
	     rs->throttle, (unsigned long long)rs->change_us);
	return ret;
}

/* The device's last 16 stale events, as diagnostics: which page, why. */
static void dump_stale_log(void)
{
	FILE *f = fopen("/sys/kernel/debug/svm_edu/svm-edu0/stale_log", "r");
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

static int round_one(struct ctx *c, const struct race_path *p,
		     struct race_stats *rs, uint8_t *src, uint8_t *scratch,
		     bool negative)
{
	struct svm_edu_udesc d[PAGE_DESCS];
	uint64_t tr, s_sub, s0, s1, s2, t0, t1;
	struct race_round r;
	bool started, running;
	int ret, err, cerr;
	size_t hit;

	ret = round_setup(c, p, &r, d, src, scratch);
	if (ret != PASS)
		return ret;
	tr = translations(c);
	s_sub = hw(c, "stale");
	err = p->submit ? p->submit(&r, d) : svmedu_submit(&c->dev, d, r.ndesc);
	if (!err)
		usleep(rand_r(&c->seed) % (rs->est_us > 2 * rs->change_us ?
					   rs->est_us - rs->change_us :
					   rs->est_us / 2 + 1));
	started = translations(c) != tr;
	running = !((volatile struct svm_edu_completion *)&r.rec[r.ndesc - 1])->status;
	s0 = hw(c, "stale");
	t0 = now_us();
	cerr = err ? err : p->change(&r);
	t1 = now_us();
	s1 = hw(c, "stale");
	if (getenv("SVM_RACE_VERBOSE"))
		diag("round %u: started %d running %d, the change took %llu us, "
		     "the batch %s after it", rs->rounds + 1, started, running,
		     (unsigned long long)(t1 - t0),
		     ((volatile struct svm_edu_completion *)
		      &r.rec[r.ndesc - 1])->status ? "was over" : "still ran");
	if (r.spacer)
		spacer_take(r.spacer, r.spacer_len);	/* the frames given back */
	if (!err)
		err = finish(&r, p, src, scratch, rs->rounds + 1);
	s2 = hw(c, "stale");

	rs->rounds++;
	if (cerr) {
		diag("round %u: %s: %s", rs->rounds, p->name, strerror(-cerr));
		rs->not_changed++;
	}
	rs->overlapped += !cerr && started && running;
	if (p->no_window)
		s0 = s1;	/* no legal window: the uses count as before */
	rs->legal += s1 - s0;
	rs->rounds_with_legal += s1 > s0;
	rs->after += (s0 - s_sub) + (s2 - s1);
	hit = r.spacer ? count_not(r.spacer, r.spacer_len, 1) : 0;
	rs->given_back_bytes += hit;
	rs->caught += s0 > s_sub || s2 > s1 || hit;
	if (!negative && (s0 > s_sub || s2 > s1)) {
		diag("round %u: %llu stale uses before the change, %llu after it "
		     "returned (range %p+%#zx); the stale log:", rs->rounds,
		     (unsigned long long)(s0 - s_sub),
		     (unsigned long long)(s2 - s1), (void *)r.buf, r.len);
		dump_stale_log();
	}
	if (hit)
		diag("round %u: %zu bytes of DMA in memory %s gave back",
		     rs->rounds, hit, p->name);
	if (err) {
		diag("round %u: the batch: %s", rs->rounds, strerror(-err));
		rs->bad++;
	} else if (!p->submit && !negative) {
		/* The negative control's abort policy ends COPYs its own way. */
		rs->bad += bad_records(&r, rs->rounds) > 0;
	}
	round_end(&r, p);
	return PASS;
}

static void verdict(const char *path, const struct race_stats *rs,
		    unsigned int rounds, bool negative)
{
	char what[240];

	if (negative) {
		snprintf(what, sizeof(what), "race %s negative control: flush_at_start "
			 "caught in %u of %u rounds (%u overlapped)", path,
			 rs->caught, rs->rounds, rs->overlapped);
		ksft_test_result(rs->caught > 0, "%s", what);
	} else {
		snprintf(what, sizeof(what), "race %s: %u rounds run, every COPY "
			 "completed or faulted (%u rounds otherwise)", path,
			 rs->rounds, rs->bad);
		ksft_test_result(rs->rounds >= rounds && !rs->bad, "%s", what);
		snprintf(what, sizeof(what), "race %s: the change cut into running "
			 "DMA in %u rounds", path, rs->overlapped);
		ksft_test_result(rs->overlapped > 0, "%s", what);
		snprintf(what, sizeof(what), "race %s: no stale use after the change "
			 "returned (%llu), no DMA in given-back memory (%llu bytes)",
			 path, (unsigned long long)rs->after,
			 (unsigned long long)rs->given_back_bytes);
		ksft_test_result(!rs->after && !rs->given_back_bytes, "%s", what);
	}
}

#define FAULT_AROUND "/sys/module/svm_edu/parameters/prq_fault_around"
#define KHUGEPAGED_SLEEP \
	"/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs"

/*
 * The stale counter is the whole device's: a collapse by khugepaged of
 * memory the engine uses while a race runs would bring the legal window of
 * that collapse into the count as a stale use before or after the change
 * (a THP path's range is MADV_HUGEPAGE, and khugepaged may get to it
 * first). It sleeps for an hour while the race runs; @old keeps its
 * setting, "" when there is none (no THP).
 */
static void khugepaged_pause(char *old, size_t len)
{
	FILE *f = fopen(KHUGEPAGED_SLEEP, "r");

	old[0] = 0;
	if (!f)
		return;
	if (!fgets(old, len, f))
		old[0] = 0;
	fclose(f);
	old[strcspn(old, "\n")] = 0;
	if (old[0])
		svmedu_write_file(KHUGEPAGED_SLEEP, "3600000");
}

static int race_one_path(struct ctx *c, const char *path, unsigned int rounds,
			 bool negative);

/**
 * race_path() - svm-dma-test --race PATH ROUNDS [--negative]
 * @c: the bound context
 * @path: a race_paths[] name, or munmap
 * @rounds: how many rounds
 * @negative: run the negative control (flush_at_start)
 *
 * Return: the exit status: 0 when every check passed.
 */
int race_path(struct ctx *c, const char *path, unsigned int rounds,
	      bool negative)
{
	char sleep_ms[32];
	int ret;

	khugepaged_pause(sleep_ms, sizeof(sleep_ms));
	if (!strcmp(path, "munmap"))
		ret = unmap_race(c, rounds, negative, "flush_at_start");
	else
		ret = race_one_path(c, path, rounds, negative);
	if (sleep_ms[0])
		svmedu_write_file(KHUGEPAGED_SLEEP, sleep_ms);
	svmedu_write_file(FAULT_AROUND, "Y");
	return ret;
}

static int race_one_path(struct ctx *c, const char *path, unsigned int rounds,
			 bool negative)
{
	struct race_stats rs = { 0 };
	const struct race_path *p;
	uint8_t *src, *scratch;
	unsigned int r;
	int ret = PASS;

	for (p = race_paths; p->name && strcmp(p->name, path); p++)
		continue;
	if (!p->name) {
		fprintf(stderr, "svm-dma-test: no race path '%s'\n", path);
		return 2;
	}
	src = map_pages_4k(RACE_HUGE / 4096);
	scratch = map_pages_4k(RACE_HUGE / 4096);
	if (!src || !scratch ||
	    (p->one_page_requests && svmedu_write_file(FAULT_AROUND, "N")) ||
	    svmedu_set_throttle(&c->dev, rs.throttle = throttle(negative)) ||
	    svmedu_set_policy(&c->dev, negative ? "abort" : "use-stale") ||
	    (negative && (svmedu_inject("flush_at_start", true) ||
			  race_start_gap(RACE_START_GAP_US)))) {
		ksft_test_result_fail("race %s: set-up (debugfs, root?)", path);
		return ksft_finished();
	}
	/* flush_at_start takes effect at bind. */
	if (negative && (svmedu_unbind(&c->dev) || svmedu_bind(&c->dev))) {
		ksft_test_result_fail("race %s: rebind", path);
		return ksft_finished();
	}
	memset(src, 0xa5, RACE_HUGE);
	memset(scratch, 0, RACE_HUGE);
	/* A SKIP here: the kernel lacks what the path needs (diag says). */
	ret = calibrate(c, p, &rs, src, scratch);
	if (ret == FAIL || !rs.est_us)
		rs.est_us = 20000;
	/* A negative control not caught yet goes on: up to 3x the rounds. */
	for (r = 0; ret != SKIP && (r < rounds ||
				    (negative && !rs.caught && r < 3 * rounds)); r++)
		rs.not_set_up += round_one(c, p, &rs, src, scratch,
						   negative) != PASS;
	svmedu_inject("flush_at_start", false);
	race_start_gap(0);
	svmedu_set_policy(&c->dev, "report");
	svmedu_set_throttle(&c->dev, 0);
	/* Whatever a broken run left cached goes with the PASID. */
	if (svmedu_unbind(&c->dev) || svmedu_bind(&c->dev))
		diag("rebind failed");
	munmap(src, RACE_HUGE);
	munmap(scratch, RACE_HUGE);
	if (ret == SKIP && !rs.rounds) {
		ksft_test_result_skip("the kernel lacks it (above)", "race %s%s",
				      path, negative ? " negative control" : "");
		return ksft_finished();
	}
	printf("# race %s%s: %u rounds, %u overlapped, %llu legal-window stale "
	       "uses (in %u rounds), %llu stale after return, %llu bytes in "
	       "given-back memory, %u changes failed, %u rounds not set up%s%u\n",
	       path, negative ? " (negative)" : "", rs.rounds, rs.overlapped,
	       (unsigned long long)rs.legal, rs.rounds_with_legal,
	       (unsigned long long)rs.after,
	       (unsigned long long)rs.given_back_bytes, rs.not_changed,
	       rs.not_set_up, negative ? ", caught in rounds: " : ", caught: ",
	       rs.caught);
	verdict(path, &rs, rounds - rs.not_set_up, negative);
	ret = ksft_finished();
	if (negative)
		return rs.caught ? ret : KSFT_FAIL;
	return rs.rounds == rounds - rs.not_set_up && !rs.bad && rs.overlapped &&
	       !rs.after && !rs.given_back_bytes && rs.rounds ? ret : KSFT_FAIL;
}
