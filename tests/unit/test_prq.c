// SPDX-License-Identifier: MIT
/*
 * Unit tests of page requests: a blocked descriptor, the driver's answers
 * (success after mapping the page, failure), DRAIN withdrawing a request,
 * stray responses, ring overflow, no block-on-fault, and the synchronous
 * (no responder) mode.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fake_guest.h"
#include "tap.h"

#define VA	0x40000000ull
#define REC	0x50000000ull
#define PRQ	0x8000ull

static FakeGuest fg;
static uint64_t root, rec_pa;
static pthread_t worker_thread;

static void *worker(void *arg)
{
	svm_edu_core_worker(arg);
	return NULL;
}

static void setup_cfg(uint32_t prq_size, const SvmEduConfig *cfg)
{
	fg_init(&fg, cfg);
	fg_enable(&fg);
	root = fg_process(&fg, 1, VA, 1);	/* VA mapped, VA + 4096 not */
	fg_map(&fg, root, 4, REC, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K, FG_USER_RW);
	rec_pa = fg_va2pa(&fg, root, REC);
	fg_set_reg(&fg, SVM_EDU_REG_PRQ_BASE, PRQ);
	fg_set_reg(&fg, SVM_EDU_REG_PRQ_SIZE, prq_size);
	pthread_create(&worker_thread, NULL, worker, &fg.core);
}

static void setup(uint32_t prq_size)
{
	setup_cfg(prq_size, NULL);
}

static void teardown(void)
{
	svm_edu_core_stop(&fg.core);
	pthread_join(worker_thread, NULL);
	fg_destroy(&fg);
}

/* Queue a FILL of two pages (the second unmapped) without running it. */
static void submit_fill(uint16_t flags)
{
	uint32_t tail = fg_reg(&fg, SVM_EDU_REG_SQ_TAIL);
	uint8_t *b = fg.ram + FG_SQ_BASE + tail * SVM_EDU_DESC_SIZE;

	memset(b, 0, SVM_EDU_DESC_SIZE);
	memset(fg.ram + rec_pa, 0, 32);
	svm_edu_st_le(b, SVM_EDU_OP_FILL, 2);
	svm_edu_st_le(b + 2, flags | SVM_EDU_DESC_F_RECORD, 2);
	svm_edu_st_le(b + 4, 1, 4);
	svm_edu_st_le(b + 16, VA + 4000, 8);
	svm_edu_st_le(b + 24, 200, 4);
	svm_edu_st_le(b + 32, 0x7777777777777777ull, 8);
	svm_edu_st_le(b + 40, REC, 8);
	fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, (tail + 1) % 64);
}

static void test_success(void)
{
	uint8_t *req;
	uint64_t frame;

	setup(16);
	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	ok(fg_wait_prq_tail(&fg, 1), "the fault becomes a page request");
	req = fg.ram + PRQ;
	is_u64(svm_edu_ld_le(req + 4, 4), 1, "request: PASID");
	is_u64(svm_edu_ld_le(req + 8, 8), VA + 4096, "request: the unmapped page");
	is_u64(svm_edu_ld_le(req + 16, 4), SVM_EDU_PRQ_F_WRITE, "request: a write");
	is_u64(svm_edu_ld_le(req + 24, 4), 1, "request: no group (prq-group 0)");
	is_u64(fg.irqs[SVM_EDU_VEC_PAGE_REQ], 1, "PAGE_REQ raised");
	is_u64(fg.ram[rec_pa], 0, "the descriptor waits");
	/* The "driver" faults the page in and answers. */
	frame = fg_alloc_frame(&fg);
	fg_map(&fg, root, 4, VA + 4096, frame, SVM_EDU_PGSZ_4K, FG_USER_RW);
	fg_set_reg(&fg, SVM_EDU_REG_PRQ_HEAD, 1);
	svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
			   SVM_EDU_PRQ_RESP(svm_edu_ld_le(req, 4), SVM_EDU_PRQ_RESP_SUCCESS), 8);
	is_u64(fg_wait_status(&fg, rec_pa), SVM_EDU_CS_SUCCESS, "success answer: the descriptor completes");
	is_u64(fg.ram[frame + 103], 0x77, "and its data reached the new page");
	is_u64(fg_counter(&fg, SVM_EDU_CNT_PAGE_RESP_OK), 1, "success answer counted");
	teardown();
}

