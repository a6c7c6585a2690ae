// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: keeping the device's IOTLB and PASID cache coherent.
 *
 * Everything here may run in atomic context (the invalidate callback runs
 * under page-table locks): no sleeping, one spinlock, and a bounded poll of
 * the WAIT status word. One doorbell per call, however many commands.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>

#include "svm_edu.h"
#include "svm_edu_compat.h"
#include "svm_edu_trace.h"

/*
 * Ranges of at least this many pages are flushed as a whole PASID. A range
 * flush costs one command per power-of-two block and a scan of the IOTLB
 * each; a whole-PASID flush costs one command but refills. 64 pages is the
 * device's default IOTLB size: above it a range can cover no more entries
 * than a whole-PASID flush drops. docs/driver.md says how to measure it.
 */
unsigned int svm_edu_whole_pasid_pages = 64;
module_param_named(whole_pasid_pages, svm_edu_whole_pasid_pages, uint, 0644);
MODULE_PARM_DESC(whole_pasid_pages,
		 "flush ranges of at least this many pages as a whole PASID (0: never)");

/* How long to poll for a WAIT before reporting the device as stuck. */
#define SVM_EDU_WAIT_US		20000

/* Slots the device has not consumed yet; inv_lock held. */
static u32 iq_used(struct svm_edu_dev *sdev)
{
	u32 head = svm_edu_read32(sdev, SVM_EDU_REG_IQ_HEAD);

	return (sdev->iq_tail - head) % SVM_EDU_IQ_ENTRIES;
}

/* Make room for @n commands; false when the device does not drain. */
static bool iq_reserve(struct svm_edu_dev *sdev, u32 n)
{
	ktime_t deadline = ktime_add_us(ktime_get(), SVM_EDU_WAIT_US);

	while (SVM_EDU_IQ_ENTRIES - 1 - iq_used(sdev) < n) {
		if (ktime_after(ktime_get(), deadline))
			return false;
		cpu_relax();
	}
	return true;
}

static void iq_put(struct svm_edu_dev *sdev, u32 cmd, u32 pasid, u64 addr,
		   u32 data)
{
	struct svm_edu_inv_desc *d = &sdev->iq[sdev->iq_tail];

	put_unaligned_le32(cmd, &d->cmd);
	put_unaligned_le32(pasid, &d->pasid);
	put_unaligned_le64(addr, &d->addr);
	put_unaligned_le32(data, &d->data);
	put_unaligned_le32(0, &d->rsvd0);
	put_unaligned_le64(0, &d->rsvd1);
	sdev->iq_tail = (sdev->iq_tail + 1) % SVM_EDU_IQ_ENTRIES;
}

/*
 * Queue a WAIT behind the commands, ring the doorbell once and poll the
 * status word. inv_lock held.
 */
static bool iq_commit(struct svm_edu_dev *sdev)
{
	ktime_t deadline = ktime_add_us(ktime_get(), SVM_EDU_WAIT_US);
	u32 seq = ++sdev->wait_seq;
	unsigned long spins = 0;

	iq_put(sdev, SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS, 0,
	       sdev->wait_dma, seq);
	/* writel() orders the descriptor stores before the doorbell. */
	svm_edu_write32(sdev, SVM_EDU_REG_IQ_TAIL, sdev->iq_tail);
	svm_edu_count(sdev, SVM_EDU_DC_DOORBELLS, 1);
	while (READ_ONCE(*sdev->wait_word) != seq) {
		if (!(++spins % 64) && ktime_after(ktime_get(), deadline)) {
			svm_edu_count(sdev, SVM_EDU_DC_WAIT_TIMEOUTS, 1);
			svm_edu_count(sdev, SVM_EDU_DC_WAIT_SPINS, spins);
			dev_err_ratelimited(&sdev->pdev->dev,
					    "invalidation WAIT %u not answered in %u us (error %#x)\n",
					    seq, SVM_EDU_WAIT_US,
					    svm_edu_read32(sdev, SVM_EDU_REG_ERROR));
			return false;
		}
		cpu_relax();
	}
	svm_edu_count(sdev, SVM_EDU_DC_WAIT_SPINS, spins);
	return true;
}

/* Power-of-two blocks that cover [start, end): at most 2 per address bit. */
#define SVM_EDU_MAX_RANGE_CMDS	(2 * BITS_PER_LONG)

/**
 * svm_edu_flush_range() - drop the device's translations of a range
 * @sdev: the device
 * @pasid: the address space's PASID
 * @start: first byte of the range
 * @end: one past its last byte; ULONG_MAX flushes the whole PASID
 *
 * Safe in atomic context. Returns when the device has acknowledged the
 * flush, or after reporting that it did not.
 */
