// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: page requests. The device asks the kernel to make a page of a
 * bound address space accessible (it met a not-present or write-protected
 * page with block-on-fault); this threaded handler faults it in, as the
 * CPU would, and answers.
 */
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "svm_edu.h"
#include "svm_edu_compat.h"
#include "svm_edu_trace.h"

/* Fault @addr of @mm in for a read or a write. True on success. */
static bool svm_edu_fault_in(struct mm_struct *mm, u64 addr, bool write)
{
	unsigned int flags = FAULT_FLAG_REMOTE | (write ? FAULT_FLAG_WRITE : 0);
	struct vm_area_struct *vma;
	vm_fault_t ret;
	bool ok = false;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	/* The device gets no more than the process could do itself. */
	if (vma && (vma->vm_flags & (write ? VM_WRITE : VM_READ))) {
		ret = handle_mm_fault(vma, addr, flags, NULL);
		ok = !(ret & VM_FAULT_ERROR);
	}
	mmap_read_unlock(mm);
	return ok;
}

static void svm_edu_handle_request(struct svm_edu_dev *sdev,
				   const struct svm_edu_page_req *req)
{
	u32 id = get_unaligned_le32(&req->id);
	u32 pasid = get_unaligned_le32(&req->pasid);
	u64 addr = get_unaligned_le64(&req->addr);
	bool write = get_unaligned_le32(&req->flags) & SVM_EDU_PRQ_F_WRITE;
	struct mm_struct *mm = NULL;
	bool ok = false;

	/* Canonical user addresses of a live, bound address space only. */
	if (addr < TASK_SIZE_MAX)
		mm = svm_edu_pasid_mm(sdev, pasid);
	if (mm) {
		ok = svm_edu_fault_in(mm, addr, write);
		mmput(mm);
	}
	svm_edu_write64(sdev, SVM_EDU_REG_PRQ_RESP,
			SVM_EDU_PRQ_RESP(id, ok ? SVM_EDU_PRQ_RESP_SUCCESS :
					 SVM_EDU_PRQ_RESP_FAILURE));
	svm_edu_count(sdev, SVM_EDU_DC_PAGE_REQS, 1);
	if (!ok)
		svm_edu_count(sdev, SVM_EDU_DC_PAGE_REQ_FAILED, 1);
	trace_svm_edu_page_request(sdev->instance, pasid, addr, write, ok);
}

/**
 * svm_edu_prq_thread() - threaded handler of the PAGE_REQ vector
 * @irq: the interrupt
 * @data: the vector's struct svm_edu_vec
 *
 * Handles every request between our head and the device's tail, answering
 * each, then publishes the new head.
 * Return: IRQ_HANDLED.
 */
irqreturn_t svm_edu_prq_thread(int irq, void *data)
{
	struct svm_edu_vec *vec = data;
	struct svm_edu_dev *sdev = vec->sdev;
	u32 tail;

	while ((tail = svm_edu_read32(sdev, SVM_EDU_REG_PRQ_TAIL)) !=
	       sdev->prq_head) {
		if (tail >= SVM_EDU_PRQ_ENTRIES)
			break;	/* not a tail we gave the device room for */
		while (sdev->prq_head != tail) {
			/* Read the entry only after seeing the tail move. */
			dma_rmb();
			svm_edu_handle_request(sdev, &sdev->prq[sdev->prq_head]);
			sdev->prq_head = (sdev->prq_head + 1) % SVM_EDU_PRQ_ENTRIES;
		}
		svm_edu_write32(sdev, SVM_EDU_REG_PRQ_HEAD, sdev->prq_head);
	}
	return IRQ_HANDLED;
}
