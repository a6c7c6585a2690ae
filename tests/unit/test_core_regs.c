// SPDX-License-Identifier: MIT
/*
 * Unit tests of the device core's register file: identification, scratch,
 * control/reset, error reporting and the interrupt test register.
 */
#include <string.h>

#include "svm-edu-core.h"
#include "tap.h"

static unsigned irqs[SVM_EDU_NR_VECTORS];
static unsigned guest_errors;

static void fake_raise_irq(void *opaque, unsigned vec)
{
	(void)opaque;
	irqs[vec]++;
}

static void fake_guest_error(void *opaque, const char *msg)
{
	(void)opaque;
	(void)msg;
	guest_errors++;
}

static const SvmEduHostOps fake_ops = {
	.raise_irq = fake_raise_irq,
	.guest_error = fake_guest_error,
};

static const SvmEduConfig default_cfg = {
	.iotlb_entries = 64,
	.iotlb_ways = 4,
	.pasid_bits = 20,
	.la57 = true,
};

static void test_config(void)
{
	SvmEduConfig c = default_cfg;

	ok(!svm_edu_core_check_config(&c), "default configuration accepted");
	c.iotlb_entries = 48;
	ok(svm_edu_core_check_config(&c), "non-power-of-two IOTLB rejected");
	c = default_cfg;
	c.iotlb_ways = 128;
	ok(svm_edu_core_check_config(&c), "more ways than entries rejected");
	c = default_cfg;
	c.pasid_bits = 0;
	ok(svm_edu_core_check_config(&c), "pasid-bits 0 rejected");
	c.pasid_bits = 21;
	ok(svm_edu_core_check_config(&c), "pasid-bits 21 rejected");
}

static void test_ident(SvmEduCore *s)
{
	uint64_t cap;

	is_u64(svm_edu_core_read(s, SVM_EDU_REG_ID, 4), SVM_EDU_ID_MAGIC,
	       "ID reads the magic");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_VERSION, 4), SVM_EDU_VERSION,
	       "VERSION reads the interface version");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_ID, 8),
	       SVM_EDU_ID_MAGIC | (uint64_t)SVM_EDU_VERSION << 32,
	       "64-bit read of ID returns ID and VERSION");
	cap = svm_edu_core_read(s, SVM_EDU_REG_CAP, 8);
	is_u64(cap & SVM_EDU_CAP_PASID_BITS_MASK, 20, "CAP: 20 PASID bits");
	ok(cap & SVM_EDU_CAP_LA57, "CAP: 5-level walks with la57=on");
	ok(cap & SVM_EDU_CAP_BIND_GEN, "CAP: binding generations");
	ok(cap & SVM_EDU_CAP_SHADOW, "CAP: shadow tables");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_VERSION, 4), 0x00010002,
	       "VERSION: 1.2 (shadow tables)");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_CAP + 4, 4), cap >> 32,
	       "CAP high half readable with a 32-bit access");
	is_u64(SVM_EDU_IOTLB_GEOM_ENTRIES(svm_edu_core_read(s, SVM_EDU_REG_IOTLB_GEOM, 4)),
	       64, "IOTLB_GEOM: 64 entries");
	is_u64(SVM_EDU_IOTLB_GEOM_WAYS(svm_edu_core_read(s, SVM_EDU_REG_IOTLB_GEOM, 4)),
	       4, "IOTLB_GEOM: 4 ways");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_MSIX_VECS, 4),
	       SVM_EDU_NR_VECTORS, "MSIX_VECS: vector count");
}

static void test_scratch_and_ctrl(SvmEduCore *s)
{
	svm_edu_core_write(s, SVM_EDU_REG_SCRATCH, 0xdeadbeef, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_SCRATCH, 4), 0xdeadbeef,
	       "SCRATCH keeps what was written");
	svm_edu_core_write(s, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_STATUS, 4),
	       SVM_EDU_STATUS_ENABLED, "STATUS follows CTRL.ENABLE");
	svm_edu_core_write(s, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_SCRATCH, 4), 0,
	       "CTRL.RESET clears SCRATCH");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_CTRL, 4), 0,
	       "CTRL.RESET self-clears and disables");
}

