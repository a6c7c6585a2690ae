// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: the /dev/svm-edu<N> character device and its ioctls
 * (include/uapi/svm_edu.h, docs/ioctl-abi.md).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "svm_edu.h"
#include "uapi/svm_edu.h"

/**
 * struct svm_edu_file - one open file
 * @sdev: the device (a reference is held)
 * @lock: serializes the file's ioctls that use @bond
 * @bond: the binding, or NULL
 * @zbuf: the pages mmap() maps
 */
struct svm_edu_file {
	struct svm_edu_dev *sdev;
	struct mutex lock;
	struct svm_edu_bond *bond;
	struct svm_edu_zbuf zbuf;
};

static int svm_edu_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct svm_edu_dev *sdev = container_of(misc, struct svm_edu_dev, misc);
	struct svm_edu_file *sf;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL);
	if (!sf)
		return -ENOMEM;
	mutex_init(&sf->lock);
	mutex_init(&sf->zbuf.lock);
	/* misc_open() holds misc_mtx: the device cannot be deregistered now. */
	kref_get(&sdev->ref);
	sf->sdev = sdev;
	file->private_data = sf;
	return 0;
}

static int svm_edu_release(struct inode *inode, struct file *file)
{
	struct svm_edu_file *sf = file->private_data;
	struct svm_edu_dev *sdev = sf->sdev;
	struct svm_edu_bond *dying = NULL;

	mutex_lock(&svm_edu_bind_lock);
	/* A removed device already dropped every bond. */
	if (sf->bond && !sdev->gone)
		dying = svm_edu_unbind(sf->bond);
	sf->bond = NULL;
	mutex_unlock(&svm_edu_bind_lock);
	if (dying)
		svm_edu_unbind_finish(dying);
	svm_edu_put(sdev);
	svm_edu_zap_free(&sf->zbuf);
	kfree(sf);
	return 0;
}

static int svm_edu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct svm_edu_file *sf = file->private_data;

	return svm_edu_zap_mmap(&sf->zbuf, vma);
}

/*
 * Arguments are extensible (docs/ioctl-abi.md): the size field, not the size
 * bits of the command number, says how large the caller's structure is. A
 * caller built against an older header passes less (at least the command's
 * VER0 size) and the driver reads the rest as zero; a newer one passes more,
 * which works as long as the part this driver does not know is zero. The
 * PAGE_SIZE cap keeps the zero check bounded, as clone3() and openat2() do.
 */
static int get_arg(void *karg, size_t ksize, size_t min_size,
		   void __user *uarg, u32 *usize)
{
	u32 size;
	int ret;

	if (get_user(size, (u32 __user *)uarg))
		return -EFAULT;
	if (size < min_size)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, size);
	if (ret)
		return ret;
	/* The size the checks above passed, even if user space changed it. */
	*(u32 *)karg = size;
	*usize = size;
	return 0;
}

/* Copy back no more than the caller's structure holds, nor than ours. */
static int put_arg(void __user *uarg, const void *karg, size_t ksize,
		   u32 usize)
{
	return copy_to_user(uarg, karg, min_t(size_t, ksize, usize)) ?
		-EFAULT : 0;
}

/* The VER0 sizes are the fields ABI version 4 gave a meaning to. */
static_assert(SVM_EDU_INFO_SIZE_VER0 ==
	      offsetofend(struct svm_edu_info, max_batch));
static_assert(SVM_EDU_BIND_SIZE_VER0 == offsetofend(struct svm_edu_bind, pasid));
static_assert(SVM_EDU_SUBMIT_SIZE_VER0 ==
	      offsetofend(struct svm_edu_submit, submitted));
static_assert(SVM_EDU_WAIT_SIZE_VER0 == offsetofend(struct svm_edu_wait, status));
static_assert(SVM_EDU_ZAP_SIZE_VER0 == offsetofend(struct svm_edu_zap, addr));
static_assert(SVM_EDU_PREFAULT_SIZE_VER0 ==
	      offsetofend(struct svm_edu_prefault, len));

