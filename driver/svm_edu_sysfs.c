// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: sysfs attributes of the PCI function.
 *
 *   hw_version, caps, irq_count, device_error
 *   hw_counters/<name>    the device's counters (BAR0), one value per file
 *   drv_counters/<name>   the driver's counters for this device
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "svm_edu.h"
#include "svm_edu_sysfs.h"

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

/*
 * The device's sticky error bits (SVM_EDU_ERR_*): what it refused since
 * they were last cleared. Writing a mask clears those bits.
 */
static ssize_t device_error_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct svm_edu_dev *sdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%#x\n", svm_edu_read32(sdev, SVM_EDU_REG_ERROR));
}

static ssize_t device_error_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct svm_edu_dev *sdev = dev_get_drvdata(dev);
	u32 mask;
	int ret = kstrtou32(buf, 0, &mask);

	if (ret)
		return ret;
	svm_edu_write32(sdev, SVM_EDU_REG_ERROR, mask);
	return count;
}
static DEVICE_ATTR_RW(device_error);

static struct attribute *svm_edu_attrs[] = {
	&dev_attr_hw_version.attr,
	&dev_attr_caps.attr,
	&dev_attr_irq_count.attr,
	&dev_attr_device_error.attr,
	NULL,
};

static const struct attribute_group svm_edu_group = {
	.attrs = svm_edu_attrs,
};

/* A counter attribute: which counter it shows. */
struct svm_edu_cnt_attr {
	struct device_attribute attr;
	unsigned int idx;
};

static ssize_t hw_counter_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct svm_edu_dev *sdev = dev_get_drvdata(dev);
	unsigned int idx = container_of(attr, struct svm_edu_cnt_attr, attr)->idx;

	return sysfs_emit(buf, "%llu\n", (unsigned long long)
			  svm_edu_read64(sdev, SVM_EDU_REG_COUNTERS + 8 * idx));
}

static ssize_t drv_counter_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct svm_edu_dev *sdev = dev_get_drvdata(dev);
	unsigned int idx = container_of(attr, struct svm_edu_cnt_attr, attr)->idx;

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&sdev->cnt[idx]));
}

#define HW_CNT(_name, _idx) \
	static struct svm_edu_cnt_attr hw_cnt_##_name = { \
		__ATTR(_name, 0444, hw_counter_show, NULL), _idx }
#define DRV_CNT(_name, _idx) \
	static struct svm_edu_cnt_attr drv_cnt_##_name = { \
		__ATTR(_name, 0444, drv_counter_show, NULL), _idx }

HW_CNT(descriptors, SVM_EDU_CNT_DESCRIPTORS);
HW_CNT(bytes, SVM_EDU_CNT_BYTES);
HW_CNT(iotlb_hits, SVM_EDU_CNT_IOTLB_HITS);
HW_CNT(iotlb_misses, SVM_EDU_CNT_IOTLB_MISSES);
HW_CNT(iotlb_evictions, SVM_EDU_CNT_IOTLB_EVICTIONS);
HW_CNT(walks, SVM_EDU_CNT_WALKS);
HW_CNT(pte_reads, SVM_EDU_CNT_PTE_READS);
HW_CNT(ad_updates, SVM_EDU_CNT_AD_UPDATES);
HW_CNT(inv_page, SVM_EDU_CNT_INV_PAGE);
HW_CNT(inv_pasid, SVM_EDU_CNT_INV_PASID);
HW_CNT(inv_global, SVM_EDU_CNT_INV_GLOBAL);
HW_CNT(inv_pasid_cache, SVM_EDU_CNT_INV_PASID_CACHE);
HW_CNT(inv_drain, SVM_EDU_CNT_INV_DRAIN);
HW_CNT(inv_wait, SVM_EDU_CNT_INV_WAIT);
HW_CNT(inv_dropped, SVM_EDU_CNT_INV_DROPPED);
HW_CNT(fault_not_present, SVM_EDU_CNT_FAULT_NOT_PRESENT);
HW_CNT(fault_perm, SVM_EDU_CNT_FAULT_PERM);
HW_CNT(fault_bad, SVM_EDU_CNT_FAULT_BAD);
HW_CNT(fault_rewalk, SVM_EDU_CNT_FAULT_REWALK);
HW_CNT(page_requests, SVM_EDU_CNT_PAGE_REQUESTS);
HW_CNT(stale, SVM_EDU_CNT_STALE);
HW_CNT(busy_ns, SVM_EDU_CNT_BUSY_NS);
HW_CNT(desc_errors, SVM_EDU_CNT_DESC_ERRORS);
HW_CNT(inv_descs, SVM_EDU_CNT_INV_DESCS);
HW_CNT(page_resp_ok, SVM_EDU_CNT_PAGE_RESP_OK);
HW_CNT(page_resp_fail, SVM_EDU_CNT_PAGE_RESP_FAIL);
HW_CNT(prq_overflows, SVM_EDU_CNT_PRQ_OVERFLOWS);
HW_CNT(inv_busy_ns, SVM_EDU_CNT_INV_BUSY_NS);
HW_CNT(desc_aborted, SVM_EDU_CNT_DESC_ABORTED);

