/* SPDX-License-Identifier: MIT */
/*
 * libsvmedu: user-space access to svm-edu devices through the svm_edu
 * driver (include/uapi/svm_edu.h).
 *
 * Functions return 0 (or a non-negative value) on success and -errno on
 * failure; they never exit or print.
 */
#ifndef SVMEDU_H
#define SVMEDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm_edu_hw.h"
#include "uapi/svm_edu.h"

struct svmedu {
	int fd;
	int instance;
	uint32_t pasid;			/* 0 while unbound */
	struct svm_edu_info info;
};

/* Open /dev/svm-edu<instance> and read its INFO. */
int svmedu_open(struct svmedu *d, int instance);
void svmedu_close(struct svmedu *d);

/*
 * Bind the calling process's address space; d->pasid gets its PASID.
 * svmedu_bind_flags() takes SVM_EDU_BIND_F_* (SVM_EDU_BIND_F_SHADOW: a
 * shadow page-table binding); svmedu_bind() uses
 * svmedu_default_bind_flags(): SVM_EDU_BIND_F_SHADOW when the environment
 * has SVMEDU_BIND_MODE=shadow, else 0 (sva).
 */
int svmedu_bind(struct svmedu *d);
int svmedu_bind_flags(struct svmedu *d, uint32_t flags);
uint32_t svmedu_default_bind_flags(void);
int svmedu_unbind(struct svmedu *d);
/*
 * A shadow binding: fill the device's shadow table for [addr, addr + len),
 * faulting the pages in (writable with @write). -EINVAL on an sva binding.
 */
int svmedu_prefault(struct svmedu *d, const void *addr, size_t len,
		    bool write);

/* Queue @n descriptors (1 .. SVM_EDU_MAX_BATCH) with one doorbell. */
int svmedu_submit(struct svmedu *d, const struct svm_edu_udesc *descs,
		  unsigned int n);

/*
 * One descriptor with completion record @rec (32-byte aligned; zeroed here
 * before submission). @flags: SVM_EDU_UDESC_F_*.
 */
int svmedu_copy(struct svmedu *d, void *dst, const void *src, uint32_t len,
		struct svm_edu_completion *rec, uint16_t flags);
int svmedu_fill(struct svmedu *d, void *dst, uint64_t pattern, uint32_t len,
		struct svm_edu_completion *rec, uint16_t flags);
int svmedu_compare(struct svmedu *d, const void *a, const void *b,
		   uint32_t len, struct svm_edu_completion *rec,
		   uint16_t flags);

/*
 * Wait for @rec to get a status: sleeping in the driver (SVM_EDU_IOC_WAIT)
 * or by polling the record. Return the status (> 0) or -errno (-ETIMEDOUT).
 */
int svmedu_wait(struct svmedu *d, struct svm_edu_completion *rec,
		unsigned int timeout_ms);
int svmedu_poll(const struct svm_edu_completion *rec, unsigned int timeout_ms);

/*
 * The driver's zap_vma_ptes() page: svmedu_map_zap() maps it (one page,
 * shared), svmedu_zap() takes it away and switches the backing page.
 */
void *svmedu_map_zap(struct svmedu *d);
int svmedu_zap(struct svmedu *d, void *addr);

/*
 * Run one descriptor to its end, resolving faults from user space the way
 * Intel's accel-config tests do for DSA without block-on-fault: when the
 * descriptor completes partially with a page or permission fault, touch the
 * faulting page (a read, or a write of the byte's own value) and submit the
 * rest. @resubmits (may be NULL) counts the resubmissions. Returns the last
 * status or -errno. With SVM_EDU_UDESC_F_BLOCK_ON_FAULT the kernel already
 * resolved what it could: a fault is returned as it is. Without it, a fault
 * the touch cannot cure (PROT_NONE, unmapped) kills the process with
 * SIGSEGV, as the same access by the CPU would.
 */
int svmedu_run_resolving(struct svmedu *d, struct svm_edu_udesc desc,
			 struct svm_edu_completion *rec, unsigned int timeout_ms,
			 unsigned int *resubmits);

/* Name of a completion status, for messages. */
const char *svmedu_status_name(unsigned int status);

/*
 * Counters of the device (hw_counters/<name>) and of the driver for it
 * (drv_counters/<name>), from sysfs.
 */
int svmedu_hw_counter(const struct svmedu *d, const char *name,
		      uint64_t *val);
int svmedu_drv_counter(const struct svmedu *d, const char *name,
		       uint64_t *val);

/* Write @text to a sysfs or debugfs file. 0 or -errno. */
int svmedu_write_file(const char *path, const char *text);
/*
 * The device's sticky error bits (SVM_EDU_ERR_*) into @bits; then clear
 * the bits in @clear (0: none).
 */
int svmedu_device_error(const struct svmedu *d, uint32_t clear,
			uint32_t *bits);

/* debugfs (root only): the IOTLB probe, checker policy, stale log size. */
struct svmedu_probe {
	bool hit;
	bool writable;
	unsigned int page_shift;	/* 12, 21 or 30 */
	uint64_t pa;
};
int svmedu_probe(const struct svmedu *d, uint32_t pasid, const void *va,
		 struct svmedu_probe *res);
int svmedu_set_policy(const struct svmedu *d, const char *policy);
int svmedu_reset_counters(const struct svmedu *d);
/* Slow the DMA engine down: microseconds between chunks (race tests). */
int svmedu_set_throttle(const struct svmedu *d, unsigned int us);
/* Test-only fault injection: knob is skip_flush, short_flush, ... */
int svmedu_inject(const char *knob, bool on);
/* Invalidation attribution: enable, and read one source's count. */
int svmedu_attribution(bool on);

#endif /* SVMEDU_H */
