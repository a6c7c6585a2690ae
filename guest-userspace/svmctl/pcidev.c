// SPDX-License-Identifier: MIT
/*
 * svmctl: device discovery.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "svm_edu_hw.h"
#include "uapi/svm_edu.h"
#include "pcidev.h"

int svm_edu_for_each(struct pci_access *pacc,
		     void (*fn)(struct pci_dev *dev, void *arg), void *arg)
{
	struct pci_dev *dev;
	int n = 0;

	pci_scan_bus(pacc);
	for (dev = pacc->devices; dev; dev = dev->next) {
		pci_fill_info(dev, PCI_FILL_IDENT);
		if (dev->vendor_id != SVM_EDU_PCI_VENDOR_ID ||
		    dev->device_id != SVM_EDU_PCI_DEVICE_ID)
			continue;
		n++;
		if (fn)
			fn(dev, arg);
	}
	return n;
}

void svm_edu_dev_name(struct pci_dev *dev, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%d", dev->domain, dev->bus,
		 dev->dev, dev->func);
}

int svm_edu_dev_node(struct pci_dev *dev, char *buf, size_t len)
{
	char name[32], path[96];
	struct dirent *de;
	DIR *d;
	int err = -ENODEV;

	svm_edu_dev_name(dev, name, sizeof(name));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/misc", name);
	d = opendir(path);
	if (!d)
		return -ENODEV;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "svm-edu", 7))
			continue;
		snprintf(buf, len, "/dev/%s", de->d_name);
		err = 0;
		break;
	}
	closedir(d);
	return err;
}

/* Through the driver: the BAR is claimed and cannot be mapped from sysfs. */
static int read_idregs_ioctl(struct pci_dev *dev, struct svm_edu_idregs *regs)
{
	struct svm_edu_info info = { .size = sizeof(info) };
	char node[64];
	int fd, err;

	err = svm_edu_dev_node(dev, node, sizeof(node));
	if (err)
		return err;
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = ioctl(fd, SVM_EDU_IOC_INFO, &info) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	regs->id = SVM_EDU_ID_MAGIC;	/* the driver checked it at probe */
	regs->version = info.hw_version;
	regs->cap = info.caps;
	regs->iotlb_geom = info.iotlb_entries | info.iotlb_ways << 16;
	regs->msix_vecs = info.nr_vectors;
	return 0;
}

/* Without a driver: map BAR0 through sysfs and read the registers. */
static int read_idregs_bar(struct pci_dev *dev, struct svm_edu_idregs *regs)
{
	char name[32], path[96];
	volatile uint32_t *bar;
	int fd, err = 0;

	svm_edu_dev_name(dev, name, sizeof(name));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
		 name, SVM_EDU_BAR_REGS);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	bar = mmap(NULL, SVM_EDU_BAR0_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	/* 32-bit reads only: every register block allows them. */
	regs->id = bar[SVM_EDU_REG_ID / 4];
	regs->version = bar[SVM_EDU_REG_VERSION / 4];
	regs->cap = bar[SVM_EDU_REG_CAP / 4] |
		    (uint64_t)bar[SVM_EDU_REG_CAP / 4 + 1] << 32;
	regs->iotlb_geom = bar[SVM_EDU_REG_IOTLB_GEOM / 4];
	regs->msix_vecs = bar[SVM_EDU_REG_MSIX_VECS / 4];
	munmap((void *)bar, SVM_EDU_BAR0_SIZE);
	close(fd);
	return 0;
}

int svm_edu_read_idregs(struct pci_dev *dev, struct svm_edu_idregs *regs)
{
	if (!read_idregs_ioctl(dev, regs))
		return 0;
	return read_idregs_bar(dev, regs);
}
