// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: PCI driver for the svm-edu Shared Virtual Memory device.
 *
 * This file owns the PCI side: probe and remove, BAR0, the PASID table and
 * rings in coherent memory, MSI-X vectors and their handlers, and module
 * init/exit.
 */
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "svm_edu.h"
#include "svm_edu_sysfs.h"

static DEFINE_IDA(svm_edu_ida);

/* How long the probe waits for each self-test interrupt (TCG is slow). */
#define SVM_EDU_IRQ_TEST_MS	2000

static irqreturn_t svm_edu_irq(int irq, void *data)
{
	struct svm_edu_vec *vec = data;
	struct svm_edu_dev *sdev = vec->sdev;

	atomic64_inc(&sdev->irq_count[vec->nr]);
	complete(&sdev->irq_test_done[vec->nr]);
	switch (vec->nr) {
	case SVM_EDU_VEC_PAGE_REQ:
		/* For the page-request latency: the thread answers from here. */
		WRITE_ONCE(sdev->prq_irq_ns, ktime_get_ns());
		/* The self-test raises it before the ring exists. */
		return READ_ONCE(sdev->prq_head) == U32_MAX ? IRQ_HANDLED :
		       IRQ_WAKE_THREAD;
	case SVM_EDU_VEC_DMA_DONE:
		atomic64_inc(&sdev->done_seq);
		wake_up_all(&sdev->done_wq);
		break;
	case SVM_EDU_VEC_ERROR:
		dev_dbg_ratelimited(&sdev->pdev->dev, "device error %#x\n",
				    svm_edu_read32(sdev, SVM_EDU_REG_ERROR));
		break;
	}
	return IRQ_HANDLED;
}

/**
 * svm_edu_reset_device() - reset the device and wait until it has
 * @sdev: the device
 *
 * Drops the IOTLB, the PASID cache, every queued descriptor, a descriptor
 * in progress (after its current chunk) and a parked page request. Safe in
 * atomic context.
 */
void svm_edu_reset_device(struct svm_edu_dev *sdev)
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
		ret = devm_request_threaded_irq(&pdev->dev,
						pci_irq_vector(pdev, i),
						svm_edu_irq,
						i == SVM_EDU_VEC_PAGE_REQ ?
						svm_edu_prq_thread : NULL,
						0, sdev->name, &sdev->vec[i]);
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

/* PASID table, rings and WAIT word in coherent memory; freed by devres. */
static int svm_edu_alloc_queues(struct svm_edu_dev *sdev)
{
	struct device *dev = &sdev->pdev->dev;
	u32 hw_pasids = 1U << (sdev->caps & SVM_EDU_CAP_PASID_BITS_MASK);

	sdev->nr_pasids = min_t(u32, hw_pasids, 1024);
	sdev->pasid_table = dmam_alloc_coherent(dev, sdev->nr_pasids *
						SVM_EDU_PASID_ENTRY_SIZE,
						&sdev->pasid_table_dma,
						GFP_KERNEL);
	sdev->sq = dmam_alloc_coherent(dev, SVM_EDU_SQ_ENTRIES *
				       SVM_EDU_DESC_SIZE, &sdev->sq_dma,
				       GFP_KERNEL);
	sdev->iq = dmam_alloc_coherent(dev, SVM_EDU_IQ_ENTRIES *
				       SVM_EDU_INV_DESC_SIZE, &sdev->iq_dma,
				       GFP_KERNEL);
	sdev->wait_word = dmam_alloc_coherent(dev, sizeof(u32),
					      &sdev->wait_dma, GFP_KERNEL);
	sdev->prq = dmam_alloc_coherent(dev, SVM_EDU_PRQ_ENTRIES *
					SVM_EDU_PRQ_ENTRY_SIZE, &sdev->prq_dma,
					GFP_KERNEL);
	if (!sdev->pasid_table || !sdev->sq || !sdev->iq || !sdev->wait_word ||
	    !sdev->prq)
		return -ENOMEM;
	return 0;
}

static void svm_edu_program_queues(struct svm_edu_dev *sdev)
{
	svm_edu_write64(sdev, SVM_EDU_REG_PASID_TABLE, sdev->pasid_table_dma);
	svm_edu_write32(sdev, SVM_EDU_REG_PASID_ENTRIES, sdev->nr_pasids);
	svm_edu_write64(sdev, SVM_EDU_REG_SQ_BASE, sdev->sq_dma);
	svm_edu_write32(sdev, SVM_EDU_REG_SQ_SIZE, SVM_EDU_SQ_ENTRIES);
	svm_edu_write64(sdev, SVM_EDU_REG_IQ_BASE, sdev->iq_dma);
	svm_edu_write32(sdev, SVM_EDU_REG_IQ_SIZE, SVM_EDU_IQ_ENTRIES);
	svm_edu_write64(sdev, SVM_EDU_REG_PRQ_BASE, sdev->prq_dma);
	svm_edu_write32(sdev, SVM_EDU_REG_PRQ_SIZE, SVM_EDU_PRQ_ENTRIES);
	sdev->sq_tail = 0;
	atomic64_set(&sdev->sq_queued, 0);
	sdev->iq_tail = 0;
	atomic64_set(&sdev->prq_done, 0);
	WRITE_ONCE(sdev->prq_head, 0);
	svm_edu_write32(sdev, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE);
}