static struct attribute *svm_edu_hw_counter_attrs[] = {
	&hw_cnt_descriptors.attr.attr, &hw_cnt_bytes.attr.attr,
	&hw_cnt_iotlb_hits.attr.attr, &hw_cnt_iotlb_misses.attr.attr,
	&hw_cnt_iotlb_evictions.attr.attr, &hw_cnt_walks.attr.attr,
	&hw_cnt_pte_reads.attr.attr, &hw_cnt_ad_updates.attr.attr,
	&hw_cnt_inv_page.attr.attr, &hw_cnt_inv_pasid.attr.attr,
	&hw_cnt_inv_global.attr.attr, &hw_cnt_inv_pasid_cache.attr.attr,
	&hw_cnt_inv_drain.attr.attr, &hw_cnt_inv_wait.attr.attr,
	&hw_cnt_inv_dropped.attr.attr, &hw_cnt_fault_not_present.attr.attr,
	&hw_cnt_fault_perm.attr.attr, &hw_cnt_fault_bad.attr.attr,
	&hw_cnt_fault_rewalk.attr.attr, &hw_cnt_page_requests.attr.attr,
	&hw_cnt_stale.attr.attr, &hw_cnt_busy_ns.attr.attr,
	&hw_cnt_desc_errors.attr.attr, &hw_cnt_inv_descs.attr.attr,
	&hw_cnt_page_resp_ok.attr.attr, &hw_cnt_page_resp_fail.attr.attr,
	&hw_cnt_prq_overflows.attr.attr, &hw_cnt_inv_busy_ns.attr.attr,
	&hw_cnt_desc_aborted.attr.attr,
	NULL,
};

static_assert(ARRAY_SIZE(svm_edu_hw_counter_attrs) == SVM_EDU_NR_COUNTERS + 1);

static const struct attribute_group svm_edu_hw_counter_group = {
	.name = "hw_counters",
	.attrs = svm_edu_hw_counter_attrs,
};

DRV_CNT(notifier_calls, SVM_EDU_DC_NOTIFIER_CALLS);
DRV_CNT(flush_calls, SVM_EDU_DC_FLUSH_CALLS);
DRV_CNT(doorbells, SVM_EDU_DC_DOORBELLS);
DRV_CNT(inv_commands, SVM_EDU_DC_INV_COMMANDS);
DRV_CNT(inv_pages, SVM_EDU_DC_INV_PAGES);
DRV_CNT(whole_pasid_flushes, SVM_EDU_DC_WHOLE_PASID);
DRV_CNT(release_calls, SVM_EDU_DC_RELEASE_CALLS);
DRV_CNT(wait_spins, SVM_EDU_DC_WAIT_SPINS);
DRV_CNT(wait_timeouts, SVM_EDU_DC_WAIT_TIMEOUTS);
DRV_CNT(binds, SVM_EDU_DC_BINDS);
DRV_CNT(unbinds, SVM_EDU_DC_UNBINDS);
DRV_CNT(submits, SVM_EDU_DC_SUBMITS);
DRV_CNT(injected, SVM_EDU_DC_INJECTED);
DRV_CNT(page_requests, SVM_EDU_DC_PAGE_REQS);
DRV_CNT(page_requests_failed, SVM_EDU_DC_PAGE_REQ_FAILED);
DRV_CNT(page_requests_ended, SVM_EDU_DC_PAGE_REQ_ENDED);
DRV_CNT(page_request_timeouts, SVM_EDU_DC_PAGE_REQ_TIMEOUTS);
DRV_CNT(quarantined, SVM_EDU_DC_QUARANTINED);
DRV_CNT(fences, SVM_EDU_DC_FENCES);

static struct attribute *svm_edu_drv_counter_attrs[] = {
	&drv_cnt_notifier_calls.attr.attr, &drv_cnt_flush_calls.attr.attr,
	&drv_cnt_doorbells.attr.attr, &drv_cnt_inv_commands.attr.attr,
	&drv_cnt_inv_pages.attr.attr, &drv_cnt_whole_pasid_flushes.attr.attr,
	&drv_cnt_release_calls.attr.attr, &drv_cnt_wait_spins.attr.attr,
	&drv_cnt_wait_timeouts.attr.attr, &drv_cnt_binds.attr.attr,
	&drv_cnt_unbinds.attr.attr, &drv_cnt_submits.attr.attr,
	&drv_cnt_injected.attr.attr, &drv_cnt_page_requests.attr.attr,
	&drv_cnt_page_requests_failed.attr.attr,
	&drv_cnt_page_requests_ended.attr.attr,
	&drv_cnt_page_request_timeouts.attr.attr,
	&drv_cnt_quarantined.attr.attr, &drv_cnt_fences.attr.attr,
	NULL,
};

static_assert(ARRAY_SIZE(svm_edu_drv_counter_attrs) == SVM_EDU_NR_DRV_COUNTERS + 1);

static const struct attribute_group svm_edu_drv_counter_group = {
	.name = "drv_counters",
	.attrs = svm_edu_drv_counter_attrs,
};

const struct attribute_group *svm_edu_groups[] = {
	&svm_edu_group,
	&svm_edu_hw_counter_group,
	&svm_edu_drv_counter_group,
	NULL,
};
