// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: PCI driver for the svm-edu Shared Virtual Memory device.
 *
 * This file owns the PCI side: probe and remove, BAR0, MSI-X vectors and
 * their handlers, and the device's sysfs attributes.
 */
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "svm_edu.h"

static DEFINE_IDA(svm_edu_ida);

/* How long the probe waits for each self-test interrupt (TCG is slow). */
#define SVM_EDU_IRQ_TEST_MS	2000

static irqreturn_t svm_edu_irq(int irq, void *data)
{
	struct svm_edu_vec *vec = data;
	struct svm_edu_dev *sdev = vec->sdev;

	atomic64_inc(&sdev->irq_count[vec->nr]);
	complete(&sdev->irq_test_done[vec->nr]);
	return IRQ_HANDLED;
}

static void svm_edu_reset_device(struct svm_edu_dev *sdev)
{
	svm_edu_write32(sdev, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
	/* Read back: posts the write before anything else touches the device. */
	svm_edu_read32(sdev, SVM_EDU_REG_STATUS);
}

static int svm_edu_setup_irqs(struct svm_edu_dev *sdev)
{
	struct pci_dev *pdev = sdev->pdev;
	int i, ret;

	ret = pci_alloc_irq_vectors(pdev, SVM_EDU_NR_VECTORS,
				    SVM_EDU_NR_VECTORS, PCI_IRQ_MSIX);
	if (ret < 0)
		return dev_err_probe(&pdev->dev, ret, "MSI-X vectors\n");

	for (i = 0; i < SVM_EDU_NR_VECTORS; i++) {
		sdev->vec[i].sdev = sdev;
		sdev->vec[i].nr = i;
		init_completion(&sdev->irq_test_done[i]);
		ret = devm_request_irq(&pdev->dev, pci_irq_vector(pdev, i),
				       svm_edu_irq, 0, sdev->name,
				       &sdev->vec[i]);
		if (ret)
			return dev_err_probe(&pdev->dev, ret,
					     "request vector %d\n", i);
	}
	return 0;
}

/*
 * Make the device raise every vector once: proves that MSI-X messages
 * reach their handlers before anything depends on them.
 */
static int svm_edu_irq_self_test(struct svm_edu_dev *sdev)
{
	unsigned long tmo = msecs_to_jiffies(SVM_EDU_IRQ_TEST_MS);
	int i;

	for (i = 0; i < SVM_EDU_NR_VECTORS; i++) {
		reinit_completion(&sdev->irq_test_done[i]);
		svm_edu_write32(sdev, SVM_EDU_REG_IRQ_TEST, i);
		if (!wait_for_completion_timeout(&sdev->irq_test_done[i], tmo)) {
			dev_err(&sdev->pdev->dev,
				"MSI-X vector %d did not arrive\n", i);
			return -EIO;
		}
	}
	return 0;
}

static void svm_edu_put_action(void *data)
{
	struct svm_edu_dev *sdev = data;

	/* Open files may still hold the device: they see it gone. */
	svm_edu_mark_gone(sdev);
	svm_edu_put(sdev);
}

static int svm_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct svm_edu_dev *sdev;
	u32 magic;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(SVM_EDU_BAR_REGS), KBUILD_MODNAME);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "map BAR%d\n",
				     SVM_EDU_BAR_REGS);
	if (pci_resource_len(pdev, SVM_EDU_BAR_REGS) < SVM_EDU_BAR0_SIZE)
		return dev_err_probe(&pdev->dev, -ENODEV, "BAR%d too small\n",
				     SVM_EDU_BAR_REGS);

	sdev = svm_edu_alloc(pdev);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);
	ret = devm_add_action_or_reset(&pdev->dev, svm_edu_put_action, sdev);
	if (ret)
		return ret;
	sdev->regs = pcim_iomap_table(pdev)[SVM_EDU_BAR_REGS];
	pci_set_drvdata(pdev, sdev);

	magic = svm_edu_read32(sdev, SVM_EDU_REG_ID);
	sdev->hw_version = svm_edu_read32(sdev, SVM_EDU_REG_VERSION);
	if (magic != SVM_EDU_ID_MAGIC ||
	    sdev->hw_version >> 16 != SVM_EDU_VERSION_MAJOR)
		return dev_err_probe(&pdev->dev, -ENODEV,
				     "not an svm-edu v%d device (id %#x version %#x)\n",
				     SVM_EDU_VERSION_MAJOR, magic,
				     sdev->hw_version);
	sdev->caps = svm_edu_read64(sdev, SVM_EDU_REG_CAP);
	sdev->iotlb_geom = svm_edu_read32(sdev, SVM_EDU_REG_IOTLB_GEOM);

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "64-bit DMA mask\n");
	pci_set_master(pdev);
	svm_edu_reset_device(sdev);

	ret = svm_edu_setup_irqs(sdev);
	if (ret)
		return ret;
	ret = svm_edu_irq_self_test(sdev);
	if (ret)
		return ret;

	svm_edu_write32(sdev, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE);
	ret = svm_edu_cdev_register(sdev);
	if (ret)
		return ret;

	dev_info(&pdev->dev,
		 "svm-edu v%u.%u, %u PASID bits, IOTLB %u entries %u-way, /dev/%s\n",
		 sdev->hw_version >> 16, sdev->hw_version & 0xffff,
		 (unsigned int)(sdev->caps & SVM_EDU_CAP_PASID_BITS_MASK),
		 SVM_EDU_IOTLB_GEOM_ENTRIES(sdev->iotlb_geom),
		 SVM_EDU_IOTLB_GEOM_WAYS(sdev->iotlb_geom), sdev->name);
	return 0;
}

