/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * svm_edu ioctl ABI: the interface between the svm_edu driver and user space
 * on /dev/svm-edu<N>. docs/ioctl-abi.md describes it in prose.
 *
 * Every argument structure starts with a __u32 size that user space sets to
 * sizeof() of the structure it was compiled with. The structures are
 * extensible, as clone3()'s and openat2()'s are: the driver reads the size
 * field (the size bits of the command number are not used) and
 * - a size below the command's SVM_EDU_*_SIZE_VER0 is EINVAL;
 * - a size above PAGE_SIZE is E2BIG;
 * - a smaller structure than the driver's (older user space) is read with
 *   the missing tail as zero, which every field added later means "as
 *   before";
 * - a larger one (newer user space) works if the bytes the driver does not
 *   know are zero, else E2BIG before anything is done;
 * - the driver writes back at most min(size, its own sizeof) bytes, and
 *   leaves the size field as it was.
 * Reserved fields and unknown flags must be zero (EINVAL).
 *
 * A process can only reach its own address space: BIND binds the calling
 * process's mm, and the PASID of every submitted descriptor is the one of
 * the file's binding, never a value from user space.
 */
#ifndef _UAPI_SVM_EDU_H
#define _UAPI_SVM_EDU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped on every incompatible change of this file. */
#define SVM_EDU_ABI_VERSION	4

#define SVM_EDU_IOC_MAGIC	'S'

/**
 * struct svm_edu_info - SVM_EDU_IOC_INFO
 * @size: in: sizeof(struct svm_edu_info)
 * @abi_version: out: SVM_EDU_ABI_VERSION of the driver
 * @hw_version: out: the device's VERSION register
 * @nr_vectors: out: MSI-X vectors in use
 * @caps: out: the device's CAP register (SVM_EDU_CAP_* in svm_edu_hw.h)
 * @iotlb_entries: out: IOTLB size
 * @iotlb_ways: out: IOTLB associativity
 * @instance: out: N of /dev/svm-edu<N>
 * @pasid: out: PASID of this file's binding, 0 when unbound
 * @max_batch: out: most descriptors one SVM_EDU_IOC_SUBMIT takes
 * @reserved: out: zero
 */
struct svm_edu_info {
	__u32 size;
	__u32 abi_version;
	__u32 hw_version;
	__u32 nr_vectors;
	__u64 caps;
	__u32 iotlb_entries;
	__u32 iotlb_ways;
	__u32 instance;
	__u32 pasid;
	__u32 max_batch;
	__u32 reserved[5];
};

/**
 * struct svm_edu_bind - SVM_EDU_IOC_BIND
 * @size: in: sizeof(struct svm_edu_bind)
 * @flags: in: SVM_EDU_BIND_F_*
 * @pasid: out: the PASID of the calling process's address space
 * @reserved: in: zero
 */
struct svm_edu_bind {
	__u32 size;
	__u32 flags;
	__u32 pasid;
	__u32 reserved;
};

/*
 * Shadow mode: the device walks a page table the driver keeps (filled with
 * hmm_range_fault(), kept coherent by an interval notifier) instead of the
 * process's own. Drivers before it say EINVAL; a kernel without
 * CONFIG_HMM_MIRROR or a device without shadow tables, EOPNOTSUPP.
 */
#define SVM_EDU_BIND_F_SHADOW	(1u << 0)
#define SVM_EDU_BIND_F_MASK	0x0001u

/**
 * struct svm_edu_prefault - SVM_EDU_IOC_PREFAULT
 * @size: in: sizeof(struct svm_edu_prefault)
 * @flags: in: SVM_EDU_PREFAULT_F_*
 * @addr: in: first byte of the range
 * @len: in: bytes (the range is rounded out to pages)
 *
 * Fills the shadow table of a shadow binding for the range, faulting the
 * pages in as the CPU would (writable with SVM_EDU_PREFAULT_F_WRITE).
 */
struct svm_edu_prefault {
	__u32 size;
	__u32 flags;
	__u64 addr;
	__u64 len;
};

#define SVM_EDU_PREFAULT_F_WRITE	(1u << 0)
#define SVM_EDU_PREFAULT_F_MASK		0x0001u

/*
 * The smallest size each command takes: its structure without the trailing
 * reserved fields, which read as zero when they are missing.
 */
#define SVM_EDU_INFO_SIZE_VER0		44	/* up to max_batch */
#define SVM_EDU_BIND_SIZE_VER0		12	/* up to pasid */
#define SVM_EDU_SUBMIT_SIZE_VER0	20	/* up to submitted */
#define SVM_EDU_WAIT_SIZE_VER0		20	/* up to status */
#define SVM_EDU_ZAP_SIZE_VER0		16	/* all of it */
#define SVM_EDU_PREFAULT_SIZE_VER0	24	/* all of it */

