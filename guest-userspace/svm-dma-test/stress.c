// SPDX-License-Identifier: MIT
/*
 * svm-dma-test --stress SECONDS: processes x threads doing DMA while they
 * change their own mappings. Each process binds its own address space;
 * each thread owns a 2 MiB region and loops over the operations of
 * stress_ops.c on random parts of it (munmap + mmap, mprotect, fork,
 * move_pages, MADV_DONTNEED, KSM, mremap, THP collapse), with DMA before
 * and after each one, while the other threads' DMA keeps running. Every
 * byte the device reads or writes is checked by the CPU; the device's
 * checker must see no stale translation.
 *
 * Kernel background agents that would change a region while the device
 * is using it (khugepaged, kcompactd, THP fault compaction) are slowed
 * down or off for the run: such changes open the legal window between a
 * PTE change and its flush, which the unmap race test counts instead.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"
#include "svm_test_harness.h"
#include "stress.h"

#define THP_DIR	"/sys/kernel/mm/transparent_hugepage/"

/* A sysfs/procfs knob set for the run and put back afterwards. */
struct knob {
	const char *path;
	const char *value;
	char saved[64];
};

static struct knob knobs[] = {
	{ .path = "/proc/sys/vm/compaction_proactiveness", .value = "0" },
	{ .path = THP_DIR "defrag", .value = "never" },
	{ .path = THP_DIR "khugepaged/scan_sleep_millisecs", .value = "3600000" },
	{ .path = THP_DIR "khugepaged/defrag", .value = "0" },
	{ .path = "/sys/kernel/mm/ksm/run", .value = "1" },
	{ .path = "/sys/kernel/mm/ksm/pages_to_scan", .value = "1000" },
	{ .path = "/sys/kernel/mm/ksm/sleep_millisecs", .value = "10" },
};

#define NR_KNOBS	(sizeof(knobs) / sizeof(knobs[0]))

static void knobs_set(bool set)
{
	size_t i;

	for (i = 0; i < NR_KNOBS; i++) {
		struct knob *k = &knobs[i];

		if (set) {
			FILE *f = fopen(k->path, "r");
			char *sel;

			k->saved[0] = 0;
			if (!f)
				continue;
			if (!fgets(k->saved, sizeof(k->saved), f))
				k->saved[0] = 0;
			fclose(f);
			k->saved[strcspn(k->saved, "\n")] = 0;
			/* "always defer [madvise] never": the selected one */
			sel = strchr(k->saved, '[');
			if (sel) {
				memmove(k->saved, sel + 1, strlen(sel));
				k->saved[strcspn(k->saved, "]")] = 0;
			}
			svmedu_write_file(k->path, k->value);
		} else if (k->saved[0]) {
			svmedu_write_file(k->path, k->saved);
		}
	}
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;

	while (!w->broken && time(NULL) < w->end)
		stress_one_op(w);
	return NULL;
}

static int worker_process(unsigned int index, unsigned int threads,
			  time_t end, struct tally *tally, unsigned int seed)
{
	struct worker w[STRESS_MAX_THREADS];
	pthread_t t[STRESS_MAX_THREADS];
	pthread_mutex_t layout = PTHREAD_MUTEX_INITIALIZER;
	struct svm_edu_completion *records;
	struct svmedu dev;
	unsigned int i;

	records = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (records == MAP_FAILED || svmedu_open(&dev, 0) || svmedu_bind(&dev))
		return 1;
	memset(records, 0, 4096);
	for (i = 0; i < threads; i++) {
		struct worker *x = &w[i];

		memset(x, 0, sizeof(*x));
		x->dev = &dev;
		x->layout = &layout;
		x->rec = &records[i];
		x->tally = &tally[i];
		x->seed = seed * 7919 + index * 131 + i;
		x->thp = i % 2;
		x->end = end;
		if (stress_worker_init(x))
			return 1;
	}
	for (i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, thread_main, &w[i]))
			return 1;
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	svmedu_close(&dev);
	return 0;
}