static void test_bad_access(SvmEduCore *s)
{
	unsigned before = guest_errors;

	is_u64(svm_edu_core_read(s, SVM_EDU_REG_ID, 2), 0,
	       "2-byte read returns 0");
	ok(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4) & SVM_EDU_ERR_BAD_ACCESS,
	   "2-byte read sets ERROR.BAD_ACCESS");
	ok(guest_errors > before, "bad access is reported as a guest error");
	svm_edu_core_write(s, SVM_EDU_REG_ERROR, SVM_EDU_ERR_BAD_ACCESS, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4), 0,
	       "ERROR is write-1-to-clear");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_ID + 2, 4), 0,
	       "misaligned read returns 0");
	is_u64(svm_edu_core_read(s, SVM_EDU_BAR0_SIZE, 4), 0,
	       "read past the BAR returns 0");
	svm_edu_core_write(s, SVM_EDU_REG_ERROR, ~0u, 4);
	svm_edu_core_write(s, SVM_EDU_REG_ID, 0, 4);
	ok(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4) & SVM_EDU_ERR_BAD_ACCESS,
	   "write to a read-only register is an error");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_ID, 4), SVM_EDU_ID_MAGIC,
	       "read-only register unchanged by the write");
	svm_edu_core_write(s, SVM_EDU_REG_ERROR, ~0u, 4);
	svm_edu_core_write(s, SVM_EDU_REG_SCRATCH, ~0ull, 8);
	ok(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4) & SVM_EDU_ERR_BAD_ACCESS,
	   "8-byte write to a 32-bit register is an error");
	is_u64(svm_edu_core_read(s, 0x3ff8, 8), 0, "unassigned offset reads 0");
}

/* Has the access since the last clear set ERROR.BAD_ACCESS? Clears it. */
static int bad_access(SvmEduCore *s)
{
	int bad = !!(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4) &
		     SVM_EDU_ERR_BAD_ACCESS);

	svm_edu_core_write(s, SVM_EDU_REG_ERROR, ~0u, 4);
	return bad;
}

/* The access rules the register table implements, register by register. */
static void test_access_rules(SvmEduCore *s)
{
	unsigned before;

	svm_edu_core_write(s, SVM_EDU_REG_ERROR, ~0u, 4);
	svm_edu_core_write(s, SVM_EDU_REG_PASID_TABLE, 0x11111000, 4);
	svm_edu_core_write(s, SVM_EDU_REG_PASID_TABLE + 4, 0x22, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_PASID_TABLE, 8),
	       0x2211111000ull, "64-bit register written by 4-byte halves");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_PASID_TABLE + 4, 4), 0x22,
	       "and its high half read alone");
	svm_edu_core_write(s, SVM_EDU_REG_PASID_TABLE, 0x33333000, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_PASID_TABLE, 8),
	       0x2233333000ull, "a low-half write keeps the high half");
	svm_edu_core_write(s, SVM_EDU_REG_PASID_TABLE, 0, 8);

	svm_edu_core_write(s, SVM_EDU_REG_STALE_POLICY, SVM_EDU_STALE_ABORT, 4);
	svm_edu_core_write(s, SVM_EDU_REG_SCRATCH, 7, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_STALE_POLICY, 8),
	       SVM_EDU_STALE_ABORT, "8-byte read: STALE_POLICY, and "
	       "COUNTER_RESET (write-only) reads 0");
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_SCRATCH, 8), 7,
	       "8-byte read: SCRATCH, and nothing at 0x01c");
	svm_edu_core_write(s, SVM_EDU_REG_STALE_POLICY, 9, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_STALE_POLICY, 4),
	       SVM_EDU_STALE_ABORT, "unknown STALE_POLICY refused");
	ok(bad_access(s), "and flagged BAD_ACCESS");
	svm_edu_core_write(s, SVM_EDU_REG_STALE_POLICY, SVM_EDU_STALE_REPORT, 4);

	before = guest_errors;
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_IRQ_TEST, 4) |
	       svm_edu_core_read(s, SVM_EDU_REG_COUNTER_RESET, 4) |
	       svm_edu_core_read(s, SVM_EDU_REG_INV_CMD, 4) |
	       svm_edu_core_read(s, SVM_EDU_REG_PRQ_RESP, 8) |
	       svm_edu_core_read(s, 0x3f0, 4), 0,
	       "write-only registers and unassigned offsets read 0");
	ok(guest_errors == before && !bad_access(s), "and that is no error");

	svm_edu_core_write(s, SVM_EDU_REG_PRQ_RESP, 1, 4);
	ok(bad_access(s) && !(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4) &
			      SVM_EDU_ERR_PRQ_RESP),
	   "4-byte write to PRQ_RESP refused before it is decoded");
	svm_edu_core_write(s, SVM_EDU_REG_CAP, 0, 8);
	ok(bad_access(s), "8-byte write to CAP (read-only) refused");
	svm_edu_core_write(s, SVM_EDU_REG_CAP + 4, 0, 4);
	ok(bad_access(s), "4-byte write to CAP's high half refused");
	ok(svm_edu_core_read(s, SVM_EDU_REG_CAP, 8) & SVM_EDU_CAP_BIND_GEN,
	   "CAP unchanged");
	svm_edu_core_write(s, SVM_EDU_REG_COUNTERS + 8, 5, 8);
	ok(bad_access(s), "write to a counter refused");
	svm_edu_core_write(s, SVM_EDU_REG_STALE_LOG + 8, 5, 4);
	ok(bad_access(s), "write to the stale log refused");
	svm_edu_core_write(s, SVM_EDU_REG_SQ_HEAD, 1, 4);
	ok(bad_access(s), "write to SQ_HEAD (read-only) refused");
	svm_edu_core_write(s, 0x3f0, 1, 4);
	ok(bad_access(s), "write to an unassigned offset refused");
}