/**
 * struct svm_edu_udesc - one DMA descriptor as user space gives it
 * @opcode: SVM_EDU_OP_* (svm_edu_hw.h): NOP, COPY, FILL, COMPARE
 * @flags: SVM_EDU_UDESC_F_*
 * @reserved0: zero
 * @src: source virtual address (COPY, COMPARE)
 * @dst: destination virtual address (COPY, FILL, COMPARE)
 * @len: bytes, 1 .. SVM_EDU_UDESC_MAX_LEN (ignored for NOP)
 * @reserved1: zero
 * @pattern: FILL pattern
 * @completion: virtual address of a 32-byte aligned, 32-byte completion
 *	record (struct svm_edu_completion in svm_edu_hw.h) the device
 *	writes when done, or 0 for none
 * @cookie: copied into the completion record
 * @reserved2: zero
 *
 * There is no PASID field: the driver puts in the binding's PASID.
 */
struct svm_edu_udesc {
	__u16 opcode;
	__u16 flags;
	__u32 reserved0;
	__u64 src;
	__u64 dst;
	__u32 len;
	__u32 reserved1;
	__u64 pattern;
	__u64 completion;
	__u64 cookie;
	__u64 reserved2;
};

/* Interrupt on completion: wakes SVM_EDU_IOC_WAIT. Needs a completion. */
#define SVM_EDU_UDESC_F_IRQ	(1u << 0)
/*
 * Block on fault: a page that is not present or not writable is faulted in
 * by the driver (a page request) and the DMA goes on. Without it the
 * descriptor completes partially at the first such page.
 */
#define SVM_EDU_UDESC_F_BLOCK_ON_FAULT	(1u << 1)
#define SVM_EDU_UDESC_F_MASK	0x0003u
#define SVM_EDU_UDESC_MAX_LEN	(1u << 30)
#define SVM_EDU_MAX_BATCH	64

/**
 * struct svm_edu_submit - SVM_EDU_IOC_SUBMIT
 * @size: in: sizeof(struct svm_edu_submit)
 * @count: in: descriptors at @descs, 1 .. SVM_EDU_MAX_BATCH
 * @descs: in: user pointer to @count struct svm_edu_udesc
 * @submitted: out: how many were queued (all of them on success)
 * @reserved: in: zero
 */
struct svm_edu_submit {
	__u32 size;
	__u32 count;
	__u64 descs;
	__u32 submitted;
	__u32 reserved;
};

/**
 * struct svm_edu_wait - SVM_EDU_IOC_WAIT
 * @size: in: sizeof(struct svm_edu_wait)
 * @timeout_ms: in: how long to sleep at most
 * @completion: in: the completion record to wait for
 * @status: out: its status byte (0: timed out)
 * @reserved: in: zero
 */
struct svm_edu_wait {
	__u32 size;
	__u32 timeout_ms;
	__u64 completion;
	__u32 status;
	__u32 reserved;
};

/**
 * struct svm_edu_zap - SVM_EDU_IOC_ZAP
 * @size: in: sizeof(struct svm_edu_zap)
 * @reserved: in: zero
 * @addr: in: an address inside this file's mapping
 *
 * mmap() of /dev/svm-edu<N> (one page, MAP_SHARED) maps a page of driver
 * memory. ZAP takes it away with zap_vma_ptes() and makes the next fault
 * map the driver's other page: a driver revoking and re-provisioning memory.
 */
struct svm_edu_zap {
	__u32 size;
	__u32 reserved;
	__u64 addr;
};

#define SVM_EDU_IOC_INFO	_IOWR(SVM_EDU_IOC_MAGIC, 0x00, struct svm_edu_info)
#define SVM_EDU_IOC_BIND	_IOWR(SVM_EDU_IOC_MAGIC, 0x01, struct svm_edu_bind)
#define SVM_EDU_IOC_UNBIND	_IO(SVM_EDU_IOC_MAGIC, 0x02)
#define SVM_EDU_IOC_SUBMIT	_IOWR(SVM_EDU_IOC_MAGIC, 0x03, struct svm_edu_submit)
#define SVM_EDU_IOC_WAIT	_IOWR(SVM_EDU_IOC_MAGIC, 0x04, struct svm_edu_wait)
#define SVM_EDU_IOC_ZAP		_IOW(SVM_EDU_IOC_MAGIC, 0x05, struct svm_edu_zap)
#define SVM_EDU_IOC_PREFAULT	_IOW(SVM_EDU_IOC_MAGIC, 0x06, struct svm_edu_prefault)

