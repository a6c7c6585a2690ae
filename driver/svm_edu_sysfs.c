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

/*
 * One attribute per entry of SVM_EDU_COUNTERS (svm_edu_hw.h) and of
 * SVM_EDU_DRV_COUNTERS (uapi/svm_edu.h): hw_cnt_<name>, drv_cnt_<name>,
 * in the groups hw_counters/ and drv_counters/.
 */
#define CNT(_pfx, _idx, _name) \
	static struct svm_edu_cnt_attr _pfx##_cnt_##_name = { \
		__ATTR(_name, 0444, _pfx##_counter_show, NULL), _idx };
#define HW_CNT_(_id, _name)	CNT(hw, SVM_EDU_CNT_##_id, _name)
#define DRV_CNT_(_id, _name)	CNT(drv, SVM_EDU_DC_##_id, _name)
#define hw_cnt_attr_(_id, _name)		&hw_cnt_##_name.attr.attr,
#define drv_cnt_attr_(_id, _name)	&drv_cnt_##_name.attr.attr,
#define CNT_GROUP(_pfx, _list, _nr) \
	static struct attribute *svm_edu_##_pfx##_counter_attrs[] = { \
		_list(_pfx##_cnt_attr_) NULL, \
	}; \
	static_assert(ARRAY_SIZE(svm_edu_##_pfx##_counter_attrs) == (_nr) + 1); \
	static const struct attribute_group svm_edu_##_pfx##_counter_group = { \
		.name = #_pfx "_counters", \
		.attrs = svm_edu_##_pfx##_counter_attrs, \
	}

SVM_EDU_COUNTERS(HW_CNT_)
SVM_EDU_DRV_COUNTERS(DRV_CNT_)
CNT_GROUP(hw, SVM_EDU_COUNTERS, SVM_EDU_NR_COUNTERS);
CNT_GROUP(drv, SVM_EDU_DRV_COUNTERS, SVM_EDU_NR_DRV_COUNTERS);

const struct attribute_group *svm_edu_groups[] = {
	&svm_edu_group,
	&svm_edu_hw_counter_group,
	&svm_edu_drv_counter_group,
	NULL,
};
