/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_edu driver: state shared by the driver's files.
 */
#ifndef SVM_EDU_DRV_H
#define SVM_EDU_DRV_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/pci.h>
#include <linux/spinlock.h>

#include "svm_edu_hw.h"

struct svm_edu_dev;

/**
 * struct svm_edu_vec - the context of one MSI-X vector's handler
 * @sdev: the device
 * @nr: vector number (SVM_EDU_VEC_*)
 */
struct svm_edu_vec {
	struct svm_edu_dev *sdev;
	unsigned int nr;
};

/**
 * struct svm_edu_dev - one svm-edu PCI function
 * @ref: held by the PCI binding and by every open file
 * @lock: protects @gone
 * @gone: the PCI function was removed; open files get ENODEV
 * @pdev: the PCI device
 * @regs: BAR0 mapping
 * @instance: N of /dev/svm-edu<N>
 * @name: "svm-edu<N>", the misc device name
 * @misc: the character device
 * @hw_version: VERSION register read at probe
 * @caps: CAP register read at probe
 * @iotlb_geom: IOTLB_GEOM register read at probe
 * @vec: handler context per MSI-X vector
 * @irq_count: interrupts taken, per MSI-X vector
 * @irq_test_done: completed by a vector's handler during the probe self-test
 */
struct svm_edu_dev {
	struct kref ref;
	spinlock_t lock;
	bool gone;
	struct pci_dev *pdev;
	void __iomem *regs;
	int instance;
	char name[24];
	struct miscdevice misc;
	u32 hw_version;
	u64 caps;
	u32 iotlb_geom;
	struct svm_edu_vec vec[SVM_EDU_NR_VECTORS];
	atomic64_t irq_count[SVM_EDU_NR_VECTORS];
	struct completion irq_test_done[SVM_EDU_NR_VECTORS];
};

static inline u32 svm_edu_read32(struct svm_edu_dev *sdev, u32 reg)
{
	return readl(sdev->regs + reg);
}

static inline void svm_edu_write32(struct svm_edu_dev *sdev, u32 reg, u32 val)
{
	writel(val, sdev->regs + reg);
}

static inline u64 svm_edu_read64(struct svm_edu_dev *sdev, u32 reg)
{
	return readq(sdev->regs + reg);
}

struct svm_edu_dev *svm_edu_alloc(struct pci_dev *pdev);
void svm_edu_put(struct svm_edu_dev *sdev);
void svm_edu_mark_gone(struct svm_edu_dev *sdev);
int svm_edu_cdev_register(struct svm_edu_dev *sdev);

#endif /* SVM_EDU_DRV_H */