static long ioctl_info(struct svm_edu_file *sf, void __user *uarg)
{
	struct svm_edu_dev *sdev = sf->sdev;
	struct svm_edu_info info;
	u32 usize;
	int ret = get_arg(&info, sizeof(info), SVM_EDU_INFO_SIZE_VER0, uarg,
			  &usize);

	if (ret)
		return ret;
	/* Every field but size is out: what user space put there is lost. */
	memset(&info, 0, sizeof(info));
	info.size = usize;
	info.abi_version = SVM_EDU_ABI_VERSION;
	info.hw_version = sdev->hw_version;
	info.nr_vectors = SVM_EDU_NR_VECTORS;
	info.caps = sdev->caps;
	info.iotlb_entries = SVM_EDU_IOTLB_GEOM_ENTRIES(sdev->iotlb_geom);
	info.iotlb_ways = SVM_EDU_IOTLB_GEOM_WAYS(sdev->iotlb_geom);
	info.instance = sdev->instance;
	info.max_batch = SVM_EDU_MAX_BATCH;
	/*
	 * remove() frees every bond and sets gone under rwsem held for
	 * writing: sf->bond is only followed while the device is not gone.
	 */
	mutex_lock(&sf->lock);
	down_read(&sdev->rwsem);
	if (sdev->gone)
		ret = -ENODEV;
	else if (sf->bond)
		info.pasid = sf->bond->smm->pasid;
	up_read(&sdev->rwsem);
	mutex_unlock(&sf->lock);
	if (ret)
		return ret;
	return put_arg(uarg, &info, sizeof(info), usize);
}

static long ioctl_bind(struct svm_edu_file *sf, void __user *uarg)
{
	struct svm_edu_dev *sdev = sf->sdev;
	struct svm_edu_bond *bond;
	struct svm_edu_bind b;
	u32 usize;
	int ret = get_arg(&b, sizeof(b), SVM_EDU_BIND_SIZE_VER0, uarg, &usize);

	if (ret)
		return ret;
	if ((b.flags & ~SVM_EDU_BIND_F_MASK) || b.reserved)
		return -EINVAL;
	if (!current->mm)
		return -EINVAL;

	mutex_lock(&sf->lock);
	mutex_lock(&svm_edu_bind_lock);
	if (sdev->gone) {
		ret = -ENODEV;
	} else if (svm_edu_fenced(sdev)) {
		ret = -EIO;
	} else if (sf->bond) {
		/*
		 * Binding again is a no-op; another process's fd is not ours,
		 * nor is a binding of the other mode.
		 */
		ret = sf->bond->smm->mn.mm == current->mm &&
		      !sf->bond->shadow == !(b.flags & SVM_EDU_BIND_F_SHADOW) ?
		      0 : -EBUSY;
	} else {
		bond = svm_edu_bind(sdev, current->mm,
				    b.flags & SVM_EDU_BIND_F_SHADOW);
		if (IS_ERR(bond))
			ret = PTR_ERR(bond);
		else
			sf->bond = bond;
	}
	if (!ret)
		b.pasid = sf->bond->smm->pasid;
	mutex_unlock(&svm_edu_bind_lock);
	mutex_unlock(&sf->lock);
	if (ret)
		return ret;
	return put_arg(uarg, &b, sizeof(b), usize);
}

static long ioctl_unbind(struct svm_edu_file *sf)
{
	struct svm_edu_bond *dying = NULL;
	int ret = 0;

	mutex_lock(&sf->lock);
	mutex_lock(&svm_edu_bind_lock);
	if (sf->sdev->gone)
		ret = -ENODEV;
	else if (!sf->bond)
		ret = -ENOTCONN;
	else
		dying = svm_edu_unbind(sf->bond);
	sf->bond = NULL;
	mutex_unlock(&svm_edu_bind_lock);
	mutex_unlock(&sf->lock);
	/* Waits (bounded) for the device to drain the binding. */
	if (dying)
		svm_edu_unbind_finish(dying);
	return ret;
}

static long ioctl_submit(struct svm_edu_file *sf, void __user *uarg)
{
	struct svm_edu_dev *sdev = sf->sdev;
	struct svm_edu_submit s;
	u32 usize;
	int ret = get_arg(&s, sizeof(s), SVM_EDU_SUBMIT_SIZE_VER0, uarg, &usize);

	if (ret)
		return ret;
	if (s.reserved || s.submitted)
		return -EINVAL;

	mutex_lock(&sf->lock);
	down_read(&sdev->rwsem);
	if (sdev->gone)
		ret = -ENODEV;
	else if (svm_edu_fenced(sdev))
		ret = -EIO;	/* a flush failed: the device does no DMA */
	else if (!sf->bond)
		ret = -ENOTCONN;
	else if (sf->bond->smm->mn.mm != current->mm)
		ret = -EPERM;	/* a file passed to another process */
	else if (svm_edu_bond_dead(sf->bond))
		ret = -ESRCH;	/* the bound address space has exited */
	else
		ret = svm_edu_submit(sdev, sf->bond,
				     u64_to_user_ptr(s.descs), s.count,
				     &s.submitted);
	up_read(&sdev->rwsem);
	mutex_unlock(&sf->lock);
	/* submitted is meaningful on an error too: 0, nothing was queued. */
	if (put_arg(uarg, &s, sizeof(s), usize))
		return -EFAULT;
	return ret;
}