static struct svm_edu_dev *svm_edu_alloc(struct pci_dev *pdev)
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
	init_rwsem(&sdev->rwsem);
	mutex_init(&sdev->sq_lock);
	spin_lock_init(&sdev->inv_lock);
	spin_lock_init(&sdev->q_lock);
	INIT_LIST_HEAD(&sdev->quarantine);
	INIT_DELAYED_WORK(&sdev->q_work, svm_edu_quarantine_work);
	INIT_LIST_HEAD(&sdev->bonds);
	init_waitqueue_head(&sdev->done_wq);
	sdev->pdev = pdev;
	sdev->prq_head = U32_MAX;	/* no ring yet */
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
 *
 * The PCI binding, every open file and every bond hold one.
 */
void svm_edu_put(struct svm_edu_dev *sdev)
{
	kref_put(&sdev->ref, svm_edu_free);
}

static void svm_edu_put_action(void *data)
{
	svm_edu_put(data);
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
	if (!(sdev->caps & SVM_EDU_CAP_DMA) ||
	    !(sdev->caps & SVM_EDU_CAP_INV_QUEUE) ||
	    !(sdev->caps & SVM_EDU_CAP_PRQ))
		return dev_err_probe(&pdev->dev, -ENODEV,
				     "device lacks DMA, invalidation or page-request queues\n");

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "64-bit DMA mask\n");
	ret = svm_edu_alloc_queues(sdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	svm_edu_reset_device(sdev);

	ret = svm_edu_setup_irqs(sdev);
	if (ret)
		return ret;
	ret = svm_edu_irq_self_test(sdev);
	if (ret)
		return ret;

	svm_edu_program_queues(sdev);
	ret = svm_edu_cdev_register(sdev);
	if (ret)
		return ret;
	svm_edu_debugfs_add(sdev);

	dev_info(&pdev->dev,
		 "svm-edu v%u.%u, %u PASIDs, IOTLB %u entries %u-way, /dev/%s\n",
		 sdev->hw_version >> 16, sdev->hw_version & 0xffff,
		 sdev->nr_pasids, SVM_EDU_IOTLB_GEOM_ENTRIES(sdev->iotlb_geom),
		 SVM_EDU_IOTLB_GEOM_WAYS(sdev->iotlb_geom), sdev->name);
	return 0;
}

/*
 * Unbinding with files still open: their bonds are torn down here (PASID
 * entries blocked, IOTLB flushed, DMA drained), then the device is reset,
 * which drops every descriptor still queued and a parked page request, so
 * that the PASIDs can be freed at once; the files see ENODEV from now on.
 * The page-request thread is told to stop first, so that a fault it is
 * retrying does not hold up free_irq(). The device is quiesced before
 * devres releases vectors, rings and the BAR mapping.
 */
static void svm_edu_remove(struct pci_dev *pdev)
{
	struct svm_edu_dev *sdev = pci_get_drvdata(pdev);
	struct svm_edu_bond *bond, *tmp;
	LIST_HEAD(dying);

	svm_edu_debugfs_remove(sdev);
	WRITE_ONCE(sdev->prq_stop, true);
	mutex_lock(&svm_edu_bind_lock);
	down_write(&sdev->rwsem);
	svm_edu_unbind_all(sdev, &dying);
	svm_edu_reset_device(sdev);
	/* Nothing queued survives the reset: waiters stop waiting. */
	WRITE_ONCE(sdev->gone, true);
	up_write(&sdev->rwsem);
	mutex_unlock(&svm_edu_bind_lock);
	wake_up_all(&sdev->done_wq);
	list_for_each_entry_safe(bond, tmp, &dying, q_node) {
		list_del_init(&bond->q_node);
		svm_edu_unbind_finish(bond);
	}
	svm_edu_quarantine_release(sdev);
}

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

static int __init svm_edu_init(void)
{
	int ret;

	svm_edu_debugfs_init();
	ret = pci_register_driver(&svm_edu_pci_driver);
	if (ret)
		svm_edu_debugfs_exit();
	return ret;
}

static void __exit svm_edu_exit(void)
{
	pci_unregister_driver(&svm_edu_pci_driver);
	/*
	 * Every bond is gone and its mmu_notifier_put() done; the notifiers
	 * are freed later, from SRCU callbacks that run our .free_notifier.
	 * Wait for them before the module text goes.
	 */
	mmu_notifier_synchronize();
	svm_edu_debugfs_exit();
}

module_init(svm_edu_init);
module_exit(svm_edu_exit);

MODULE_DESCRIPTION("svm-edu Shared Virtual Memory educational device driver");
MODULE_LICENSE("GPL");
