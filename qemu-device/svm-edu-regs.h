/*
 * svm-edu device core: the BAR0 register file as a table.
 *
 * One entry per row of the register map in docs/hw-spec.md, in the spirit
 * of QEMU's hw/register.h: offset, width, access, reset value, the
 * SvmEduCore field that holds the register (if one does) and, where a
 * register is more than storage, its read or write handler. The MMIO
 * accessors (svm-edu-regs.c) dispatch through the table, reset stores its
 * reset values, and tests/unit/test_regtable.c holds docs/hw-spec.md's
 * table to it. The core cannot use hw/register.h itself: it builds
 * without QEMU.
 *
 * Access rules shared by every entry (docs/hw-spec.md, "Register access
 * rules"): 4- or 8-byte naturally aligned accesses only. A 32-bit register
 * takes 4-byte writes; an 8-byte read at an 8-byte aligned offset returns
 * the two 32-bit registers there. A 64-bit register (or block) is read in
 * 64-bit words, whole or by halves; a writable one takes one 8-byte write
 * or two 4-byte halves, except a write-only one, which acts on the value
 * and so takes 8-byte writes only. Unassigned offsets and write-only
 * registers read as 0.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SVM_EDU_REGS_H
#define SVM_EDU_REGS_H

#include <stddef.h>
#include <stdint.h>

typedef struct SvmEduCore SvmEduCore;

typedef enum SvmEduRegAccess {
    SVM_EDU_ACC_RO,         /* writes are refused (BAD_ACCESS) */
    SVM_EDU_ACC_RW,
    SVM_EDU_ACC_RW1C,       /* a write clears the bits written as 1 */
    SVM_EDU_ACC_WO,         /* reads return 0; writes act */
} SvmEduRegAccess;

typedef struct SvmEduRegInfo {
    const char *name;       /* as in SVM_EDU_REG_<name> and the doc */
    uint16_t addr;          /* SVM_EDU_REG_<name> */
    uint16_t size;          /* bytes: 4, 8, or a block (COUNTERS, STALE_LOG) */
    uint8_t width;          /* 32 or 64; 0: a block of mixed fields */
    uint8_t access;         /* SvmEduRegAccess */
    /*
     * Offset in SvmEduCore of the field that holds the register, of the
     * register's width; 0 (the ops pointer, never a register): none.
     */
    uint16_t field;
    /*
     * The value read right after reset with the default properties. Reset
     * stores it into the field; a register with neither field nor read
     * handler is this constant.
     */
    uint64_t reset;
    /* The 64-bit word at byte @off of the register; NULL: field or reset. */
    uint64_t (*read)(SvmEduCore *s, uint32_t off);
    /* A write, merged into a full 64-bit value first; NULL: the field. */
    void (*write)(SvmEduCore *s, uint64_t val);
} SvmEduRegInfo;

extern const SvmEduRegInfo svm_edu_regs[];
extern const size_t svm_edu_nr_regs;

/* "RO", "RW", "RW1C", "WO": the doc's spelling. */
const char *svm_edu_reg_access_name(unsigned access);
/* Store every register's reset value into its field. Lock held. */
void svm_edu_regs_reset(SvmEduCore *s);

#endif /* SVM_EDU_REGS_H */
