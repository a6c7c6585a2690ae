/* SPDX-License-Identifier: MIT */
/*
 * svmctl: finding svm-edu devices with libpci and reading their
 * identification registers through sysfs.
 */
#ifndef SVMCTL_PCIDEV_H
#define SVMCTL_PCIDEV_H

#include <stdint.h>
#include <pci/pci.h>

/* Identification block of BAR0, read through sysfs resource0. */
struct svm_edu_idregs {
	uint32_t id;
	uint32_t version;
	uint64_t cap;
	uint32_t iotlb_geom;
	uint32_t msix_vecs;
};

/* Calls fn(dev, arg) for every svm-edu function; returns how many. */
int svm_edu_for_each(struct pci_access *pacc,
		     void (*fn)(struct pci_dev *dev, void *arg), void *arg);

/*
 * Reads the identification registers of dev: through the driver's INFO ioctl
 * when a driver is bound, from BAR0 through sysfs otherwise. 0 or -errno.
 */
int svm_edu_read_idregs(struct pci_dev *dev, struct svm_edu_idregs *regs);

/* Writes the /dev node of dev's driver instance into buf; 0 or -ENODEV. */
int svm_edu_dev_node(struct pci_dev *dev, char *buf, size_t len);

/* Writes "DDDD:BB:DD.F" for dev into buf. */
void svm_edu_dev_name(struct pci_dev *dev, char *buf, size_t len);

#endif /* SVMCTL_PCIDEV_H */