static void sum(struct tally *total, const struct tally *t, unsigned int n)
{
	unsigned int i, k;

	memset(total, 0, sizeof(*total));
	for (i = 0; i < n; i++) {
		for (k = 0; k < NR_STRESS_OPS; k++) {
			total->ops[k] += t[i].ops[k];
			total->skipped[k] += t[i].skipped[k];
			if (t[i].skip_errno[k])
				total->skip_errno[k] = t[i].skip_errno[k];
		}
		total->dmas += t[i].dmas;
		total->bytes += t[i].bytes;
		total->mismatches += t[i].mismatches;
		total->bad_status += t[i].bad_status;
		if (!total->first_error[0] && t[i].first_error[0])
			memcpy(total->first_error, t[i].first_error,
			       sizeof(total->first_error));
	}
}

int stress(struct ctx *c, const struct stress_args *a)
{
	unsigned int n = a->procs * a->threads, i, exited = 0;
	uint64_t binds = drv(c, "binds"), unbinds = drv(c, "unbinds");
	uint64_t stale = hw(c, "stale"), flushes = drv(c, "flush_calls");
	uint64_t prq = drv(c, "page_requests");
	time_t end;
	struct tally *tally, total;
	pid_t pids[STRESS_MAX_PROCS];
	char what[200];
	int status;

	if (a->procs > STRESS_MAX_PROCS || a->threads > STRESS_MAX_THREADS ||
	    !a->procs || !a->threads) {
		fprintf(stderr, "svm-dma-test: 1..%d processes, 1..%d threads\n",
			STRESS_MAX_PROCS, STRESS_MAX_THREADS);
		return 2;
	}
	tally = mmap(NULL, n * sizeof(*tally), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tally == MAP_FAILED)
		return 1;
	memset(tally, 0, n * sizeof(*tally));
	knobs_set(true);
	usleep(200000);		/* khugepaged does one pass when woken */
	if (a->negative && svmedu_inject("skip_flush", true)) {
		ksft_test_result_fail("stress: cannot switch skip_flush on");
		knobs_set(false);
		return ksft_finished();
	}
	end = time(NULL) + a->seconds;
	fflush(stdout);
	for (i = 0; i < a->procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(worker_process(i, a->threads, end,
					     tally + i * a->threads, c->seed));
	}
	for (i = 0; i < a->procs; i++)
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			exited++;
	if (a->negative)
		svmedu_inject("skip_flush", false);
	knobs_set(false);

	sum(&total, tally, n);
	diag("%u processes x %u threads for %u s: %llu operations, %llu DMAs, "
	     "%llu MiB, %llu page requests, %llu flushing callbacks",
	     a->procs, a->threads, a->seconds,
	     (unsigned long long)stress_total_ops(&total),
	     (unsigned long long)total.dmas,
	     (unsigned long long)(total.bytes >> 20),
	     (unsigned long long)(drv(c, "page_requests") - prq),
	     (unsigned long long)(drv(c, "flush_calls") - flushes));
	stress_print_ops(&total);
	if (total.first_error[0])
		diag("first error: %s", total.first_error);
	stale = hw(c, "stale") - stale;

	snprintf(what, sizeof(what), "stress%s: %u of %u worker processes finished",
		 a->negative ? " (skip_flush)" : "", exited, a->procs);
	ksft_test_result(exited == a->procs, "%s", what);
	if (a->negative) {
		snprintf(what, sizeof(what),
			 "stress negative control: skip_flush makes the checker fire "
			 "(%llu stale accesses)", (unsigned long long)stale);
		ksft_test_result(stale > 0, "%s", what);
	} else {
		snprintf(what, sizeof(what), "stress: %llu data mismatches, "
			 "%llu unexpected statuses",
			 (unsigned long long)total.mismatches,
			 (unsigned long long)total.bad_status);
		ksft_test_result(!total.mismatches && !total.bad_status &&
				 total.dmas > 0, "%s", what);
		snprintf(what, sizeof(what), "stress: %llu stale accesses",
			 (unsigned long long)stale);
		ksft_test_result(stale == 0, "%s", what);
	}
	ksft_test_result(drv(c, "binds") - binds == drv(c, "unbinds") - unbinds,
			 "stress: every PASID unbound");
	ksft_test_result(device_works(c), "stress: the device still works");
	munmap(tally, n * sizeof(*tally));
	return ksft_finished();
}