void svm_edu_flush_range(struct svm_edu_dev *sdev, u32 pasid,
			 unsigned long start, unsigned long end)
{
	unsigned long first = start >> PAGE_SHIFT, last, pages;
	unsigned long flags;
	bool whole;
	u32 cmds = 0;

	if (end <= start)
		return;
	last = (end - 1) >> PAGE_SHIFT;
	pages = last - first + 1;
	whole = end == ULONG_MAX ||
		(svm_edu_whole_pasid_pages && pages >= svm_edu_whole_pasid_pages);

	spin_lock_irqsave(&sdev->inv_lock, flags);
	if (!iq_reserve(sdev, SVM_EDU_MAX_RANGE_CMDS + 1)) {
		spin_unlock_irqrestore(&sdev->inv_lock, flags);
		dev_err_ratelimited(&sdev->pdev->dev,
				    "invalidation queue does not drain\n");
		svm_edu_count(sdev, SVM_EDU_DC_WAIT_TIMEOUTS, 1);
		return;
	}
	if (whole) {
		iq_put(sdev, SVM_EDU_INV_PASID, pasid, 0, 0);
		cmds = 1;
	} else {
		unsigned long page = first;

		while (page <= last) {
			/* The largest aligned block at page that fits the range. */
			unsigned int order = page ? __ffs(page) : BITS_PER_LONG - 1;
			unsigned int fit = __fls(last - page + 1);

			order = min3(order, fit, (unsigned int)SVM_EDU_INV_ORDER_MAX);
			iq_put(sdev, SVM_EDU_INV_PAGE | order << 8, pasid,
			       (u64)page << PAGE_SHIFT, 0);
			page += 1UL << order;
			cmds++;
		}
	}
	iq_commit(sdev);
	spin_unlock_irqrestore(&sdev->inv_lock, flags);

	svm_edu_count(sdev, SVM_EDU_DC_FLUSH_CALLS, 1);
	svm_edu_count(sdev, SVM_EDU_DC_INV_COMMANDS, cmds);
	if (whole)
		svm_edu_count(sdev, SVM_EDU_DC_WHOLE_PASID, 1);
	else
		svm_edu_count(sdev, SVM_EDU_DC_INV_PAGES, pages);
	trace_svm_edu_invalidate(sdev->instance, pasid, start, end,
				 whole ? 0 : pages, cmds, whole);
}

/**
 * svm_edu_pasid_set() - write a PASID-table entry and make the device see it
 * @sdev: the device
 * @pasid: the entry
 * @flags: SVM_EDU_PE_* (0 clears the entry)
 * @pgd: physical address of the root page table
 *
 * Flushes the device's cached copy of the entry and every IOTLB entry of
 * the PASID, and drains its DMA: afterwards the device uses only the new
 * entry. Safe in atomic context.
 */
void svm_edu_pasid_set(struct svm_edu_dev *sdev, u32 pasid, u64 flags,
		       u64 pgd)
{
	__le64 *pe = &sdev->pasid_table[pasid * SVM_EDU_PASID_ENTRY_SIZE / 8];
	unsigned long irqflags;

	spin_lock_irqsave(&sdev->inv_lock, irqflags);
	/* The root first: an entry is never VALID with a stale root. */
	WRITE_ONCE(pe[SVM_EDU_PE_PGD / 8], cpu_to_le64(pgd));
	dma_wmb();
	WRITE_ONCE(pe[SVM_EDU_PE_FLAGS / 8], cpu_to_le64(flags));
	if (iq_reserve(sdev, 5)) {
		iq_put(sdev, SVM_EDU_INV_PASID_CACHE, pasid, 0, 0);
		/* Test-only bug: a reused PASID inherits the old translations. */
		if (svm_edu_inject[SVM_EDU_INJ_KEEP_IOTLB])
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		else
			iq_put(sdev, SVM_EDU_INV_PASID, pasid, 0, 0);
		iq_put(sdev, SVM_EDU_INV_DRAIN, pasid, 0, 0);
		iq_commit(sdev);
	}
	spin_unlock_irqrestore(&sdev->inv_lock, irqflags);
}

/**
 * svm_edu_flush_pasid() - drop every IOTLB entry of a PASID
 * @sdev: the device
 * @pasid: the PASID
 * @drain: also wait for a DMA chunk of the PASID in progress
 */
void svm_edu_flush_pasid(struct svm_edu_dev *sdev, u32 pasid, bool drain)
{
	unsigned long flags;

	spin_lock_irqsave(&sdev->inv_lock, flags);
	if (iq_reserve(sdev, 3)) {
		iq_put(sdev, SVM_EDU_INV_PASID, pasid, 0, 0);
		if (drain)
			iq_put(sdev, SVM_EDU_INV_DRAIN, pasid, 0, 0);
		iq_commit(sdev);
	}
	spin_unlock_irqrestore(&sdev->inv_lock, flags);
}