static void svm_edu_remove(struct pci_dev *pdev)
{
	struct svm_edu_dev *sdev = pci_get_drvdata(pdev);

	/*
	 * The character device goes first (devres runs in reverse order of
	 * registration, after this); quiesce the device before its vectors
	 * and mapping are released.
	 */
	svm_edu_reset_device(sdev);
}

static ssize_t hw_version_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct svm_edu_dev *sdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u.%u\n", sdev->hw_version >> 16,
			  sdev->hw_version & 0xffff);
}
static DEVICE_ATTR_RO(hw_version);

static ssize_t caps_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct svm_edu_dev *sdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%#llx\n", (unsigned long long)sdev->caps);
}
static DEVICE_ATTR_RO(caps);

static ssize_t irq_count_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct svm_edu_dev *sdev = dev_get_drvdata(dev);
	int i, len = 0;

	for (i = 0; i < SVM_EDU_NR_VECTORS; i++)
		len += sysfs_emit_at(buf, len, "%s%lld", i ? " " : "",
				     (long long)atomic64_read(&sdev->irq_count[i]));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(irq_count);

static struct attribute *svm_edu_attrs[] = {
	&dev_attr_hw_version.attr,
	&dev_attr_caps.attr,
	&dev_attr_irq_count.attr,
	NULL,
};
ATTRIBUTE_GROUPS(svm_edu);

static const struct pci_device_id svm_edu_ids[] = {
	{ PCI_DEVICE(SVM_EDU_PCI_VENDOR_ID, SVM_EDU_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, svm_edu_ids);

static struct pci_driver svm_edu_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = svm_edu_ids,
	.probe = svm_edu_probe,
	.remove = svm_edu_remove,
	.dev_groups = svm_edu_groups,
};

/**
 * svm_edu_alloc() - allocate the state of one device and its instance number
 * @pdev: the PCI function being probed
 *
 * The state is reference counted: open files keep it alive after the PCI
 * function is removed. Return: the new state or an ERR_PTR().
 */
struct svm_edu_dev *svm_edu_alloc(struct pci_dev *pdev)
{
	struct svm_edu_dev *sdev;
	int nr;

	sdev = kzalloc(sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return ERR_PTR(-ENOMEM);
	nr = ida_alloc(&svm_edu_ida, GFP_KERNEL);
	if (nr < 0) {
		kfree(sdev);
		return ERR_PTR(nr);
	}
	kref_init(&sdev->ref);
	spin_lock_init(&sdev->lock);
	sdev->pdev = pdev;
	sdev->instance = nr;
	snprintf(sdev->name, sizeof(sdev->name), "svm-edu%d", nr);
	return sdev;
}

static void svm_edu_free(struct kref *ref)
{
	struct svm_edu_dev *sdev = container_of(ref, struct svm_edu_dev, ref);

	ida_free(&svm_edu_ida, sdev->instance);
	kfree(sdev);
}

/**
 * svm_edu_put() - drop a reference to a device's state
 * @sdev: the device
 */
void svm_edu_put(struct svm_edu_dev *sdev)
{
	kref_put(&sdev->ref, svm_edu_free);
}

/**
 * svm_edu_mark_gone() - record that the PCI function has been removed
 * @sdev: the device
 *
 * After this, file operations that need the hardware fail with ENODEV.
 */
void svm_edu_mark_gone(struct svm_edu_dev *sdev)
{
	spin_lock(&sdev->lock);
	sdev->gone = true;
	spin_unlock(&sdev->lock);
}

module_pci_driver(svm_edu_pci_driver);

MODULE_DESCRIPTION("svm-edu Shared Virtual Memory educational device driver");
MODULE_LICENSE("GPL");
