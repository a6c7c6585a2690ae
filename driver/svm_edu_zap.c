// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: a page of driver memory mapped into user space, which the
 * driver can take away with zap_vma_ptes(): one of the kernel paths that
 * must reach the device IOTLB (the zap_vma_ptes scenario).
 *
 * The file owns two pages. A fault maps the current one (VM_PFNMAP, as
 * zap_vma_ptes() requires); SVM_EDU_IOC_ZAP zaps the mapping and switches to
 * the other page, so that a translation surviving the zap points at the
 * wrong page.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include "svm_edu.h"
#include "svm_edu_compat.h"
#include "uapi/svm_edu.h"

static vm_fault_t svm_edu_zap_fault(struct vm_fault *vmf)
{
	struct svm_edu_zbuf *zb = vmf->vma->vm_private_data;

	return vmf_insert_pfn(vmf->vma, vmf->address,
			      page_to_pfn(zb->pages[READ_ONCE(zb->cur)]));
}

static const struct vm_operations_struct svm_edu_zap_vm_ops = {
	.fault = svm_edu_zap_fault,
};

/**
 * svm_edu_zap_mmap() - map the file's page
 * @zb: the file's pages
 * @vma: one page, shared
 *
 * Return: 0 or a negative errno.
 */
int svm_edu_zap_mmap(struct svm_edu_zbuf *zb, struct vm_area_struct *vma)
{
	int i;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE || vma->vm_pgoff ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	mutex_lock(&zb->lock);
	for (i = 0; i < 2; i++) {
		if (!zb->pages[i])
			zb->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!zb->pages[i]) {
			mutex_unlock(&zb->lock);
			return -ENOMEM;
		}
	}
	mutex_unlock(&zb->lock);
	svm_edu_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &svm_edu_zap_vm_ops;
	vma->vm_private_data = zb;
	return 0;
}

/**
 * svm_edu_zap() - SVM_EDU_IOC_ZAP: zap the mapping at @addr, switch pages
 * @zb: the file's pages
 * @file: the file (the mapping must be of it)
 * @addr: an address in the mapping, in the caller's address space
 *
 * Return: 0 or -EINVAL when @addr is not in a mapping of @file.
 */
int svm_edu_zap(struct svm_edu_zbuf *zb, struct file *file, u64 addr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret = -EINVAL;

	if (!mm)
		return -EINVAL;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_file == file && vma->vm_ops == &svm_edu_zap_vm_ops) {
		svm_edu_zap_vma_ptes(vma, vma->vm_start,
				     vma->vm_end - vma->vm_start);
		WRITE_ONCE(zb->cur, !zb->cur);
		ret = 0;
	}
	mmap_read_unlock(mm);
	return ret;
}

/**
 * svm_edu_zap_free() - free the file's pages
 * @zb: the file's pages; no mapping of the file is left
 */
void svm_edu_zap_free(struct svm_edu_zbuf *zb)
{
	int i;

	for (i = 0; i < 2; i++)
		if (zb->pages[i])
			__free_page(zb->pages[i]);
}
