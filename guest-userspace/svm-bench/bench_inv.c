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

/* ns per mmap + touch + munmap of @pages, median of REPEAT batches. */
static double map_cycle(unsigned long pages, double *v)
{
	int r, i, n = pages > 64 ? 8 : 64;

	for (r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		for (i = 0; i < n; i++) {
			uint8_t *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			unsigned long j;

			for (j = 0; j < pages; j++)
				p[j * 4096] = 1;
			munmap(p, pages * 4096);
		}
		v[r] = (now_ns() - t0) / n;
	}
	return v[REPEAT / 2];
}

static void munmap_cost(void)
{
	static const unsigned long pages[] = { 1, 16, 512 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		double bound[REPEAT], unbound[REPEAT], ratio[REPEAT];
		int fds[2], r;
		char key[64];
		pid_t pid;

		/* A child that never binds measures the same loop. */
		if (pipe(fds))
			return;
		pid = fork();
		if (pid == 0) {
			map_cycle(pages[i], unbound);
			if (write(fds[1], unbound, sizeof(unbound)) < 0)
				_exit(1);
			_exit(0);
		}
		if (read(fds[0], unbound, sizeof(unbound)) != sizeof(unbound))
			return;
		waitpid(pid, NULL, 0);
		close(fds[0]);
		close(fds[1]);
		map_cycle(pages[i], bound);
		for (r = 0; r < REPEAT; r++)
			ratio[r] = bound[r] / unbound[r];
		snprintf(key, sizeof(key), "munmap_bound_vs_unbound_%lu", pages[i]);
		result(key, ratio, REPEAT, "x");
	}
}

/*
 * The device time a flush of @pages costs either way: running the
 * invalidation commands (INV_BUSY_NS) plus refilling a 48-page working set
 * the device had cached (BUSY_NS of the FILL that walks again), which a
 * whole-PASID flush throws away and a range flush keeps. Device time, not
 * guest wall-clock: under TCG the guest's own overhead would drown it.
 */
static double flush_cost(unsigned long pages, unsigned int threshold,
			 uint8_t *ws)
{
	double v[REPEAT];
	int r, k;

	set_param("whole_pasid_pages", threshold);
	for (r = 0; r < REPEAT; r++) {
		uint8_t *p = map_touched(pages * 4096, MADV_NOHUGEPAGE);
		uint64_t inv, busy;

		run_fill(ws, 48 * 4096, 0);
		run_fill(p, pages * 4096 < (1 << 20) ? pages * 4096 : 1 << 20, 0);
		inv = hw("inv_busy_ns");
		munmap(p, pages * 4096);
		inv = hw("inv_busy_ns") - inv;
		busy = hw("busy_ns");
		run_fill(ws, 48 * 4096, 0);
		v[r] = inv + (hw("busy_ns") - busy);
	}
	set_param("whole_pasid_pages", 64);
	for (r = 1; r < REPEAT; r++)	/* sort for the median */
		for (k = r; k > 0 && v[k] < v[k - 1]; k--) {
			double t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	return v[REPEAT / 2];
}

static void threshold(void)
{
	uint8_t *ws = map_touched(48 * 4096, MADV_NOHUGEPAGE);
	unsigned long pages, crossover = 0;
	double c;

	for (pages = 1; pages <= 4096; pages *= 2) {
		double range = flush_cost(pages, 0, ws);
		double whole = flush_cost(pages, 1, ws);

		series("flush_cost_range", pages, range / 1000);
		series("flush_cost_whole", pages, whole / 1000);
		/*
		 * The first size at which the whole-PASID flush is cheaper.
		 * Above the IOTLB size both refill the same working set and
		 * the curves only differ by the commands' cost and noise.
		 */
		if (!crossover && whole < range)
			crossover = pages;
	}
	c = crossover;
	result("whole_pasid_crossover_pages", &c, 1, "pages");
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