/*
 * The driver's name lists, one definition each: the driver's enums and its
 * sysfs/debugfs files, libsvmedu, svmctl and the tests expand them, and
 * tests/unit/test_names.c checks docs/ and man/ against them.
 *
 * Driver counters, per device, X(ID, name): sysfs drv_counters/<name>.
 */
#define SVM_EDU_DRV_COUNTERS(X) \
	X(NOTIFIER_CALLS, notifier_calls)	/* invalidate callbacks */ \
	X(FLUSH_CALLS, flush_calls)		/* ... that sent commands */ \
	X(DOORBELLS, doorbells)			/* IQ_TAIL writes */ \
	X(INV_COMMANDS, inv_commands)		/* PAGE/PASID commands */ \
	X(INV_PAGES, inv_pages)			/* pages PAGE commands cover */ \
	X(WHOLE_PASID, whole_pasid_flushes)	/* callbacks flushed whole */ \
	X(RELEASE_CALLS, release_calls)		/* .release teardowns */ \
	X(WAIT_SPINS, wait_spins)		/* polls of the WAIT word */ \
	X(WAIT_TIMEOUTS, wait_timeouts)		/* WAITs not answered */ \
	X(BINDS, binds) \
	X(UNBINDS, unbinds) \
	X(SUBMITS, submits)			/* descriptors queued */ \
	X(INJECTED, injected)			/* altered by fault injection */ \
	X(PAGE_REQS, page_requests)		/* page requests handled */ \
	X(PAGE_REQ_FAILED, page_requests_failed)	/* answered "failure" */ \
	X(PAGE_REQ_ENDED, page_requests_ended)	/* binding had ended */ \
	X(PAGE_REQ_TIMEOUTS, page_request_timeouts)	/* given up */ \
	X(FAULT_AROUND, fault_around_pages)	/* rest of page-request groups */ \
	X(QUARANTINED, quarantined)		/* unbinds not drained in time */ \
	X(FENCES, fences)			/* fenced after a failed flush */ \
	X(SHADOW_FILLS, shadow_fills)		/* shadow fills written */ \
	X(SHADOW_RETRIES, shadow_retries)	/* fills raced: again */

/*
 * Fault injection, TEST ONLY: debugfs svm_edu/inject/<name>, all 0 by
 * default. The bugs, X(ID, name), are booleans, each a deliberate driver
 * bug for a negative control (docs/driver.md, "Fault injection").
 */
#define SVM_EDU_INJECT_BUGS(X) \
	X(SKIP_FLUSH, skip_flush) \
	X(SHORT_FLUSH, short_flush) \
	X(WRONG_PASID, wrong_pasid) \
	X(SKIP_RELEASE, skip_release) \
	X(KEEP_IOTLB, keep_iotlb) \
	X(UNLINK_FIRST, unlink_first) \
	X(SKIP_DRAIN, skip_drain) \
	X(PRQ_STALL_BLOCKS, prq_stall_blocks) \
	X(ROOT_FIRST, root_first) \
	X(NO_FENCE, no_fence) \
	X(FLUSH_AT_START, flush_at_start) \
	X(SHADOW_SKIP_CLEAR, shadow_skip_clear) \
	X(SHADOW_SKIP_RETRY, shadow_skip_retry) \
	X(SHADOW_SKIP_DIRTY, shadow_skip_dirty)

/* The delays, X(ID, name), are numbers (the unit ends the name). */
#define SVM_EDU_INJECT_DELAYS(X) \
	X(UNBIND_GAP_MS, unbind_gap_ms) \
	X(START_GAP_US, start_gap_us) \
	X(PRQ_STALL_MS, prq_stall_ms) \
	X(FILL_GAP_US, fill_gap_us)

/*
 * Latency histograms, per device: debugfs svm_edu/svm-edu<N>/latency, one
 * row per kind, X(ID, name), that the driver times...
 */
#define SVM_EDU_LAT_KINDS(X) \
	X(INVALIDATION, invalidation)	/* doorbell to WAIT answered */ \
	X(PAGE_REQUEST, page_request)	/* page-request interrupt to answer */

/*
 * ... and its buckets, X(ID, upper bound in ns, label): a time falls in
 * the first bucket whose bound it is below; the last (bound 0) takes the
 * rest.
 */
#define SVM_EDU_LAT_BUCKETS(X) \
	X(LT_100NS, 100, "<0.1us") \
	X(LT_1US, 1000, "0.1-1us") \
	X(LT_10US, 10000, "1-10us") \
	X(LT_100US, 100000, "10-100us") \
	X(LT_1MS, 1000000, "0.1-1ms") \
	X(LT_10MS, 10000000, "1-10ms") \
	X(GE_10MS, 0, ">=10ms")

#endif /* _UAPI_SVM_EDU_H */
