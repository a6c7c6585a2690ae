// SPDX-License-Identifier: MIT
/*
 * svm-bench: invalidation: doorbells per notifier callback, device time per
 * command, the cost of munmap with a bound PASID, and the range vs
 * whole-PASID crossover; on its own (svm-bench attribution), the cost of
 * attributing a callback (debugfs svm_edu/attribution).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static void doorbells(void)
{
	static const unsigned long pages[] = { 1, 16, 512, 4096, 65536, 262144 };
	/* Every queued command counts: PAGE, PASID and the WAIT behind them. */
	uint64_t cmds0 = hw("inv_descs"), ns0 = hw("inv_busy_ns");
	double ratio[6], per_cmd;
	unsigned int i;

	for (i = 0; i < 6; i++) {
		size_t len = pages[i] * 4096, j;
		/*
		 * Read-faulted pages all map the shared zero page: present PTEs
		 * to flush for up to 1 GiB, in a guest of 1 GiB.
		 */
		volatile uint8_t *p = mmap(NULL, len, PROT_READ,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t calls, bells;

		madvise((void *)p, len, MADV_NOHUGEPAGE);
		for (j = 0; j < len; j += 4096)
			(void)p[j];
		calls = drv("flush_calls");
		bells = drv("doorbells");

		munmap((void *)p, len);
		ratio[i] = (double)(drv("doorbells") - bells) /
			   (double)(drv("flush_calls") - calls);
		series("doorbells_per_callback", pages[i], ratio[i]);
	}
	result("doorbells_per_callback", ratio, 6, "doorbells");
	per_cmd = (double)(hw("inv_busy_ns") - ns0) /
		  (double)(hw("inv_descs") - cmds0);
	result("device_ns_per_inv_command", &per_cmd, 1, "ns");
}

/*
 * Cycles per batch: short batches, many of them, so that a preemption of
 * the vCPU spoils one batch and not the pair.
 */
static int batch_cycles(unsigned long pages)
{
	return pages >= 512 ? 1 : pages >= 16 ? 4 : 16;
}

static void map_cycle(unsigned long pages)
{
	uint8_t *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long j;

	for (j = 0; j < pages; j++)
		p[j * 4096] = 1;
	munmap(p, pages * 4096);
}

/*
 * ns per mmap + touch + munmap of @pages, one batch. The first cycle is
 * not timed: it pays for the switch from whatever ran before. Under TCG a
 * switch to another process's page tables empties the vCPU's software
 * TLB, and the batch after the helper's (always the bound one, in the
 * rotation B S H) was 20-40 us slower for it: the bound/unbound rows read
 * 1.13x for 16 pages while the same process bound after itself unbound
 * read 1.00x (svm-bench munmap, 2026-11-29).
 */
static double map_batch(unsigned long pages)
{
	int i, n = batch_cycles(pages);
	double t0;

	map_cycle(pages);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		map_cycle(pages);
	return (now_ns() - t0) / n;
}

/*
 * A process that never binds runs batches when asked: @pages per request
 * on @req, ns per cycle back on @ans, until @req closes.
 */
static void unbound_server(int req, int ans)
{
	unsigned long pages;

	while (read(req, &pages, sizeof(pages)) == sizeof(pages)) {
		double t = map_batch(pages);

		if (write(ans, &t, sizeof(t)) != sizeof(t))
			break;
	}
	_exit(0);
}

struct unbound {
	pid_t pid;
	int req, ans;
};