static void test_throttle(SvmEduCore *s)
{
	svm_edu_core_write(s, SVM_EDU_REG_DMA_THROTTLE, 250, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_DMA_THROTTLE, 4), 250,
	       "DMA_THROTTLE keeps its value");
	svm_edu_core_write(s, SVM_EDU_REG_ERROR, ~0u, 4);
	svm_edu_core_write(s, SVM_EDU_REG_DMA_THROTTLE, 1000000, 4);
	is_u64(svm_edu_core_read(s, SVM_EDU_REG_DMA_THROTTLE, 4),
	       SVM_EDU_THROTTLE_MAX_US, "DMA_THROTTLE is clamped");
	ok(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4) & SVM_EDU_ERR_BAD_ACCESS,
	   "and the clamp is flagged");
	svm_edu_core_write(s, SVM_EDU_REG_DMA_THROTTLE, 0, 4);
}

static void test_irq(SvmEduCore *s)
{
	unsigned v;

	memset(irqs, 0, sizeof(irqs));
	for (v = 0; v < SVM_EDU_NR_VECTORS; v++)
		svm_edu_core_write(s, SVM_EDU_REG_IRQ_TEST, v, 4);
	for (v = 0; v < SVM_EDU_NR_VECTORS; v++)
		is_u64(irqs[v], 1, "IRQ_TEST raises vector %u once", v);
	svm_edu_core_write(s, SVM_EDU_REG_ERROR, ~0u, 4);
	svm_edu_core_write(s, SVM_EDU_REG_IRQ_TEST, SVM_EDU_NR_VECTORS, 4);
	ok(svm_edu_core_read(s, SVM_EDU_REG_ERROR, 4) & SVM_EDU_ERR_BAD_VECTOR,
	   "IRQ_TEST with an out-of-range vector sets ERROR.BAD_VECTOR");
}

int main(void)
{
	SvmEduCore s;

	test_config();
	svm_edu_core_init(&s, &default_cfg, &fake_ops, NULL);
	test_ident(&s);
	test_scratch_and_ctrl(&s);
	test_bad_access(&s);
	test_access_rules(&s);
	test_throttle(&s);
	test_irq(&s);
	svm_edu_core_destroy(&s);
	return tap_done();
}
