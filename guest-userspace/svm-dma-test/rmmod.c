// SPDX-License-Identifier: MIT
/*
 * --rmmod-after-close ROUNDS (lc-rmmod-after-close): close the last file
 * of a binding and unload the module at once. The binding's mmu_notifier
 * is freed by an SRCU callback, which runs from a per-CPU work item on the
 * CPU that queued it. Here that is CPU 1, where a SCHED_FIFO thread below
 * ours (and below the interrupt threads) starves every normal task, work
 * items included, while we close and unload and for 50 ms more: a module
 * that does not wait for its notifier callbacks (mmu_notifier_synchronize())
 * has its text freed before the callback runs, and the kernel oopses in
 * mmu_notifier_free_rcu. The host harness fails the run on any oops on the
 * console; each round also checks that the module unloads and loads again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dmatest.h"
#include "svm_test_harness.h"

#define MODULE_PATH	"/lib/modules/svm_edu.ko"

static atomic_int hog_stop, hog_ready;

/* Run the calling thread on CPU 1 at SCHED_FIFO @prio (0: back to normal). */
static void on_cpu1(int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	if (prio)
		CPU_SET(1, &set);
	else
		for (i = 0; i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
	sched_setscheduler(0, prio ? SCHED_FIFO : SCHED_OTHER, &sp);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Interrupt threads are SCHED_FIFO 50: the hog stays below them. */
#define HOG_PRIO	10
#define MAIN_PRIO	20

static void *hog(void *arg)
{
	(void)arg;
	on_cpu1(HOG_PRIO);
	atomic_store(&hog_ready, 1);
	while (!atomic_load(&hog_stop))
		continue;
	return NULL;
}

static bool load_module(void)
{
	struct stat st;
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC), i;
	bool ok;

	if (fd < 0)
		return false;
	ok = !syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	for (i = 0; ok && i < 500 && stat("/dev/svm-edu0", &st); i++)
		usleep(10000);
	return ok && !stat("/dev/svm-edu0", &st);
}

static bool one_round(int n)
{
	struct svmedu d;
	pthread_t t;
	long rc;
	int err;

	err = svmedu_open(&d, 0);
	if (!err)
		err = svmedu_bind(&d);
	if (err) {
		diag("round %d: open and bind: %s", n, strerror(-err));
		return false;
	}
	atomic_store(&hog_stop, 0);
	atomic_store(&hog_ready, 0);
	if (pthread_create(&t, NULL, hog, NULL)) {
		svmedu_close(&d);
		return false;
	}
	while (!atomic_load(&hog_ready))
		continue;
	on_cpu1(MAIN_PRIO);
	svmedu_close(&d);	/* the last file: unbind, mmu_notifier_put() */
	rc = syscall(SYS_delete_module, "svm_edu", O_NONBLOCK);
	err = errno;
	usleep(50000);		/* the hog runs: the SRCU callback waits */
	atomic_store(&hog_stop, 1);
	on_cpu1(0);
	pthread_join(t, NULL);
	usleep(200000);		/* now it runs: in freed text, if not waited for */
	if (rc) {
		diag("round %d: delete_module: %s", n, strerror(err));
		return false;
	}
	if (!load_module()) {
		diag("round %d: loading %s again failed", n, MODULE_PATH);
		return false;
	}
	return true;
}

int rmmod_after_close(unsigned int rounds)
{
	unsigned int i;
	char what[96];

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		/* A check that cannot run is a failure, never a pass. */
		ksft_test_result_fail("rmmod-after-close: needs two CPUs");
		return ksft_finished();
	}
	for (i = 0; i < rounds; i++) {
		snprintf(what, sizeof(what),
			 "lc-rmmod-after-close: round %u, unload right after the last close", i);
		ksft_test_result(one_round(i), "%s", what);
	}
	return ksft_finished();
}
