// SPDX-License-Identifier: MIT
/*
 * svmctl list: every svm-edu function with its PCI resources, interrupt
 * setup, capabilities and bound driver.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "svm_edu_hw.h"
#include "pcidev.h"
#include "svmctl.h"

static const char *pci_cap_name(int id)
{
	switch (id) {
	case PCI_CAP_ID_PM:	return "power-management";
	case PCI_CAP_ID_MSI:	return "msi";
	case PCI_CAP_ID_EXP:	return "pci-express";
	case PCI_CAP_ID_MSIX:	return "msi-x";
	case PCI_CAP_ID_VNDR:	return "vendor";
	default:		return "other";
	}
}

/* Number of MSI/MSI-X interrupts the kernel gave the function, and the range. */
static int msi_irqs(const char *name, int *lo, int *hi)
{
	char path[96];
	struct dirent *de;
	DIR *d;
	int n = 0, irq;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/msi_irqs", name);
	d = opendir(path);
	if (!d)
		return 0;
	*lo = -1;
	*hi = -1;
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "%d", &irq) != 1)
			continue;
		if (*lo < 0 || irq < *lo)
			*lo = irq;
		if (irq > *hi)
			*hi = irq;
		n++;
	}
	closedir(d);
	return n;
}

static void print_caps(uint64_t cap)
{
#define CAP_NAME_(id, bit, name)	{ SVM_EDU_CAP_##id, name },
	static const struct {
		uint64_t bit;
		const char *name;
	} caps[] = { SVM_EDU_CAPS(CAP_NAME_) };
#undef CAP_NAME_
	size_t i;

	printf("  device caps: %u PASID bits",
	       (unsigned int)(cap & SVM_EDU_CAP_PASID_BITS_MASK));
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (cap & caps[i].bit)
			printf(", %s", caps[i].name);
	printf("\n");
}

static void list_one(struct pci_dev *dev, void *arg)
{
	struct svm_edu_idregs regs;
	struct pci_cap *c;
	char name[32], node[64];
	const char *drv;
	int i, n, lo, hi, err;

	(void)arg;
	pci_fill_info(dev, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_BASES |
		      PCI_FILL_SIZES | PCI_FILL_IRQ | PCI_FILL_CAPS |
		      PCI_FILL_DRIVER);
	svm_edu_dev_name(dev, name, sizeof(name));
	drv = pci_get_string_property(dev, PCI_FILL_DRIVER);

	printf("%s svm-edu [%04x:%04x] class %04x rev %02x\n", name,
	       dev->vendor_id, dev->device_id, dev->device_class,
	       pci_read_byte(dev, PCI_REVISION_ID));
	if (svm_edu_dev_node(dev, node, sizeof(node)))
		snprintf(node, sizeof(node), "no device node");
	printf("  driver: %s (%s)\n", drv ? drv : "none", node);
	for (i = 0; i < 6; i++) {
		pciaddr_t base = dev->base_addr[i];

		if (!base && !dev->size[i])
			continue;
		printf("  BAR%d: %s at 0x%llx, %llu bytes%s\n", i,
		       base & PCI_BASE_ADDRESS_SPACE_IO ? "I/O" : "memory",
		       (unsigned long long)(base & PCI_ADDR_MEM_MASK),
		       (unsigned long long)dev->size[i],
		       (base & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
				PCI_BASE_ADDRESS_MEM_TYPE_64 ? " (64-bit)" : "");
	}
	printf("  irq: %d (INTx)", dev->irq);
	n = msi_irqs(name, &lo, &hi);
	if (n)
		printf(", %d MSI-X vectors (irq %d-%d)", n, lo, hi);
	printf("\n  pci caps:");
	for (c = dev->first_cap; c; c = c->next)
		if (c->type == PCI_CAP_NORMAL)
			printf(" %s@0x%x", pci_cap_name(c->id), c->addr);
	printf("\n");

	err = svm_edu_read_idregs(dev, &regs);
	if (err) {
		printf("  registers: unreadable (%s)\n", strerror(-err));
		return;
	}
	printf("  hw: id %s, version %u.%u, IOTLB %u entries %u-way, %u vectors\n",
	       regs.id == SVM_EDU_ID_MAGIC ? "ok" : "BAD",
	       regs.version >> 16, regs.version & 0xffff,
	       SVM_EDU_IOTLB_GEOM_ENTRIES(regs.iotlb_geom),
	       SVM_EDU_IOTLB_GEOM_WAYS(regs.iotlb_geom), regs.msix_vecs);
	print_caps(regs.cap);
}

int cmd_list(struct pci_access *pacc, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "svmctl list: no arguments expected\n");
		return 2;
	}
	if (!svm_edu_for_each(pacc, list_one, NULL)) {
		fprintf(stderr, "svmctl: no svm-edu device (PCI %04x:%04x) found\n",
			SVM_EDU_PCI_VENDOR_ID, SVM_EDU_PCI_DEVICE_ID);
		return 1;
	}
	return 0;
}
