// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: keeping the device's IOTLB and PASID cache coherent.
 *
 * Everything here may run in atomic context (the invalidate callback runs
 * under page-table locks): no sleeping, one spinlock, and a bounded poll of
 * the WAIT status word. One doorbell per call, however many commands.
 *
 * A flush that the device does not confirm in time is never just given up:
 * the device is fenced (bus mastering off, then a device reset, which waits
 * for a DMA chunk in progress and drops the IOTLB, the PASID cache and
 * every queued descriptor), so that returning from here always means that
 * the device no longer uses the old translation.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>

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

/* How long to poll for a WAIT (or for queue room) before fencing. */
#define SVM_EDU_WAIT_US		20000

/*
 * Page commands one range flush may take; a range that needs more is
 * flushed as a whole PASID. With the WAIT that follows, well below the
 * SVM_EDU_IQ_ENTRIES - 1 slots the queue can hold.
 */
#define SVM_EDU_MAX_RANGE_CMDS	(SVM_EDU_IQ_ENTRIES / 2)
static_assert(SVM_EDU_MAX_RANGE_CMDS + 1 <= SVM_EDU_IQ_ENTRIES - 1);

/*
 * Stop the device from using anything it holds: no more bus mastering, so
 * no DMA at all; then a device reset, which (like every MMIO access) waits
 * for the DMA chunk in progress, and drops the IOTLB, the PASID cache, the
 * rings and a parked page request. inv_lock held; atomic context is fine
 * (config and MMIO accesses only). Reported once, and counted (fences).
 */
static void svm_edu_fence(struct svm_edu_dev *sdev, const char *why)
{
	u32 err;

	lockdep_assert_held(&sdev->inv_lock);
	svm_edu_count(sdev, SVM_EDU_DC_FENCES, 1);
	if (sdev->fenced)
		return;
	err = svm_edu_read32(sdev, SVM_EDU_REG_ERROR);
	pci_clear_master(sdev->pdev);
	svm_edu_reset_device(sdev);
	WRITE_ONCE(sdev->prq_stop, true);
	/* pairs with svm_edu_fenced(): reset and prq_stop before the flag */
	smp_store_release(&sdev->fenced, true);
	dev_err(&sdev->pdev->dev,
		"%s (error %#x): device fenced: bus mastering off and reset, no DMA until the driver is bound again\n",
		why, err);
	wake_up_all(&sdev->done_wq);
}

/*
 * The device did not confirm a flush in time (queue not drained, WAIT not
 * answered): fence it. Test-only bug no_fence: just return, as the old
 * driver did, with the device still holding the old translation.
 */
static void svm_edu_flush_timeout(struct svm_edu_dev *sdev, const char *why)
{
	svm_edu_count(sdev, SVM_EDU_DC_WAIT_TIMEOUTS, 1);
	if (svm_edu_injected(SVM_EDU_INJ_NO_FENCE)) {
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		dev_err_ratelimited(&sdev->pdev->dev,
				    "%s (error %#x): not fenced (fault injection no_fence)\n",
				    why, svm_edu_read32(sdev, SVM_EDU_REG_ERROR));
		return;
	}
	svm_edu_fence(sdev, why);
}

/* Slots the device has not consumed yet; inv_lock held. */
static u32 iq_used(struct svm_edu_dev *sdev)
{
	u32 head = svm_edu_read32(sdev, SVM_EDU_REG_IQ_HEAD);

	return (sdev->iq_tail - head) % SVM_EDU_IQ_ENTRIES;
}

/*
 * Make room for @n commands, the WAIT included; false when the device does
 * not drain (then it is fenced). The tail never laps the head: iq_put()
 * takes only what was granted here.
 */
static bool iq_reserve(struct svm_edu_dev *sdev, u32 n)
{
	ktime_t deadline = ktime_add_us(ktime_get(), SVM_EDU_WAIT_US);

	if (WARN_ON_ONCE(n > SVM_EDU_IQ_ENTRIES - 1)) {
		svm_edu_fence(sdev, "invalidation batch larger than the queue");
		return false;
	}
	while (SVM_EDU_IQ_ENTRIES - 1 - iq_used(sdev) < n) {
		if (ktime_after(ktime_get(), deadline)) {
			svm_edu_flush_timeout(sdev, "invalidation queue does not drain");
			return false;
		}
		cpu_relax();
	}
	sdev->iq_room = n;
	return true;
}