static int unbound_start(struct unbound *u)
{
	int to[2], from[2];

	if (pipe(to) || pipe(from))
		return -1;
	u->pid = fork();
	if (u->pid < 0)
		return -1;
	if (u->pid == 0) {
		close(to[1]);
		close(from[0]);
		unbound_server(to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	u->req = to[1];
	u->ans = from[0];
	return 0;
}

static double unbound_batch(struct unbound *u, unsigned long pages)
{
	double t = 0;

	if (write(u->req, &pages, sizeof(pages)) != sizeof(pages) ||
	    read(u->ans, &t, sizeof(t)) != sizeof(t))
		return 0;
	return t;
}

static void unbound_stop(struct unbound *u)
{
	close(u->req);
	close(u->ans);
	waitpid(u->pid, NULL, 0);
}

/* One batch of this process with the PASID unbound; bound again after. */
static double self_unbound_batch(unsigned long pages)
{
	double t;

	svmedu_unbind(&dev);
	t = map_batch(pages);
	if (svmedu_bind(&dev))
		printf("# cannot bind again\n");
	svmedu_set_policy(&dev, "off");
	return t;
}

/*
 * Bound against unbound, interleaved batch by batch with the order
 * rotating (B S H, S H B, H B S, ...), each side of a pair the best of
 * TRIES batches; the row is the median of the pair ratios. The unbound
 * side is this same process with the PASID unbound for the batch (S):
 * against a helper process that never bound (H) the ratio shifted from
 * boot to boot by 20 % either way (0.88x to 1.25x in two boots) with the
 * pairs of each boot agreeing, a difference between the two processes,
 * not the binding. H stays as a report (munmap_bound_vs_helper_N). What
 * S keeps of the binding, the mm's emptied notifier list, is cheap
 * (docs/performance.md). Issue 16 saw 1.04x in one run and 1.40x in the
 * next when all bound batches ran after all unbound ones. A munmap is
 * cheap: more pairs.
 */
#define MUNMAP_PAIRS	(3 * PAIRS)
/*
 * Each side of a munmap pair is the best of this many batches: a 16-page
 * cycle takes 0.3 ms under TCG, and with the best of 3 a quarter of the
 * pairs still had a side that every batch of the host's load hit (pair
 * ratios 0.93x to 1.31x, p25-p75, in the make bench of 2026-11-29).
 */
#define MUNMAP_TRIES	(2 * TRIES)

static void munmap_cost(void)
{
	static const unsigned long pages[] = { 1, 16, 512 };
	struct unbound u;
	unsigned int i;

	/*
	 * On one vCPU, the helper (forked after) too: a process that ran on
	 * both has both in its mm's CPU mask, and its munmap then kicks the
	 * other vCPU to flush its TLB, under TCG at a cost that depends on
	 * what that vCPU is doing, bound or not.
	 */
	pin_cpu(-1);
	if (unbound_start(&u))
		return;
	for (i = 0; i < 3; i++) {
		double bound[MUNMAP_PAIRS], self[MUNMAP_PAIRS], helper[MUNMAP_PAIRS];
		double ratio[MUNMAP_PAIRS], rh[MUNMAP_PAIRS];
		char key[64];
		int r;

		map_batch(pages[i]);	/* warm all three */
		self_unbound_batch(pages[i]);
		unbound_batch(&u, pages[i]);
		for (r = 0; r < MUNMAP_PAIRS; r++) {
			int t;

			bound[r] = self[r] = helper[r] = 1e30;
			for (t = 0; t < 3 * MUNMAP_TRIES; t++) {
				switch ((t + r) % 3) {
				case 0:
					bound[r] = lower(bound[r], map_batch(pages[i]));
					break;
				case 1:
					self[r] = lower(self[r], self_unbound_batch(pages[i]));
					break;
				case 2:
					helper[r] = lower(helper[r], unbound_batch(&u, pages[i]));
					break;
				}
			}
			ratio[r] = bound[r] / self[r];
			rh[r] = bound[r] / helper[r];
		}
		snprintf(key, sizeof(key), "munmap_bound_vs_unbound_%lu", pages[i]);
		result(key, ratio, MUNMAP_PAIRS, "x");
		snprintf(key, sizeof(key), "munmap_bound_vs_helper_%lu", pages[i]);
		result(key, rh, MUNMAP_PAIRS, "x");
		snprintf(key, sizeof(key), "munmap_bound_ns_%lu", pages[i]);
		result(key, bound, MUNMAP_PAIRS, "ns");
		snprintf(key, sizeof(key), "munmap_unbound_ns_%lu", pages[i]);
		result(key, self, MUNMAP_PAIRS, "ns");
		snprintf(key, sizeof(key), "munmap_helper_ns_%lu", pages[i]);
		result(key, helper, MUNMAP_PAIRS, "ns");
	}
	unbound_stop(&u);
	unpin();
}

/*
 * Where the bound cost of a munmap of @pages goes (issue 16, part 4):
 * interleaved batches of
 *   U  a helper process that never bound,
 *   X  this process, unbound again (svmedu_unbind: no callback any more,
 *      but the mm keeps its emptied notifier list),
 *   F  this process bound, attribution off,
 *   N  this process bound, attribution on,
 * with the driver's counters per bound munmap (notifier callbacks,
 * flushes, doorbells, WAIT spins) and the device's (commands, its time on
 * them): X - U is the process, not the binding; F - X the callbacks with
 * their doorbell and WAIT (svmctl latency has the doorbell-to-WAIT time);
 * N - F attribution.
 */
void bench_munmap_breakdown(unsigned long pages)
{
	static const char *const dc[] = { "notifier_calls", "flush_calls",
		"doorbells", "wait_spins" };
	static const char *const hc[] = { "inv_descs", "inv_busy_ns", "inv_dropped" };
	double un[MUNMAP_PAIRS], self[MUNMAP_PAIRS], off[MUNMAP_PAIRS];
	double on[MUNMAP_PAIRS], v[MUNMAP_PAIRS];
	uint64_t d0[4], h0[3];
	int n = batch_cycles(pages), r, k, t;
	struct unbound u;
	char key[64];

	svmedu_set_policy(&dev, "off");
	pin_cpu(-1);	/* as munmap_cost() */
	if (unbound_start(&u))
		return;
	map_batch(pages);
	unbound_batch(&u, pages);
	svmedu_attribution(false);
	for (k = 0; k < 4; k++)
		d0[k] = drv(dc[k]);
	for (k = 0; k < 3; k++)
		h0[k] = hw(hc[k]);
	for (r = 0; r < MUNMAP_PAIRS; r++) {
		un[r] = self[r] = off[r] = on[r] = 1e30;
		/* Rotate the order: U X F N U X F N .., X F N U .., ... */
		for (t = 0; t < 4 * MUNMAP_TRIES; t++) {
			switch ((r + t) % 4) {
			case 0:
				un[r] = lower(un[r], unbound_batch(&u, pages));
				break;
			case 1:
				self[r] = lower(self[r], self_unbound_batch(pages));
				break;
			case 2:
				svmedu_attribution(false);
				off[r] = lower(off[r], map_batch(pages));
				break;
			case 3:
				svmedu_attribution(true);
				on[r] = lower(on[r], map_batch(pages));
				svmedu_attribution(false);
				break;
			}
		}
	}
	unbound_stop(&u);
	/* Per bound munmap: 2 * MUNMAP_TRIES bound batches of n a pair. */
	for (k = 0; k < 4; k++)
		printf("BREAKDOWN %s_per_munmap %.3f\n", dc[k],
		       (double)(drv(dc[k]) - d0[k]) /
		       (2.0 * MUNMAP_TRIES * MUNMAP_PAIRS * n));
	for (k = 0; k < 3; k++)
		printf("BREAKDOWN %s_per_munmap %.3f\n", hc[k],
		       (double)(hw(hc[k]) - h0[k]) /
		       (2.0 * MUNMAP_TRIES * MUNMAP_PAIRS * n));
	snprintf(key, sizeof(key), "munmap_%lu_unbound_ns", pages);
	result(key, un, MUNMAP_PAIRS, "ns");
	for (r = 0; r < MUNMAP_PAIRS; r++)
		v[r] = self[r] - un[r];
	snprintf(key, sizeof(key), "munmap_%lu_self_unbound_minus_helper_ns", pages);
	result(key, v, MUNMAP_PAIRS, "ns");
	for (r = 0; r < MUNMAP_PAIRS; r++)
		v[r] = off[r] - self[r];
	snprintf(key, sizeof(key), "munmap_%lu_bound_minus_self_unbound_ns", pages);
	result(key, v, MUNMAP_PAIRS, "ns");
	for (r = 0; r < MUNMAP_PAIRS; r++)
		v[r] = off[r] - un[r];
	snprintf(key, sizeof(key), "munmap_%lu_bound_minus_helper_ns", pages);
	result(key, v, MUNMAP_PAIRS, "ns");
	for (r = 0; r < MUNMAP_PAIRS; r++)
		v[r] = on[r] - off[r];
	snprintf(key, sizeof(key), "munmap_%lu_attribution_ns", pages);
	result(key, v, MUNMAP_PAIRS, "ns");
	for (r = 0; r < MUNMAP_PAIRS; r++)
		v[r] = off[r] / un[r];
	snprintf(key, sizeof(key), "munmap_%lu_bound_vs_unbound", pages);
	result(key, v, MUNMAP_PAIRS, "x");
	for (r = 0; r < MUNMAP_PAIRS; r++)
		v[r] = off[r] / self[r];
	snprintf(key, sizeof(key), "munmap_%lu_bound_vs_self_unbound", pages);
	result(key, v, MUNMAP_PAIRS, "x");
	svmedu_set_policy(&dev, "report");
}

/*
 * What a flush of @pages costs the device either way: the invalidation
 * commands (INV_DESCS, each a scan of the whole IOTLB, and INV_BUSY_NS)
 * plus refilling a 48-page working set the device had cached (the WALKS
 * and PTE_READS of the FILL that walks again, and its BUSY_NS), which a
 * whole-PASID flush throws away and a range flush keeps. The counts are
 * the device's own and do not depend on the load of the host; the times
 * do, and are the cross-check.
 */
struct flush {
	double cmds, dropped, walks, ptes;	/* counts, median of REPEAT */
	double inv_ns, refill_ns, ns;		/* device ns, median of REPEAT */
};

static double median(double *v, int n)
{
	int r, k;

	for (r = 1; r < n; r++)	/* insertion sort: n is REPEAT */
		for (k = r; k > 0 && v[k] < v[k - 1]; k--) {
			double t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	return v[n / 2];
}

static struct flush flush_cost(unsigned long pages, unsigned int threshold,
			       uint8_t *ws)
{
	double c[REPEAT], d[REPEAT], w[REPEAT], pr[REPEAT];
	double inv[REPEAT], refill[REPEAT], tot[REPEAT];
	struct flush f;
	int r;

	set_param("whole_pasid_pages", threshold);
	for (r = 0; r < REPEAT; r++) {
		/*
		 * The range one page past a 2 MiB boundary, wherever mmap puts
		 * the region: the commands a range needs depend on its
		 * alignment (64 aligned pages are one command, 64 from one
		 * page past are six), and so did the crossover (64 or 128
		 * pages from run to run).
		 */
		size_t len = pages * 4096 + (4 << 20);
		uint8_t *base = mmap(NULL, len, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint8_t *p = (uint8_t *)((((uintptr_t)base + (2 << 20) - 1) &
					  ~((2UL << 20) - 1)) + 4096);
		uint64_t ns, cmds, drop, walks, ptes, busy;

		if (base == MAP_FAILED)
			break;
		madvise(base, len, MADV_NOHUGEPAGE);
		memset(p, 1, pages * 4096);

		run_fill(ws, 48 * 4096, 0);
		run_fill(p, pages * 4096 < (1 << 20) ? pages * 4096 : 1 << 20, 0);
		ns = hw("inv_busy_ns");
		cmds = hw("inv_descs");
		drop = hw("inv_dropped");
		munmap(p, pages * 4096);
		inv[r] = hw("inv_busy_ns") - ns;
		c[r] = hw("inv_descs") - cmds;
		d[r] = hw("inv_dropped") - drop;
		busy = hw("busy_ns");
		walks = hw("walks");
		ptes = hw("pte_reads");
		run_fill(ws, 48 * 4096, 0);
		refill[r] = hw("busy_ns") - busy;
		w[r] = hw("walks") - walks;
		pr[r] = hw("pte_reads") - ptes;
		tot[r] = inv[r] + refill[r];
		/* The rest of the region: after the refill, so it stays out. */
		munmap(base, p - base);
		munmap(p + pages * 4096, base + len - (p + pages * 4096));
	}
	set_param("whole_pasid_pages", 64);
	f.cmds = median(c, REPEAT);
	f.dropped = median(d, REPEAT);
	f.walks = median(w, REPEAT);
	f.ptes = median(pr, REPEAT);
	f.inv_ns = median(inv, REPEAT);
	f.refill_ns = median(refill, REPEAT);
	f.ns = median(tot, REPEAT);
	return f;
}

/*
 * Device ns per PTE read of a refill: FILLs of the 48-page working set
 * after a whole-PASID flush (every page walked again) against the same
 * FILL with the translations cached, interleaved, each side the best of
 * TRIES: the difference over the PTE reads it took.
 */
static void pte_price(uint8_t *ws, double q[3])
{
	double v[PAIRS];
	int r, t;

	set_param("whole_pasid_pages", 1);
	for (r = 0; r < PAIRS; r++) {
		double cold = 1e30, warm = 1e30, ptes = 0;

		for (t = 0; t < 2 * TRIES; t++) {
			uint64_t busy, pr;

			run_fill(ws, 48 * 4096, 0);
			if ((t + r) & 1) {
				/* A one-page munmap elsewhere: a whole-PASID flush. */
				munmap(map_touched(4096, MADV_NOHUGEPAGE), 4096);
			}
			busy = hw("busy_ns");
			pr = hw("pte_reads");
			run_fill(ws, 48 * 4096, 0);
			if ((t + r) & 1) {
				cold = lower(cold, hw("busy_ns") - busy);
				ptes = hw("pte_reads") - pr;
			} else {
				warm = lower(warm, hw("busy_ns") - busy);
			}
		}
		v[r] = ptes ? (cold - warm) / ptes : 0;
	}
	set_param("whole_pasid_pages", 64);
	result("device_ns_per_pte_read", v, PAIRS, "ns");
	/* result() sorted v: the cheapest, the median and the dearest */
	q[0] = v[0];
	q[1] = v[PAIRS / 2];
	q[2] = v[PAIRS - 1];
}

/* The first size at which the whole-PASID flush costs less, or 0. */
static unsigned long crossover(const struct flush *range,
			       const struct flush *whole, int sizes,
			       double pc, double pp)
{
	unsigned long pages;
	int i;

	for (i = 0, pages = 1; i < sizes; i++, pages *= 2) {
		double r = range[i].cmds * pc + range[i].ptes * pp;
		double w = whole[i].cmds * pc + whole[i].ptes * pp;

		/* Equal counts are a tie, not a crossing. */
		if (w < r && (whole[i].cmds < range[i].cmds ||
			      whole[i].ptes < range[i].ptes))
			return pages;
	}
	return 0;
}

/*
 * The crossover from the counts (FLUSH lines), priced with what one
 * command costs the device over the whole sweep (the sum over every flush
 * of it: hundreds of commands, not one timing) and what one PTE read of a
 * refill costs (pte_price()). Only where the counts differ does a price
 * matter: at 64 pages and more the range flush issues 12 to 23 commands
 * and the whole-PASID flush 4, with the same refill but one walk (the
 * completion record's page, which a range flush keeps); below, the range
 * flush keeps the working set. With the walk cache a refill reads about
 * one entry per page, and at 32 pages the range flush's 10 more commands
 * weigh against 37 more PTE reads of the whole flush's refill: the
 * crossover is 32 when a command costs more than 3.7 PTE reads, else 64,
 * and the measured prices sit near that ratio (325 against 65 to 124 ns
 * in four boots of 2026-11-29, whose quartiles did not overlap). So the
 * crossover is also priced at the cheapest and the dearest PTE price of
 * the pairs, in the p25 and p75 fields of its line: when they differ the
 * prices do not decide it, and scripts/bench-rows.sh calls it unstable.
 */
static void threshold(void)
{
	enum { SIZES = 13 };
	uint8_t *ws = map_touched(48 * 4096, MADV_NOHUGEPAGE);
	struct flush range[SIZES], whole[SIZES];
	double cmds = 0, inv_ns = 0;
	double c, pc, pp[3];
	unsigned long pages, by_time = 0, by_count, lo, hi;
	int i;

	pte_price(ws, pp);
	for (i = 0, pages = 1; i < SIZES; i++, pages *= 2) {
		range[i] = flush_cost(pages, 0, ws);
		whole[i] = flush_cost(pages, 1, ws);
		series("flush_cost_range", pages, range[i].ns / 1000);
		series("flush_cost_whole", pages, whole[i].ns / 1000);
		printf("FLUSH %lu range cmds %.0f dropped %.0f walks %.0f ptes %.0f inv_ns %.0f refill_ns %.0f"
		       " whole cmds %.0f dropped %.0f walks %.0f ptes %.0f inv_ns %.0f refill_ns %.0f\n",
		       pages, range[i].cmds, range[i].dropped, range[i].walks,
		       range[i].ptes, range[i].inv_ns, range[i].refill_ns,
		       whole[i].cmds, whole[i].dropped, whole[i].walks,
		       whole[i].ptes, whole[i].inv_ns, whole[i].refill_ns);
		cmds += range[i].cmds + whole[i].cmds;
		inv_ns += range[i].inv_ns + whole[i].inv_ns;
		/*
		 * The first size at which the whole-PASID flush is cheaper in
		 * time: the cross-check.
		 */
		if (!by_time && whole[i].ns < range[i].ns)
			by_time = pages;
	}
	pc = cmds ? inv_ns / cmds : 0;
	for (i = 0, pages = 1; i < SIZES; i++, pages *= 2) {
		series("flush_model_range", pages,
		       (range[i].cmds * pc + range[i].ptes * pp[1]) / 1000);
		series("flush_model_whole", pages,
		       (whole[i].cmds * pc + whole[i].ptes * pp[1]) / 1000);
	}
	c = pc;
	result("device_ns_per_command_sweep", &c, 1, "ns");
	/*
	 * 0: never cheaper (this kernel already sends those flushes whole).
	 * A dearer PTE read moves the crossover up: the spread of the line is
	 * the crossover at the cheapest and at the dearest price.
	 */
	by_count = crossover(range, whole, SIZES, pc, pp[1]);
	lo = crossover(range, whole, SIZES, pc, pp[0]);
	hi = crossover(range, whole, SIZES, pc, pp[2]);
	printf("BENCH whole_pasid_crossover_pages %lu %lu %lu pages %lu %lu\n",
	       by_count, lo, hi, lo, hi);
	c = by_time;
	result("whole_pasid_crossover_pages_time", &c, 1, "pages");
	munmap(ws, 48 * 4096);
}

void bench_inv(void)
{
	svmedu_set_policy(&dev, "off");
	doorbells();
	munmap_cost();
	threshold();
}

/*
 * make bench runs this on every guest kernel: the crossover depends on
 * what the kernel sends. From 6.6 to before 7.x, x86 reports a flush of
 * more than 33 pages as [0, ULONG_MAX), which the driver flushes whole
 * whatever the threshold: whole_pasid_invalidations per munmap of 64
 * pages with the threshold out of reach tells which kind this kernel is.
 */
void bench_crossover(void)
{
	uint64_t whole;
	double v;
	void *p;

	svmedu_set_policy(&dev, "off");
	set_param("whole_pasid_pages", 0);
	p = map_touched(64 * 4096, MADV_NOHUGEPAGE);
	whole = drv("whole_pasid_flushes");
	munmap(p, 64 * 4096);
	v = drv("whole_pasid_flushes") - whole;
	set_param("whole_pasid_pages", 64);
	result("whole_pasid_flushes_per_64_page_munmap", &v, 1, "flushes");
	threshold();
}

/* ns per mmap + touch + munmap of one page, @n times. */
static double one_page_cycle(unsigned int n)
{
	double t0 = now_ns();
	unsigned int i;

	for (i = 0; i < n; i++) {
		volatile uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		p[0] = 1;
		munmap((void *)p, 4096);
	}
	return (now_ns() - t0) / n;
}

/*
 * The cost of attribution per munmap of one page, with the PASID bound:
 * @rounds of @n cycles with attribution off, then on, interleaved so that
 * drift of the (shared, emulated) machine hits both alike. The difference
 * of the medians divided by the callbacks per munmap is its cost per
 * callback.
 */
void bench_attrib(unsigned int n, unsigned int rounds)
{
	double off[64], on[64], diff[64], per_cb;
	uint64_t calls;
	unsigned int r;

	if (!n)
		n = 1;
	if (!rounds) {
		/* Only with attribution on: for a tracer timing the callback. */
		svmedu_attribution(true);
		off[0] = one_page_cycle(n);
		svmedu_attribution(false);
		result("munmap_1page_attribution_on", off, 1, "ns");
		return;
	}
	if (rounds > 64)
		rounds = 64;
	svmedu_set_policy(&dev, "off");
	one_page_cycle(n);	/* warm up: page tables, the verdict cache */
	calls = drv("notifier_calls");
	for (r = 0; r < rounds; r++) {
		if (svmedu_attribution(false))
			printf("# cannot switch attribution off\n");
		off[r] = one_page_cycle(n);
		if (svmedu_attribution(true))
			printf("# cannot switch attribution on\n");
		on[r] = one_page_cycle(n);
		diff[r] = on[r] - off[r];
	}
	svmedu_attribution(false);
	per_cb = (double)(drv("notifier_calls") - calls) / (2.0 * rounds * n);
	printf("# %u rounds of %u munmaps, %.2f callbacks per munmap\n",
	       rounds, n, per_cb);
	result("munmap_1page_attribution_off", off, rounds, "ns");
	result("munmap_1page_attribution_on", on, rounds, "ns");
	for (r = 0; r < rounds; r++)
		diff[r] /= per_cb > 0 ? per_cb : 1;
	result("attribution_ns_per_callback", diff, rounds, "ns");
	svmedu_set_policy(&dev, "report");
}