/* Answer request @n (0-based) of the ring with success. */
static void answer(unsigned int n)
{
	const uint8_t *req = fg.ram + PRQ + n * SVM_EDU_PRQ_ENTRY_SIZE;

	fg_set_reg(&fg, SVM_EDU_REG_PRQ_HEAD, n + 1);
	svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
			   SVM_EDU_PRQ_RESP(svm_edu_ld_le(req, 4), SVM_EDU_PRQ_RESP_SUCCESS), 8);
}

/*
 * prq-group 4, a FILL of 6 untouched pages: the first request asks for 4
 * pages; the "driver" maps them all, so the next request is for the fifth
 * page and asks for the 2 that are left of the buffer.
 */
static void test_group(void)
{
	SvmEduConfig cfg = {
		.iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20,
		.la57 = true, .stale_policy = SVM_EDU_STALE_REPORT, .prq_group = 4,
	};
	uint32_t tail;
	uint8_t *b, *req;
	unsigned int i;

	setup_cfg(16, &cfg);
	tail = fg_reg(&fg, SVM_EDU_REG_SQ_TAIL);
	b = fg.ram + FG_SQ_BASE + tail * SVM_EDU_DESC_SIZE;
	memset(b, 0, SVM_EDU_DESC_SIZE);
	memset(fg.ram + rec_pa, 0, 32);
	svm_edu_st_le(b, SVM_EDU_OP_FILL, 2);
	svm_edu_st_le(b + 2, SVM_EDU_DESC_F_BLOCK_ON_FAULT | SVM_EDU_DESC_F_RECORD, 2);
	svm_edu_st_le(b + 4, 1, 4);
	svm_edu_st_le(b + 16, VA + 4096, 8);
	svm_edu_st_le(b + 24, 6 * 4096, 4);
	svm_edu_st_le(b + 32, 0x5555555555555555ull, 8);
	svm_edu_st_le(b + 40, REC, 8);
	fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, (tail + 1) % 64);

	ok(fg_wait_prq_tail(&fg, 1), "group: the first fault becomes a request");
	req = fg.ram + PRQ;
	is_u64(svm_edu_ld_le(req + 8, 8), VA + 4096, "group: from the faulting page");
	is_u64(svm_edu_ld_le(req + 24, 4), 4, "group: 4 pages (prq-group)");
	for (i = 1; i <= 4; i++)
		fg_map(&fg, root, 4, VA + i * 4096, fg_alloc_frame(&fg),
		       SVM_EDU_PGSZ_4K, FG_USER_RW);
	answer(0);
	ok(fg_wait_prq_tail(&fg, 2), "group: the fifth page is requested next");
	req = fg.ram + PRQ + SVM_EDU_PRQ_ENTRY_SIZE;
	is_u64(svm_edu_ld_le(req + 8, 8), VA + 5 * 4096, "group: at the fifth page");
	is_u64(svm_edu_ld_le(req + 24, 4), 2, "group: the 2 pages left of the buffer");
	for (i = 5; i <= 6; i++)
		fg_map(&fg, root, 4, VA + i * 4096, fg_alloc_frame(&fg),
		       SVM_EDU_PGSZ_4K, FG_USER_RW);
	answer(1);
	is_u64(fg_wait_status(&fg, rec_pa), SVM_EDU_CS_SUCCESS,
	       "group: 2 requests for 6 pages, the FILL completes");
	is_u64(fg_counter(&fg, SVM_EDU_CNT_PAGE_REQUESTS), 2, "group: 2 requests counted");
	teardown();
}