static void iq_put(struct svm_edu_dev *sdev, u32 cmd, u32 pasid, u64 addr,
		   u32 data)
{
	struct svm_edu_inv_desc *d = &sdev->iq[sdev->iq_tail];

	if (WARN_ON_ONCE(!sdev->iq_room))
		return;
	sdev->iq_room--;
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
 * status word. A WAIT not answered in time fences the device. inv_lock
 * held. Return: true when the device confirmed the commands.
 */
static bool iq_commit(struct svm_edu_dev *sdev)
{
	ktime_t deadline = ktime_add_us(ktime_get(), SVM_EDU_WAIT_US);
	u32 seq = ++sdev->wait_seq;
	unsigned long spins = 0;
	u64 t0;

	iq_put(sdev, SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS, 0,
	       sdev->wait_dma, seq);
	sdev->iq_room = 0;
	t0 = ktime_get_ns();
	/* writel() orders the descriptor stores before the doorbell. */
	svm_edu_write32(sdev, SVM_EDU_REG_IQ_TAIL, sdev->iq_tail);
	svm_edu_count(sdev, SVM_EDU_DC_DOORBELLS, 1);
	while (READ_ONCE(*sdev->wait_word) != seq) {
		if (!(++spins % 64) && ktime_after(ktime_get(), deadline)) {
			svm_edu_count(sdev, SVM_EDU_DC_WAIT_SPINS, spins);
			svm_edu_flush_timeout(sdev, "invalidation WAIT not answered");
			return false;
		}
		cpu_relax();
	}
	svm_edu_lat_record(sdev, SVM_EDU_LAT_INVALIDATION, ktime_get_ns() - t0);
	svm_edu_count(sdev, SVM_EDU_DC_WAIT_SPINS, spins);
	return true;
}

/*
 * The largest block of pages, aligned to its size and at most
 * 2^SVM_EDU_INV_ORDER_MAX pages, that starts at @page and ends at or
 * before @last. Return: its order.
 */
static unsigned int range_block(unsigned long page, unsigned long last)
{
	unsigned int order = page ? __ffs(page) : BITS_PER_LONG - 1;
	unsigned int fit = __fls(last - page + 1);

	return min3(order, fit, (unsigned int)SVM_EDU_INV_ORDER_MAX);
}

/*
 * Page commands that cover [first, last], counted up to
 * SVM_EDU_MAX_RANGE_CMDS + 1 (then the caller flushes the whole PASID).
 * With the order cap a range can need far more than two per address bit:
 * 2^45 pages (5-level paging) are 512 blocks of the largest order.
 */
static u32 range_cmds(unsigned long first, unsigned long last)
{
	unsigned long page = first;
	u32 n = 0;

	while (page <= last && n <= SVM_EDU_MAX_RANGE_CMDS) {
		page += 1UL << range_block(page, last);
		n++;
	}
	return n;
}

/**
 * svm_edu_flush_range() - drop the device's translations of a range
 * @sdev: the device
 * @pasid: the address space's PASID
 * @start: first byte of the range
 * @end: one past its last byte; ULONG_MAX flushes the whole PASID
 *
 * Safe in atomic context. Returns when the device has acknowledged the
 * flush, or after fencing a device that did not.
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
	if (!whole) {
		cmds = range_cmds(first, last);
		whole = cmds > SVM_EDU_MAX_RANGE_CMDS;
	}
	if (whole)
		cmds = 1;

	spin_lock_irqsave(&sdev->inv_lock, flags);
	/* A fenced device has no translations left and does no DMA. */
	if (sdev->fenced || !iq_reserve(sdev, cmds + 1)) {
		spin_unlock_irqrestore(&sdev->inv_lock, flags);
		return;
	}
	if (whole) {
		iq_put(sdev, SVM_EDU_INV_PASID, pasid, 0, 0);
	} else {
		unsigned long page = first;

		while (page <= last) {
			unsigned int order = range_block(page, last);

			iq_put(sdev, SVM_EDU_INV_PAGE | order << 8, pasid,
			       (u64)page << PAGE_SHIFT, 0);
			page += 1UL << order;
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

static __le64 *pasid_entry(struct svm_edu_dev *sdev, u32 pasid)
{
	return &sdev->pasid_table[pasid * SVM_EDU_PASID_ENTRY_SIZE / 8];
}

/*
 * Make the device forget its copy of a PASID entry and every translation
 * of the PASID, and wait for a DMA chunk of it in progress (DRAIN also
 * withdraws a page request the PASID's descriptor is parked on).
 * inv_lock held.
 */
static void pasid_flush(struct svm_edu_dev *sdev, u32 pasid)
{
	if (sdev->fenced || !iq_reserve(sdev, 4))
		return;
	iq_put(sdev, SVM_EDU_INV_PASID_CACHE, pasid, 0, 0);
	/* Test-only bug: a reused PASID inherits the old translations. */
	if (svm_edu_injected(SVM_EDU_INJ_KEEP_IOTLB))
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
	else
		iq_put(sdev, SVM_EDU_INV_PASID, pasid, 0, 0);
	iq_put(sdev, SVM_EDU_INV_DRAIN, pasid, 0, 0);
	iq_commit(sdev);
}

/* A generation for a new binding of @pasid: never 0, never its last one. */
static u32 next_gen(struct svm_edu_dev *sdev, __le64 *pe)
{
	u32 old = le64_to_cpu(READ_ONCE(pe[SVM_EDU_PE_GEN / 8])) & U32_MAX;

	do {
		sdev->gen_next++;
	} while (!sdev->gen_next || sdev->gen_next == old);
	return sdev->gen_next;
}

/**
 * svm_edu_pasid_install() - point a blocked PASID entry at an address space
 * @sdev: the device
 * @pasid: the entry, blocked or never used (not VALID)
 * @flags: SVM_EDU_PE_*, VALID included
 * @pgd: physical address of the root page table the device walks
 * @croot: with SVM_EDU_PE_SHADOW, the process's root for the checker;
 *	else 0
 *
 * Writes the root(s) and, with SVM_EDU_CAP_BIND_GEN, a generation the PASID
 * has not had before, and only then the flags: a device that reads the
 * entry while it changes sees it either invalid or complete. Then flushes
 * the device's copy of the entry and the PASID's IOTLB entries. Safe in
 * atomic context.
 * Return: the binding's generation, 0 without SVM_EDU_CAP_BIND_GEN.
 */
u32 svm_edu_pasid_install(struct svm_edu_dev *sdev, u32 pasid, u64 flags,
			  u64 pgd, u64 croot)
{
	__le64 *pe = pasid_entry(sdev, pasid);
	unsigned long irqflags;
	u32 gen = 0;

	spin_lock_irqsave(&sdev->inv_lock, irqflags);
	if (sdev->caps & SVM_EDU_CAP_BIND_GEN)
		gen = next_gen(sdev, pe);
	WRITE_ONCE(pe[SVM_EDU_PE_PGD / 8], cpu_to_le64(pgd));
	WRITE_ONCE(pe[SVM_EDU_PE_CROOT / 8], cpu_to_le64(croot));
	if (gen)
		WRITE_ONCE(pe[SVM_EDU_PE_GEN / 8], cpu_to_le64(gen));
	/* The table is coherent memory: order root and gen before VALID. */
	dma_wmb();
	WRITE_ONCE(pe[SVM_EDU_PE_FLAGS / 8], cpu_to_le64(flags));
	pasid_flush(sdev, pasid);
	spin_unlock_irqrestore(&sdev->inv_lock, irqflags);
	return gen;
}

/**
 * svm_edu_pasid_clear_root() - TEST ONLY: 66b4d52's teardown order
 * @sdev: the device
 * @pasid: a VALID entry
 *
 * For the root_first knob: clears the root while the flags still say
 * VALID, and drops the device's copy of the entry (as an eviction by
 * another PASID would), so that the device reads the torn entry until
 * svm_edu_pasid_block() follows. The device must refuse it. Safe in
 * atomic context.
 */
void svm_edu_pasid_clear_root(struct svm_edu_dev *sdev, u32 pasid)
{
	__le64 *pe = pasid_entry(sdev, pasid);
	unsigned long irqflags;

	spin_lock_irqsave(&sdev->inv_lock, irqflags);
	WRITE_ONCE(pe[SVM_EDU_PE_PGD / 8], 0);
	if (!sdev->fenced && iq_reserve(sdev, 2)) {
		iq_put(sdev, SVM_EDU_INV_PASID_CACHE, pasid, 0, 0);
		iq_commit(sdev);
	}
	spin_unlock_irqrestore(&sdev->inv_lock, irqflags);
}

/**
 * svm_edu_pasid_block() - block a PASID on the device
 * @sdev: the device
 * @pasid: the entry
 *
 * The flags first (FPD, VALID off: every request of the PASID fails, and
 * the device never caches an entry without VALID), then the device's copy
 * of the entry, the PASID's IOTLB entries and a DMA chunk of it in
 * progress are flushed and waited for, and only then is the root cleared:
 * the device never sees a valid entry with root 0. The generation stays,
 * so that the next binding gets another one. Afterwards the device cannot
 * reach the address space through this PASID any more (or it is fenced).
 * Safe in atomic context.
 */
void svm_edu_pasid_block(struct svm_edu_dev *sdev, u32 pasid)
{
	__le64 *pe = pasid_entry(sdev, pasid);
	unsigned long irqflags;

	spin_lock_irqsave(&sdev->inv_lock, irqflags);
	WRITE_ONCE(pe[SVM_EDU_PE_FLAGS / 8], cpu_to_le64(SVM_EDU_PE_FPD));
	/* The doorbell's writel() orders the flags before the commands. */
	pasid_flush(sdev, pasid);
	WRITE_ONCE(pe[SVM_EDU_PE_PGD / 8], 0);
	WRITE_ONCE(pe[SVM_EDU_PE_CROOT / 8], 0);
	spin_unlock_irqrestore(&sdev->inv_lock, irqflags);
}
