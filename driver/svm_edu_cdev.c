// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: the /dev/svm-edu<N> character device and its ioctls.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "svm_edu.h"
#include "uapi/svm_edu.h"

static int svm_edu_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct svm_edu_dev *sdev = container_of(misc, struct svm_edu_dev, misc);

	/* misc_open() holds misc_mtx: the device cannot be deregistered now. */
	kref_get(&sdev->ref);
	file->private_data = sdev;
	return 0;
}

static int svm_edu_release(struct inode *inode, struct file *file)
{
	svm_edu_put(file->private_data);
	return 0;
}

static bool svm_edu_is_gone(struct svm_edu_dev *sdev)
{
	bool gone;

	spin_lock(&sdev->lock);
	gone = sdev->gone;
	spin_unlock(&sdev->lock);
	return gone;
}

static long svm_edu_ioctl_info(struct svm_edu_dev *sdev, void __user *uarg)
{
	struct svm_edu_info info;
	u32 size;

	if (get_user(size, (u32 __user *)uarg))
		return -EFAULT;
	if (size != sizeof(info))
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.abi_version = SVM_EDU_ABI_VERSION;
	info.hw_version = sdev->hw_version;
	info.nr_vectors = SVM_EDU_NR_VECTORS;
	info.caps = sdev->caps;
	info.iotlb_entries = SVM_EDU_IOTLB_GEOM_ENTRIES(sdev->iotlb_geom);
	info.iotlb_ways = SVM_EDU_IOTLB_GEOM_WAYS(sdev->iotlb_geom);
	info.instance = sdev->instance;
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long svm_edu_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct svm_edu_dev *sdev = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (svm_edu_is_gone(sdev))
		return -ENODEV;

	switch (cmd) {
	case SVM_EDU_IOC_INFO:
		return svm_edu_ioctl_info(sdev, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations svm_edu_fops = {
	.owner = THIS_MODULE,
	.open = svm_edu_open,
	.release = svm_edu_release,
	.unlocked_ioctl = svm_edu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static void svm_edu_cdev_unregister(void *data)
{
	struct svm_edu_dev *sdev = data;

	misc_deregister(&sdev->misc);
}

/**
 * svm_edu_cdev_register() - create /dev/svm-edu<N> for a probed device
 * @sdev: the device
 *
 * The node is removed automatically when the PCI function is unbound.
 * Return: 0 or a negative errno.
 */
int svm_edu_cdev_register(struct svm_edu_dev *sdev)
{
	int ret;

	sdev->misc.minor = MISC_DYNAMIC_MINOR;
	sdev->misc.name = sdev->name;
	sdev->misc.fops = &svm_edu_fops;
	sdev->misc.parent = &sdev->pdev->dev;
	sdev->misc.mode = 0666;
	ret = misc_register(&sdev->misc);
	if (ret)
		return ret;
	return devm_add_action_or_reset(&sdev->pdev->dev,
					svm_edu_cdev_unregister, sdev);
}
