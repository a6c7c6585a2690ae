/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * svm_edu ioctl ABI: the interface between the svm_edu driver and user space
 * on /dev/svm-edu<N>.
 *
 * Every argument structure starts with a __u32 size that user space sets to
 * sizeof() of the structure it was compiled with; the driver rejects sizes it
 * does not know with EINVAL. Reserved fields must be zero (EINVAL otherwise)
 * and are zero in everything the driver returns.
 */
#ifndef _UAPI_SVM_EDU_H
#define _UAPI_SVM_EDU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped on every incompatible change of this file. */
#define SVM_EDU_ABI_VERSION	1

#define SVM_EDU_IOC_MAGIC	'S'

/**
 * struct svm_edu_info - what SVM_EDU_IOC_INFO returns
 * @size: in: sizeof(struct svm_edu_info)
 * @abi_version: out: SVM_EDU_ABI_VERSION of the driver
 * @hw_version: out: the device's VERSION register
 * @nr_vectors: out: MSI-X vectors in use
 * @caps: out: the device's CAP register (SVM_EDU_CAP_* in svm_edu_hw.h)
 * @iotlb_entries: out: IOTLB size
 * @iotlb_ways: out: IOTLB associativity
 * @instance: out: N of /dev/svm-edu<N>
 * @reserved: must be zero
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
	__u32 reserved[7];
};

#define SVM_EDU_IOC_INFO	_IOWR(SVM_EDU_IOC_MAGIC, 0x00, struct svm_edu_info)

#endif /* _UAPI_SVM_EDU_H */