static long ioctl_wait(struct svm_edu_file *sf, void __user *uarg)
{
	struct svm_edu_wait w;
	u32 usize;
	int ret = get_arg(&w, sizeof(w), SVM_EDU_WAIT_SIZE_VER0, uarg, &usize);

	if (ret)
		return ret;
	if (w.reserved || w.status)
		return -EINVAL;
	ret = svm_edu_wait(sf->sdev, w.completion, w.timeout_ms, &w.status);
	if (put_arg(uarg, &w, sizeof(w), usize))
		return -EFAULT;
	return ret;
}

static long ioctl_zap(struct svm_edu_file *sf, struct file *file,
		      void __user *uarg)
{
	struct svm_edu_zap z;
	u32 usize;
	int ret = get_arg(&z, sizeof(z), SVM_EDU_ZAP_SIZE_VER0, uarg, &usize);

	if (ret)
		return ret;
	if (z.reserved)
		return -EINVAL;
	return svm_edu_zap(&sf->zbuf, file, z.addr);
}

/* How long a PREFAULT keeps racing invalidations before EBUSY. */
#define SVM_EDU_PREFAULT_TIMEOUT_MS	5000

static int prefault_fill(struct svm_edu_bond *bond,
			 const struct svm_edu_prefault *p)
{
	int ret = svm_edu_shadow_fill(bond->shadow, current->mm, p->addr,
				      p->len,
				      p->flags & SVM_EDU_PREFAULT_F_WRITE,
				      SVM_EDU_PREFAULT_TIMEOUT_MS);

	/* hmm_range_fault()'s EPERM: a write to a read-only mapping. */
	return ret == -EPERM ? -EACCES : ret;
}

static long ioctl_prefault(struct svm_edu_file *sf, void __user *uarg)
{
	struct svm_edu_dev *sdev = sf->sdev;
	struct svm_edu_prefault p;
	u32 usize;
	int ret = get_arg(&p, sizeof(p), SVM_EDU_PREFAULT_SIZE_VER0, uarg,
			  &usize);

	if (ret)
		return ret;
	if ((p.flags & ~SVM_EDU_PREFAULT_F_MASK) || !p.len)
		return -EINVAL;
	if (p.addr + p.len < p.addr || p.addr + p.len > TASK_SIZE_MAX)
		return -EFAULT;

	mutex_lock(&sf->lock);
	down_read(&sdev->rwsem);
	if (sdev->gone)
		ret = -ENODEV;
	else if (svm_edu_fenced(sdev))
		ret = -EIO;
	else if (!sf->bond)
		ret = -ENOTCONN;
	else if (sf->bond->smm->mn.mm != current->mm)
		ret = -EPERM;
	else if (!sf->bond->shadow)
		ret = -EINVAL;	/* an SVA binding has nothing to fill */
	else if (svm_edu_bond_dead(sf->bond))
		ret = -ESRCH;
	else
		ret = prefault_fill(sf->bond, &p);
	up_read(&sdev->rwsem);
	mutex_unlock(&sf->lock);
	return ret;
}

/*
 * The command number without its size bits: a caller built against a header
 * whose structure has grown sends the same command with another size.
 */
#define SVM_EDU_IOC_NOSIZE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static long svm_edu_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct svm_edu_file *sf = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (READ_ONCE(sf->sdev->gone))
		return -ENODEV;

	/* UNBIND takes no argument: only its own number. */
	if (cmd == SVM_EDU_IOC_UNBIND)
		return ioctl_unbind(sf);
	switch (SVM_EDU_IOC_NOSIZE(cmd)) {
	case SVM_EDU_IOC_NOSIZE(SVM_EDU_IOC_INFO):
		return ioctl_info(sf, uarg);
	case SVM_EDU_IOC_NOSIZE(SVM_EDU_IOC_BIND):
		return ioctl_bind(sf, uarg);
	case SVM_EDU_IOC_NOSIZE(SVM_EDU_IOC_SUBMIT):
		return ioctl_submit(sf, uarg);
	case SVM_EDU_IOC_NOSIZE(SVM_EDU_IOC_WAIT):
		return ioctl_wait(sf, uarg);
	case SVM_EDU_IOC_NOSIZE(SVM_EDU_IOC_ZAP):
		return ioctl_zap(sf, file, uarg);
	case SVM_EDU_IOC_NOSIZE(SVM_EDU_IOC_PREFAULT):
		return ioctl_prefault(sf, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations svm_edu_fops = {
	.owner = THIS_MODULE,
	.open = svm_edu_open,
	.release = svm_edu_release,
	.unlocked_ioctl = svm_edu_ioctl,
	.mmap = svm_edu_mmap,
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
