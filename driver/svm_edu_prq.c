// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: page requests. The device asks the kernel to make a page of a
 * bound address space accessible (it met a not-present or write-protected
 * page with block-on-fault); this threaded handler faults it in, as the
 * CPU would, and answers.
 *
 * The engine waits for the answer, for every PASID, so a fault must not
 * block for ever: it is tried without waiting for I/O or a page lock
 * (FAULT_FLAG_RETRY_NOWAIT, as KVM's FOLL_NOWAIT), again every
 * millisecond or so while the I/O it started completes, and given up
 * ("failure": the descriptor completes with its fault, which user space
 * can resolve itself) after prq_timeout_ms, when the binding ends, or
 * when the device is removed or fenced.
 */
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/userfaultfd_k.h>

#include "svm_edu.h"
#include "svm_edu_compat.h"
#include "svm_edu_trace.h"

static bool prq_fault_around = true;
module_param(prq_fault_around, bool, 0644);
MODULE_PARM_DESC(prq_fault_around,
		 "fault in the rest of a page-request group too (off: the requested page alone)");

static unsigned int prq_timeout_ms = 1000;
module_param(prq_timeout_ms, uint, 0644);
MODULE_PARM_DESC(prq_timeout_ms,
		 "how long a page request may wait for a page under I/O before it is answered \"failure\"");

enum svm_edu_fault_res {
	SVM_EDU_FAULT_OK,
	SVM_EDU_FAULT_FAILED,	/* no VMA, not allowed, or an error */
	SVM_EDU_FAULT_AGAIN,	/* would have waited: try again later */
	SVM_EDU_FAULT_ENDED,	/* the binding ended (or was never ours) */
	SVM_EDU_FAULT_TIMEOUT,	/* given up: prq_timeout_ms, removal */
};

/* One attempt at faulting @addr of @mm in, without waiting for I/O. */
static enum svm_edu_fault_res svm_edu_fault_once(struct mm_struct *mm,
						 u64 addr, bool write)
{
	/* A device access is a user access, made for another task (sva). */
	unsigned int flags = FAULT_FLAG_REMOTE | FAULT_FLAG_USER;
	struct vm_area_struct *vma;
	vm_fault_t ret;

	if (write)
		flags |= FAULT_FLAG_WRITE;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	/* The device gets no more than the process could do itself. */
	if (!vma || !(vma->vm_flags & (write ? VM_WRITE : VM_READ))) {
		mmap_read_unlock(mm);
		return SVM_EDU_FAULT_FAILED;
	}
	/*
	 * Do not wait for I/O or a page lock with mmap_lock held: ask to be
	 * told to retry instead (the mmap_lock stays held). Not for
	 * userfaultfd ranges: there NOWAIT would never deliver the fault to
	 * the monitor, and without ALLOW_RETRY they fail at once, as before.
	 */
	if (!userfaultfd_armed(vma))
		flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT;
	ret = handle_mm_fault(vma, addr, flags, NULL);
	/* Only COMPLETED means mmap_lock was dropped (never with NOWAIT). */
	if (!(ret & VM_FAULT_COMPLETED))
		mmap_read_unlock(mm);
	if (ret & VM_FAULT_ERROR)
		return SVM_EDU_FAULT_FAILED;
	if (ret & VM_FAULT_RETRY)
		return SVM_EDU_FAULT_AGAIN;
	return SVM_EDU_FAULT_OK;
}

/*
 * A shadow binding's page request: fill the shadow table for the page
 * (hmm_range_fault() faults it in as the CPU would, the VMA's rights
 * checked), racing invalidations at most until @deadline.
 */
static enum svm_edu_fault_res svm_edu_prq_shadow(struct svm_edu_shadow *sh,
						 struct mm_struct *mm,
						 u64 addr, bool write,
						 unsigned long deadline)
{
	long left = (long)(deadline - jiffies);
	int ret;

	if (left <= 0)
		return SVM_EDU_FAULT_TIMEOUT;
	ret = svm_edu_shadow_fault(sh, mm, addr, write,
				   jiffies_to_msecs(left));
	if (ret == -EBUSY || ret == -EINTR)
		return SVM_EDU_FAULT_TIMEOUT;
	return ret ? SVM_EDU_FAULT_FAILED : SVM_EDU_FAULT_OK;
}

/*
 * The rest of a page-request group, once its first page is in: pages
 * @addr + 4 KiB on, up to @npages in all, under one mmap_lock, as the CPU's
 * fault-around maps what it will touch next. Best effort and never
 * waiting: it stops at the first page that is not allowed, would wait
 * (I/O, a page lock) or fails, and at a userfaultfd range, whose faults
 * belong to its monitor. Return: the pages faulted in.
 */
static u32 svm_edu_fault_around(struct svm_edu_dev *sdev, u32 pasid, u32 gen,
				u64 addr, u32 npages, bool write)
{
	unsigned int flags = FAULT_FLAG_REMOTE | FAULT_FLAG_USER |
			     FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT;
	struct svm_edu_shadow *sh = NULL;
	struct vm_area_struct *vma = NULL;
	struct mm_struct *mm;
	vm_fault_t ret;
	u32 i;

	mm = svm_edu_pasid_mm(sdev, pasid, gen, &sh);
	if (!mm)
		return 0;
	if (sh) {
		i = svm_edu_shadow_around(sh, mm, addr, npages, write);
		mmput_async(mm);
		return i;
	}
	if (write)
		flags |= FAULT_FLAG_WRITE;
	mmap_read_lock(mm);
	for (i = 1; i < npages && !READ_ONCE(sdev->prq_stop); i++) {
		u64 a = addr + (u64)i * PAGE_SIZE;

		if (a >= TASK_SIZE_MAX)
			break;
		if (!vma || a >= vma->vm_end) {
			vma = vma_lookup(mm, a);
			if (!vma || !(vma->vm_flags & (write ? VM_WRITE : VM_READ)) ||
			    userfaultfd_armed(vma))
				break;
		}
		ret = handle_mm_fault(vma, a, flags, NULL);
		/* Only COMPLETED drops the lock (never with RETRY_NOWAIT). */
		if (ret & VM_FAULT_COMPLETED) {
			mmput_async(mm);
			return i;
		}
		if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
			break;
	}
	mmap_read_unlock(mm);
	mmput_async(mm);
	return i - 1;
}

/*
 * Fault @addr in for the binding of generation @gen of @pasid. The mm is
 * looked up again for each attempt: a binding that ended meanwhile is not
 * faulted into, and unbind does not wait for a fault of its binding.
 */
static enum svm_edu_fault_res svm_edu_fault_in(struct svm_edu_dev *sdev,
					       u32 pasid, u32 gen, u64 addr,
					       bool write)
{
	unsigned long deadline = jiffies +
				 msecs_to_jiffies(READ_ONCE(prq_timeout_ms));
	u32 stall_ms = svm_edu_injected(SVM_EDU_INJ_PRQ_STALL_MS);
	unsigned long stall_end = jiffies + msecs_to_jiffies(stall_ms);
	enum svm_edu_fault_res res;
	struct mm_struct *mm;

	/* Test-only: a fault that sleeps through the stall (the old bug). */
	if (stall_ms && svm_edu_injected(SVM_EDU_INJ_PRQ_STALL_BLOCKS)) {
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		msleep(stall_ms);
		stall_ms = 0;
	}
	for (;;) {
		struct svm_edu_shadow *sh = NULL;

		mm = svm_edu_pasid_mm(sdev, pasid, gen, &sh);
		if (!mm)
			return SVM_EDU_FAULT_ENDED;
		/* Test-only: the page is "under I/O" until stall_end. */
		if (stall_ms && time_before(jiffies, stall_end))
			res = SVM_EDU_FAULT_AGAIN;
		else if (sh)	/* a shadow binding: fill the shadow */
			res = svm_edu_prq_shadow(sh, mm, addr, write, deadline);
		else
			res = svm_edu_fault_once(mm, addr, write);
		/* Never exit_mmap() (and our .release) from this thread. */
		mmput_async(mm);
		if (res != SVM_EDU_FAULT_AGAIN)
			return res;
		if (READ_ONCE(sdev->prq_stop) || time_after(jiffies, deadline))
			return SVM_EDU_FAULT_TIMEOUT;
		usleep_range(500, 1000);
	}
}

static void svm_edu_handle_request(struct svm_edu_dev *sdev,
				   const struct svm_edu_page_req *req, u64 t_irq)
{
	u32 id = get_unaligned_le32(&req->id);
	u32 pasid = get_unaligned_le32(&req->pasid);
	u64 addr = get_unaligned_le64(&req->addr);
	bool write = get_unaligned_le32(&req->flags) & SVM_EDU_PRQ_F_WRITE;
	/* 0 from a device without SVM_EDU_CAP_BIND_GEN, as bond->gen. */
	u32 gen = get_unaligned_le32(&req->bind_gen);
	u32 npages = get_unaligned_le32(&req->npages);
	enum svm_edu_fault_res res = SVM_EDU_FAULT_FAILED;
	bool ok;

	/* Canonical user addresses of a live, bound address space only. */
	if (addr < TASK_SIZE_MAX)
		res = svm_edu_fault_in(sdev, pasid, gen, addr, write);
	ok = res == SVM_EDU_FAULT_OK;
	/* A group: the pages the device will touch next, before it asks. */
	if (ok && npages > 1 && READ_ONCE(prq_fault_around))
		svm_edu_count(sdev, SVM_EDU_DC_FAULT_AROUND,
			      svm_edu_fault_around(sdev, pasid, gen,
						   addr & PAGE_MASK,
						   min_t(u32, npages,
							 SVM_EDU_PRQ_GROUP_MAX),
						   write));
	svm_edu_write64(sdev, SVM_EDU_REG_PRQ_RESP,
			SVM_EDU_PRQ_RESP(id, ok ? SVM_EDU_PRQ_RESP_SUCCESS :
					 SVM_EDU_PRQ_RESP_FAILURE));
	svm_edu_lat_record(sdev, SVM_EDU_LAT_PAGE_REQUEST, ktime_get_ns() - t_irq);
	svm_edu_count(sdev, SVM_EDU_DC_PAGE_REQS, 1);
	if (!ok)
		svm_edu_count(sdev, SVM_EDU_DC_PAGE_REQ_FAILED, 1);
	if (res == SVM_EDU_FAULT_ENDED)
		svm_edu_count(sdev, SVM_EDU_DC_PAGE_REQ_ENDED, 1);
	else if (res == SVM_EDU_FAULT_TIMEOUT)
		svm_edu_count(sdev, SVM_EDU_DC_PAGE_REQ_TIMEOUTS, 1);
	trace_svm_edu_page_request(sdev->instance, pasid, addr, write, ok);
}

/**
 * svm_edu_prq_thread() - threaded handler of the PAGE_REQ vector
 * @irq: the interrupt
 * @data: the vector's struct svm_edu_vec
 *
 * Handles every request between our head and the device's tail, answering
 * each, then publishes the new head. Stops at once when the device is
 * being removed or was fenced (it is reset then: nothing waits for us).
 * Return: IRQ_HANDLED.
 */
irqreturn_t svm_edu_prq_thread(int irq, void *data)
{
	struct svm_edu_vec *vec = data;
	struct svm_edu_dev *sdev = vec->sdev;
	u64 t_irq;
	u32 tail;

	while (!READ_ONCE(sdev->prq_stop)) {
		/*
		 * The interrupt that announced what the tail shows: the
		 * engine waits for each answer, one request per interrupt.
		 */
		t_irq = READ_ONCE(sdev->prq_irq_ns);
		tail = svm_edu_read32(sdev, SVM_EDU_REG_PRQ_TAIL);
		if (tail == sdev->prq_head || tail >= SVM_EDU_PRQ_ENTRIES)
			break;	/* done, or not a tail we gave room for */
		while (sdev->prq_head != tail && !READ_ONCE(sdev->prq_stop)) {
			/* Read the entry only after seeing the tail move. */
			dma_rmb();
			svm_edu_handle_request(sdev, &sdev->prq[sdev->prq_head],
					       t_irq);
			sdev->prq_head = (sdev->prq_head + 1) % SVM_EDU_PRQ_ENTRIES;
			/* Before PRQ_HEAD: see svm_edu_prq_pending(). */
			atomic64_inc(&sdev->prq_done);
		}
		svm_edu_write32(sdev, SVM_EDU_REG_PRQ_HEAD, sdev->prq_head);
	}
	return IRQ_HANDLED;
}

/**
 * svm_edu_prq_pending() - where the driver's page-request count must get
 * @sdev: the device, not removed
 *
 * For unbind: every request the device has written so far is handled once
 * sdev->prq_done reaches the value returned. The device never has more
 * than SVM_EDU_PRQ_ENTRIES - 1 requests beyond the PRQ_HEAD we wrote,
 * which is never ahead of prq_done; a prq_done that did not move while the
 * tail was read makes the distance exact, across wrap-around.
 * Return: the target count.
 */
u64 svm_edu_prq_pending(struct svm_edu_dev *sdev)
{
	u64 done, before;
	int tries = 0;
	u32 tail;

	done = atomic64_read(&sdev->prq_done);
	do {
		before = done;
		/* prq_done, then the tail, then prq_done again. */
		rmb();
		tail = svm_edu_read32(sdev, SVM_EDU_REG_PRQ_TAIL) %
		       SVM_EDU_PRQ_ENTRIES;
		/* the tail before prq_done is read again */
		rmb();
		done = atomic64_read(&sdev->prq_done);
	} while (done != before && ++tries < 16);
	return before + (tail - (u32)before) % SVM_EDU_PRQ_ENTRIES;
}
