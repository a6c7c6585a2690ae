/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_edu: the differences between the kernels the driver builds for.
 */
#ifndef SVM_EDU_COMPAT_H
#define SVM_EDU_COMPAT_H

#include <linux/version.h>

/*
 * Linux 6.6 replaced mmu_notifier_ops.invalidate_range, called after the
 * CPU TLB flush, with .arch_invalidate_secondary_tlbs, called from the
 * architecture's TLB flush itself. Same prototype, same duty for us.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define SVM_EDU_MN_INVALIDATE	arch_invalidate_secondary_tlbs
#else
#define SVM_EDU_MN_INVALIDATE	invalidate_range
#endif

/* vm_flags became read-only outside the helpers in 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define svm_edu_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define svm_edu_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

/* The unaligned access helpers moved to linux/ in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * Linux 7.1 renamed zap_vma_ptes() to zap_special_vma_range() (same
 * arguments, same rule: only VM_PFNMAP, now also VM_MIXEDMAP, VMAs).
 * zap_vma_range() in 7.1 is the old zap_page_range_single(), not it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 1, 0)
#define svm_edu_zap_vma_ptes(vma, addr, size)	\
	zap_special_vma_range(vma, addr, size)
#else
#define svm_edu_zap_vma_ptes(vma, addr, size)	zap_vma_ptes(vma, addr, size)
#endif

/*
 * Differences that need no code here, handled where they matter:
 * - the invalidate-callback attribution (svm_edu_attrib.c) names kernel
 *   functions: 7.1's zap_special_vma_range(), and 6.13's PMD-level COW of
 *   the huge zero page in do_huge_pmd_wp_page() (no split any more).
 * - 7.2's Makefile needs scripts/checker-valid.sh for sparse, which
 *   Debian's linux-kbuild lacks: scripts/kbuild.sh supplies it.
 */

#endif /* SVM_EDU_COMPAT_H */