static void test_failure_and_drain(void)
{
	struct svm_edu_inv_desc drain = { .cmd = SVM_EDU_INV_DRAIN, .pasid = 1 };
	uint32_t id;

	setup(16);
	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	ok(fg_wait_prq_tail(&fg, 1), "page request");
	id = svm_edu_ld_le(fg.ram + PRQ, 4);
	svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
			   SVM_EDU_PRQ_RESP(id, SVM_EDU_PRQ_RESP_FAILURE), 8);
	is_u64(fg_wait_status(&fg, rec_pa), SVM_EDU_CS_PAGE_FAULT, "failure answer: page fault");
	is_u64(svm_edu_ld_le(fg.ram + rec_pa + 8, 8), VA + 4096, "at the unmapped page");
	is_u64(svm_edu_ld_le(fg.ram + rec_pa + 4, 4), 96, "after the bytes that fit");

	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	ok(fg_wait_prq_tail(&fg, 2), "another page request");
	fg_inv(&fg, &drain, 1);
	is_u64(fg_wait_status(&fg, rec_pa), SVM_EDU_CS_PAGE_FAULT, "DRAIN withdraws it: the descriptor completes");
	fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
	svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
			   SVM_EDU_PRQ_RESP(svm_edu_ld_le(fg.ram + PRQ + 32, 4),
					    SVM_EDU_PRQ_RESP_SUCCESS), 8);
	is_u64(fg_reg(&fg, SVM_EDU_REG_ERROR), 0, "a late answer to it is dropped quietly");
	svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
			   SVM_EDU_PRQ_RESP(999, SVM_EDU_PRQ_RESP_SUCCESS), 8);
	ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_PRQ_RESP,
	   "an answer to a request never made: ERROR.PRQ_RESP");
	teardown();
}

static void test_overflow_and_no_bof(void)
{
	setup(2);
	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	ok(fg_wait_prq_tail(&fg, 1), "page request");
	svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
			   SVM_EDU_PRQ_RESP(svm_edu_ld_le(fg.ram + PRQ, 4),
					    SVM_EDU_PRQ_RESP_FAILURE), 8);
	fg_wait_status(&fg, rec_pa);
	/* head not advanced: a 2-entry ring is full with one request */
	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	is_u64(fg_wait_status(&fg, rec_pa), SVM_EDU_CS_PAGE_FAULT, "full ring: the fault completes at once");
	ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_PRQ_OVERFLOW, "ERROR.PRQ_OVERFLOW");
	is_u64(fg_counter(&fg, SVM_EDU_CNT_PRQ_OVERFLOWS), 1, "overflow counted");
	fg_set_reg(&fg, SVM_EDU_REG_PRQ_HEAD, 1);
	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	ok(fg_wait_prq_tail(&fg, 0), "after the driver consumed it, requests flow again");
	svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
			   SVM_EDU_PRQ_RESP(svm_edu_ld_le(fg.ram + PRQ + 32, 4),
					    SVM_EDU_PRQ_RESP_FAILURE), 8);
	fg_wait_status(&fg, rec_pa);

	submit_fill(0);
	is_u64(fg_wait_status(&fg, rec_pa), SVM_EDU_CS_PAGE_FAULT, "without block-on-fault: partial completion");
	is_u64(fg_counter(&fg, SVM_EDU_CNT_PAGE_REQUESTS), 2, "and no page request");
	teardown();
}

static void test_reset_while_parked(void)
{
	setup(16);
	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	ok(fg_wait_prq_tail(&fg, 1), "page request");
	fg_set_reg(&fg, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
	usleep(20000);
	is_u64(fg.ram[rec_pa], 0, "reset: the parked descriptor is dropped, no record");
	teardown();
	ok(1, "and the engine thread still stops");
}

static void test_nowait(void)
{
	fg_init(&fg, NULL);
	fg_enable(&fg);
	root = fg_process(&fg, 1, VA, 1);
	fg_map(&fg, root, 4, REC, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K, FG_USER_RW);
	rec_pa = fg_va2pa(&fg, root, REC);
	fg_set_reg(&fg, SVM_EDU_REG_PRQ_BASE, PRQ);
	fg_set_reg(&fg, SVM_EDU_REG_PRQ_SIZE, 16);
	submit_fill(SVM_EDU_DESC_F_BLOCK_ON_FAULT);
	svm_edu_core_run_pending(&fg.core);
	is_u64(fg.ram[rec_pa], SVM_EDU_CS_PAGE_FAULT,
	       "run in the caller's thread: nobody can answer, the fault completes");
	is_u64(fg_reg(&fg, SVM_EDU_REG_PRQ_TAIL), 1, "the request was still written");
	fg_destroy(&fg);
}

int main(void)
{
	test_success();
	test_group();
	test_failure_and_drain();
	test_overflow_and_no_bof();
	test_reset_while_parked();
	test_nowait();
	return tap_done();
}
