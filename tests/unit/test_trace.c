// SPDX-License-Identifier: MIT
/*
 * Unit tests of the core's typed trace points (svm-edu-trace.h): each
 * event fires where it should, with its arguments in order.
 */
#include <string.h>

#include "fake_guest.h"
#include "tap.h"
#include "trace_host.h"

#define VA 0x40000000ull

static int xlate(FakeGuest *fg, uint64_t va, bool write, uint64_t *pa)
{
	uint32_t fault;

	return svm_edu_translate(&fg->core, 1, va, write, pa, &fault);
}

static void test_translation(void)
{
	struct th_record r;
	FakeGuest fg;
	uint64_t root, pa;

	fg_init(&fg, NULL);
	root = fg_process(&fg, 1, VA, 2);
	th_reset();

	xlate(&fg, VA + 0x10, false, &pa);
	is_u64(th_count(TH_IOTLB_MISS), 1, "miss: one event");
	r = th_last(TH_IOTLB_MISS);
	ok(r.arg[0] == 1 && r.arg[1] == VA + 0x10, "miss: pasid, va");
	is_u64(th_count(TH_WALK), 1, "walk: one event");
	r = th_last(TH_WALK);
	ok(r.arg[0] == 1 && r.arg[1] == VA + 0x10 &&
	   r.arg[2] == fg_va2pa(&fg, root, VA) && r.arg[3] == 4096 && !r.arg[4],
	   "walk: pasid, va, frame, size, no fault");

	xlate(&fg, VA + 0x20, false, &pa);
	is_u64(th_count(TH_IOTLB_HIT), 1, "hit: one event");
	r = th_last(TH_IOTLB_HIT);
	ok(r.arg[0] == 1 && r.arg[1] == VA + 0x20 && r.arg[2] == pa &&
	   r.arg[3] == 4096, "hit: pasid, va, pa, size");

	is_u64(xlate(&fg, VA + 0x100000, true, &pa), SVM_EDU_CS_PAGE_FAULT,
	       "an unmapped page faults");
	is_u64(th_count(TH_FAULT), 1, "fault: one event");
	r = th_last(TH_FAULT);
	ok(r.arg[0] == 1 && r.arg[1] == VA + 0x100000 &&
	   r.arg[2] == (SVM_EDU_FAULT_NOT_PRESENT | SVM_EDU_FAULT_WRITE),
	   "fault: pasid, va, fault bits");

	fg_set_reg(&fg, SVM_EDU_REG_INV_PASID, 1);
	fg_set_reg(&fg, SVM_EDU_REG_INV_ADDR, VA);
	fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PAGE | 1 << 8);
	r = th_last(TH_INVALIDATE);
	ok(th_count(TH_INVALIDATE) == 1 && r.arg[0] == SVM_EDU_INV_PAGE &&
	   r.arg[1] == 1 && r.arg[2] == VA && r.arg[3] == 1,
	   "invalidate: type, pasid, addr, order");

	/* remap behind the device's back: the next hit is stale */
	xlate(&fg, VA, false, &pa);
	fg_wr64(&fg, fg_entry_addr(&fg, root, 4, VA, 1),
		fg_alloc_frame(&fg) | FG_USER_RW);
	xlate(&fg, VA, false, &pa);
	r = th_last(TH_STALE);
	ok(th_count(TH_STALE) == 1 && r.arg[0] == 1 && r.arg[1] == VA &&
	   (r.arg[4] & SVM_EDU_STALE_INFO_OTHER_FRAME),
	   "stale: pasid, va, info other frame");
	fg_destroy(&fg);
}

static void test_evict(void)
{
	SvmEduConfig cfg = { .iotlb_entries = 1, .iotlb_ways = 1,
			     .pasid_bits = 20, .la57 = true };
	struct th_record r;
	FakeGuest fg;
	uint64_t pa;

	fg_init(&fg, &cfg);
	fg_process(&fg, 1, VA, 2);
	th_reset();
	xlate(&fg, VA, false, &pa);
	xlate(&fg, VA + 4096, false, &pa);
	r = th_last(TH_IOTLB_EVICT);
	ok(th_count(TH_IOTLB_EVICT) == 1 && r.arg[0] == 1 && r.arg[1] == VA &&
	   r.arg[2] == 4096, "evict: pasid, va, size of the victim");
	fg_destroy(&fg);
}

static void test_desc(void)
{
	struct svm_edu_desc d;
	struct th_record r;
	FakeGuest fg;

	fg_init(&fg, NULL);
	fg_enable(&fg);
	fg_process(&fg, 1, VA, 2);
	th_reset();
	memset(&d, 0, sizeof(d));
	d.opcode = SVM_EDU_OP_FILL;
	d.pasid = 1;
	d.dst = VA;
	d.len = 100;
	fg_submit(&fg, &d);
	r = th_last(TH_DESC);
	ok(th_count(TH_DESC) == 1 && r.arg[0] == 1 &&
	   r.arg[1] == SVM_EDU_OP_FILL && r.arg[2] == 100 &&
	   r.arg[3] == SVM_EDU_CS_SUCCESS, "desc: pasid, opcode, len, status");
	fg_destroy(&fg);
}

int main(void)
{
	test_translation();
	test_evict();
	test_desc();
	return tap_done();
}
