// SPDX-License-Identifier: MIT
/*
 * Scenarios: binding, and DMA into a bound address space.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "dmatest.h"

/*
 * One PASID per mm, shared by every file; unbinding one keeps the other:
 * the binding they share must still translate (a FILL through it lands).
 */
static int bind_shared(struct ctx *c, bool negative)
{
	struct svm_edu_udesc nop = { .opcode = SVM_EDU_OP_NOP };
	struct svm_edu_completion *rec = record(3);
	uint8_t *p = map_pages(1);
	struct svmedu a, b;
	int ret = FAIL, st;

	(void)negative;
	if (svmedu_open(&a, 0) || svmedu_open(&b, 0))
		return FAIL;
	if (svmedu_bind(&a) || svmedu_bind(&b))
		goto out;
	EXPECT(a.pasid && a.pasid == b.pasid && a.pasid == c->dev.pasid,
	       "PASIDs %u %u %u", a.pasid, b.pasid, c->dev.pasid);
	EXPECT(svmedu_bind(&a) == 0, "binding twice is a no-op");
	EXPECT(svmedu_unbind(&a) == 0, "unbind");
	EXPECT(svmedu_submit(&b, &nop, 1) == 0 &&
	       svmedu_submit(&a, &nop, 1) == -ENOTCONN,
	       "unbound file refuses, bound one still works");
	EXPECT(p, "mmap");
	memset(rec, 0, sizeof(*rec));
	EXPECT(!svmedu_fill(&b, p, pat(0x5e), 4096, rec, SVM_EDU_UDESC_F_IRQ),
	       "FILL through the other file");
	st = svmedu_wait(&b, rec, 20000);
	EXPECT(st == SVM_EDU_CS_SUCCESS && all_bytes(p, 4096, 0x5e),
	       "the binding the files share stopped working at the first unbind: %s",
	       svmedu_status_name(st));
	EXPECT(svmedu_unbind(&a) == -ENOTCONN, "second unbind: ENOTCONN");
	EXPECT(svmedu_bind(&a) == 0 && a.pasid == b.pasid, "rebind gets the same PASID");
	ret = PASS;
out:
	svmedu_close(&a);
	svmedu_close(&b);
	if (p)
		munmap(p, 4096);
	return ret;
}

static int copy_fill_compare(struct ctx *c, bool negative)
{
	size_t pages = 16, len = pages * 4096;
	uint8_t *src = map_pages(pages), *dst = map_pages(pages);
	uint64_t stale = hw(c, "stale");
	struct svm_edu_completion *rec = record(2);
	int st;

	(void)negative;
	EXPECT(src && dst, "mmap");
	fill_pattern(src, len, c->seed);
	st = dma_copy(c, dst + 1, src, len - 1);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "COPY: %s", svmedu_status_name(st));
	EXPECT(check_pattern(dst + 1, len - 1, c->seed), "COPY data");
	st = dma_fill(c, dst, 0x0102030405060708ull, len);
	EXPECT(st == SVM_EDU_CS_SUCCESS && dst[0] == 8 && dst[len - 1] == 1,
	       "FILL: %s", svmedu_status_name(st));
	memcpy(src, dst, len);
	src[5000] ^= 1;
	EXPECT(svmedu_compare(&c->dev, src, dst, len, rec, 0) == 0, "submit");
	st = svmedu_wait(&c->dev, rec, 20000);
	EXPECT(st == SVM_EDU_CS_SUCCESS && rec->result == 1 &&
	       rec->bytes_completed == 5000, "COMPARE: %s result %u at %u",
	       svmedu_status_name(st), rec->result, rec->bytes_completed);
	munmap(src, len);
	munmap(dst, len);
	return stale_verdict(c, stale, false);
}

const struct scenario scen_basic[] = {
	{ "bind", "bind/unbind: one PASID per mm, shared by files", NULL, bind_shared, NULL },
	{ "copy", "COPY, FILL, COMPARE into a bound address space", NULL, copy_fill_compare, NULL },
	{ NULL }
};
