/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_edu_debug.h - a sleep-in-atomic check for kernels built without
 * CONFIG_DEBUG_ATOMIC_SLEEP, which Debian's are.
 *
 * Force-included into every file of the module when it is built with
 * SVM_EDU_DEBUG=1 (make mutants does): the module's sleeping calls first
 * check that the context may sleep and WARN once when it may not. The
 * kernel's own might_sleep() is compiled out in these kernels, and a
 * mutex taken in an atomic context only shows when it happens to be
 * contended ("scheduling while atomic"). This checks every call, contended
 * or not, but only the calls made from this module.
 */
#ifndef SVM_EDU_DEBUG_H
#define SVM_EDU_DEBUG_H

#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/preempt.h>

/* CONFIG_PREEMPT_COUNT (set by PREEMPT_DYNAMIC) makes preemptible() true. */
#define svm_edu_may_sleep(what)						\
	WARN_ONCE(!preemptible(), "svm_edu: %s in atomic context\n", what)

static inline void svm_edu_dbg_mutex_lock(struct mutex *m)
{
	svm_edu_may_sleep("mutex_lock");
	mutex_lock(m);
}

static inline void svm_edu_dbg_msleep(unsigned int ms)
{
	svm_edu_may_sleep("msleep");
	msleep(ms);
}

static inline void svm_edu_dbg_usleep_range(unsigned long lo, unsigned long hi)
{
	svm_edu_may_sleep("usleep_range");
	usleep_range(lo, hi);
}

#undef mutex_lock
#define mutex_lock(m)		svm_edu_dbg_mutex_lock(m)
#define msleep(ms)		svm_edu_dbg_msleep(ms)
#define usleep_range(lo, hi)	svm_edu_dbg_usleep_range(lo, hi)

#endif /* SVM_EDU_DEBUG_H */
