/* SPDX-License-Identifier: MIT */
/*
 * svm-edu hardware interface: PCI identity, BAR0 register map, MSI-X
 * vectors and every structure the device reads from or writes to guest
 * memory.
 *
 * This header is the single definition of the interface. The QEMU device,
 * the Linux driver, guest user space and the tests all include it. Layouts
 * are fixed-width and little-endian; no bitfields. docs/hw-spec.md is the
 * prose form and a unit test checks that the two agree.
 */
#ifndef SVM_EDU_HW_H
#define SVM_EDU_HW_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* PCI identity */
#define SVM_EDU_PCI_VENDOR_ID		0x1234
#define SVM_EDU_PCI_DEVICE_ID		0x5356
#define SVM_EDU_PCI_REVISION		0x01
/* PCI class: "other system peripheral" (0x0880) */
#define SVM_EDU_PCI_CLASS		0x0880

/* BARs */
#define SVM_EDU_BAR_REGS		0	/* 64-bit memory BAR, registers */
#define SVM_EDU_BAR_MSIX		2	/* MSI-X table and PBA */
#define SVM_EDU_BAR0_SIZE		0x4000

/* Value of SVM_EDU_REG_ID: "SVME" in ASCII, least significant byte first */
#define SVM_EDU_ID_MAGIC		0x454d5653u

/* Interface version: major in bits 31:16, minor in bits 15:0 */
#define SVM_EDU_VERSION_MAJOR		0
#define SVM_EDU_VERSION_MINOR		1
#define SVM_EDU_VERSION \
	((SVM_EDU_VERSION_MAJOR << 16) | SVM_EDU_VERSION_MINOR)

/*
 * BAR0 register map. Registers are 32 or 64 bits wide, naturally aligned.
 * 32-bit registers accept 4-byte accesses; 64-bit registers accept one
 * 8-byte access or two 4-byte accesses (low half first). Reads of
 * unassigned offsets return 0 and writes to them are ignored (and logged
 * as guest errors by the device).
 */
#define SVM_EDU_REG_ID			0x000	/* RO 32: SVM_EDU_ID_MAGIC */
#define SVM_EDU_REG_VERSION		0x004	/* RO 32: SVM_EDU_VERSION */
#define SVM_EDU_REG_CAP			0x008	/* RO 64: SVM_EDU_CAP_* */
#define SVM_EDU_REG_IOTLB_GEOM		0x010	/* RO 32: entries and ways */
#define SVM_EDU_REG_MSIX_VECS		0x014	/* RO 32: number of vectors */
#define SVM_EDU_REG_SCRATCH		0x018	/* RW 32: no side effect */
#define SVM_EDU_REG_CTRL		0x020	/* RW 32: SVM_EDU_CTRL_* */
#define SVM_EDU_REG_STATUS		0x024	/* RO 32: SVM_EDU_STATUS_* */
#define SVM_EDU_REG_ERROR		0x028	/* RW1C 32: SVM_EDU_ERR_* */
#define SVM_EDU_REG_IRQ_TEST		0x02c	/* WO 32: raise vector N */

/* SVM_EDU_REG_CAP bits */
#define SVM_EDU_CAP_PASID_BITS_MASK	0x1full		/* bits 4:0 */
#define SVM_EDU_CAP_LA57		(1ull << 8)	/* 5-level walks */
#define SVM_EDU_CAP_PG1G		(1ull << 9)	/* 1 GiB leaves */
#define SVM_EDU_CAP_IOTLB		(1ull << 10)
#define SVM_EDU_CAP_STALE_CHECK		(1ull << 11)

/* SVM_EDU_REG_IOTLB_GEOM fields */
#define SVM_EDU_IOTLB_GEOM_ENTRIES(v)	((v) & 0xffffu)
#define SVM_EDU_IOTLB_GEOM_WAYS(v)	(((v) >> 16) & 0xffu)

/* SVM_EDU_REG_CTRL bits */
#define SVM_EDU_CTRL_ENABLE		(1u << 0)
#define SVM_EDU_CTRL_RESET		(1u << 31)	/* self-clearing */

/* SVM_EDU_REG_STATUS bits */
#define SVM_EDU_STATUS_ENABLED		(1u << 0)

/* SVM_EDU_REG_ERROR bits: sticky until written back as 1 */
#define SVM_EDU_ERR_BAD_ACCESS		(1u << 0)	/* bad size/offset */
#define SVM_EDU_ERR_BAD_VECTOR		(1u << 1)	/* IRQ_TEST range */

/* MSI-X vectors */
#define SVM_EDU_VEC_DMA_DONE		0
#define SVM_EDU_VEC_INV_WAIT		1
#define SVM_EDU_VEC_PAGE_REQ		2
#define SVM_EDU_VEC_ERROR		3
#define SVM_EDU_NR_VECTORS		4

#endif /* SVM_EDU_HW_H */
