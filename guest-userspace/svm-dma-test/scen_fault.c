// SPDX-License-Identifier: MIT
/*
 * Scenarios: device page faults. With block-on-fault the device asks the
 * driver to fault pages in (page requests); without it, the library
 * resolves partial completions from user space.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmatest.h"

#define BOF	SVM_EDU_UDESC_F_BLOCK_ON_FAULT

static void *map_untouched(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* One descriptor, run to completion: with BOF, or resolved from user space. */
static int run(struct ctx *c, uint16_t op, void *dst, const void *src,
	       size_t len, uint8_t byte, bool bof, unsigned int *resubmits)
{
	struct svm_edu_udesc u = {
		.opcode = op, .flags = SVM_EDU_UDESC_F_IRQ | (bof ? BOF : 0),
		.src = (uintptr_t)src, .dst = (uintptr_t)dst, .len = len,
		.pattern = pat(byte),
	};

	return svmedu_run_resolving(&c->dev, u, record(10), 60000, resubmits);
}

#define AROUND_PARAM	"/sys/module/svm_edu/parameters/prq_fault_around"

/*
 * Untouched memory; a translation from a page request must be flushed too.
 * With @single the driver answers for the requested page alone
 * (prq_fault_around=N): one page request per 4 KiB page. Otherwise a
 * request asks for a group and the driver faults the group in: every page
 * is either requested or faulted around, and far fewer requests are made.
 */
static int fault_in(struct ctx *c, bool negative, size_t len, bool thp,
		    bool single)
{
	uint64_t stale = hw(c, "stale"), reqs = hw(c, "page_requests");
	uint64_t around = drv(c, "fault_around_pages");
	uint64_t expect = thp ? len >> 21 : len >> 12;
	uint8_t *base = map_untouched(len + (2 << 20)), *p, *spacer;
	int st;

	EXPECT(base, "mmap");
	if (thp)
		compact_memory();	/* free 2 MiB blocks for the THPs */
	/*
	 * Shadow mode: the record's page must not count as a request. After
	 * the compaction, which may have moved it (its entry then goes).
	 */
	shadow_records(&c->dev);
	reqs = hw(c, "page_requests");
	p = (uint8_t *)(((uintptr_t)base + (2 << 20) - 1) & ~((2UL << 20) - 1));
	madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	st = run(c, SVM_EDU_OP_FILL, p, NULL, len, 0x5e, true, NULL);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL of %zu untouched bytes: %s", len,
	       svmedu_status_name(st));
	EXPECT(all_bytes(p, len, 0x5e), "data");
	if (thp && hw(c, "page_requests") - reqs != expect) {
		diag("%llu page requests: THP not used here",
		     (unsigned long long)(hw(c, "page_requests") - reqs));
		munmap(base, len + (2 << 20));
		return SKIP;
	}
	reqs = hw(c, "page_requests") - reqs;
	around = drv(c, "fault_around_pages") - around;
	if (thp || single) {
		EXPECT(reqs == expect, "%llu page requests for %llu pages",
		       (unsigned long long)reqs, (unsigned long long)expect);
	} else {
		EXPECT(reqs + around == expect && reqs * 8 <= expect,
		       "%llu page requests and %llu pages faulted around for "
		       "%llu pages (groups: at least 8 pages a request)",
		       (unsigned long long)reqs, (unsigned long long)around,
		       (unsigned long long)expect);
	}
	diag("%llu page requests, %llu pages faulted around, for %zu bytes",
	     (unsigned long long)reqs, (unsigned long long)around, len);
	/* The first pages left the IOTLB long ago: use them again. */
	st = run(c, SVM_EDU_OP_FILL, p, NULL, 4 * 4096, 0x11, true, NULL);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL of the first pages");

	/* munmap 4 pages, new memory there (untouched), DMA again */
	spacer = spacer_map(4 * 4096);
	EXPECT(spacer, "mmap");
	EXPECT(munmap(p, 4 * 4096) == 0, "munmap");
	spacer_take(spacer, 4 * 4096);
	EXPECT(mmap(p, 4 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p, "mmap");
	memset(p, 0, 4 * 4096);
	st = run(c, SVM_EDU_OP_FILL, p, NULL, 4 * 4096, 0x22, true, NULL);
	EXPECT(st == SVM_EDU_CS_SUCCESS && all_bytes(p, 4 * 4096, 0x22),
	       "FILL of the new pages: %s", svmedu_status_name(st));
	munmap(base, len + (2 << 20));
	munmap(spacer, 4 * 4096);
	return stale_verdict(c, stale, negative);
}

static int fault_64m(struct ctx *c, bool negative)
{
	EXPECT(!svmedu_write_file(AROUND_PARAM, "Y"), "prq_fault_around (root?)");
	return fault_in(c, negative, 64UL << 20, false, false);
}

static int fault_64m_single(struct ctx *c, bool negative)
{
	int r;

	EXPECT(!svmedu_write_file(AROUND_PARAM, "N"), "prq_fault_around (root?)");
	r = fault_in(c, negative, 64UL << 20, false, true);
	svmedu_write_file(AROUND_PARAM, "Y");
	return r;
}

static int fault_thp(struct ctx *c, bool negative)
{
	return fault_in(c, negative, 64UL << 20, true, false);
}

/* Without block-on-fault: partial completions, resolved by the library. */
static int fault_nobof(struct ctx *c, bool negative)
{
	size_t len = 1 << 20;
	uint8_t *p = map_untouched(len);
	uint64_t stale = hw(c, "stale"), reqs = hw(c, "page_requests");
	uint64_t around = drv(c, "fault_around_pages");
	unsigned int resubmits = 0;
	int st;

	EXPECT(p, "mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	st = run(c, SVM_EDU_OP_FILL, p, NULL, len, 0x33, false, &resubmits);
	EXPECT(st == SVM_EDU_CS_SUCCESS && all_bytes(p, len, 0x33),
	       "FILL resolved from user space: %s", svmedu_status_name(st));
	if (shadow_mode) {
		/* A shadow binding's descriptors always block on faults. */
		EXPECT(resubmits == 0, "%u resubmissions in shadow mode",
		       resubmits);
		/* Each page by a request of its own or its group's. */
		reqs = hw(c, "page_requests") - reqs;
		around = drv(c, "fault_around_pages") - around;
		EXPECT(reqs + around >= len / 4096,
		       "%llu page requests and %llu pages filled around for "
		       "%zu pages", (unsigned long long)reqs,
		       (unsigned long long)around, len / 4096);
		munmap(p, len);
		return stale_verdict(c, stale, negative);
	}
	EXPECT(resubmits == len / 4096, "%u resubmissions for %zu pages",
	       resubmits, len / 4096);
	EXPECT(hw(c, "page_requests") == reqs, "no page request without BOF");
	munmap(p, len);
	return stale_verdict(c, stale, negative);
}

/* A shared file mapping: the device's writes reach the file. */
static int fault_file(struct ctx *c, bool negative)
{
	size_t len = 256 * 1024;
	char path[] = "/tmp/svm-dma-test-XXXXXX";
	uint64_t stale = hw(c, "stale");
	uint8_t *p, *back = malloc(len);
	int fd = mkstemp(path), st;

	EXPECT(fd >= 0 && back && ftruncate(fd, len) == 0, "file");
	unlink(path);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT(p != MAP_FAILED, "mmap");
	st = run(c, SVM_EDU_OP_FILL, p, NULL, len, 0x6f, true, NULL);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL of the file mapping: %s",
	       svmedu_status_name(st));
	EXPECT(pread(fd, back, len, 0) == (ssize_t)len && all_bytes(back, len, 0x6f),
	       "the data reached the file");
	munmap(p, len);
	close(fd);
	free(back);
	return stale_verdict(c, stale, negative);
}

/* PROT_NONE, read-only and unmapped: a clean failure, one request each. */
static int fault_bad(struct ctx *c, bool negative)
{
	uint8_t *none = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *gone = map_untouched(8192);
	uint64_t stale = hw(c, "stale"), reqs;
	struct {
		uint8_t *p;
		const char *what;
	} bad[] = { { none, "PROT_NONE" }, { ro, "read-only" }, { gone, "unmapped" } };
	unsigned int i;
	int st;

	EXPECT(none != MAP_FAILED && ro != MAP_FAILED && gone, "mmap");
	munmap(gone, 8192);
	shadow_records(&c->dev);
	for (i = 0; i < 3; i++) {
		reqs = hw(c, "page_requests");
		st = run(c, SVM_EDU_OP_FILL, bad[i].p + 100, NULL, 200, 1, true, NULL);
		EXPECT(st == SVM_EDU_CS_PAGE_FAULT || st == SVM_EDU_CS_PERM_FAULT,
		       "%s: %s", bad[i].what, svmedu_status_name(st));
		EXPECT(record(10)->fault_addr == (uintptr_t)bad[i].p + 100 &&
		       record(10)->bytes_completed == 0, "%s: fault address", bad[i].what);
		/*
		 * Shadow mode: a write to a read-only page is mapped read-only
		 * by its first request, refused at the second (PERM_FAULT).
		 */
		EXPECT(hw(c, "page_requests") - reqs == 1 ||
		       (shadow_mode && hw(c, "page_requests") - reqs == 2),
		       "%s: %llu page requests (no retry loop)", bad[i].what,
		       (unsigned long long)(hw(c, "page_requests") - reqs));
	}
	EXPECT(all_bytes(ro, 8192, 0), "the read-only page was not written");
	munmap(none, 8192);
	munmap(ro, 8192);
	return stale_verdict(c, stale, negative);
}

struct unmapper {
	void *p;
	size_t len;
};

static void *unmap_later(void *arg)
{
	struct unmapper *u = arg;

	usleep(20000);
	munmap(u->p, u->len);
	return NULL;
}

/* munmap of the buffer while the device waits for its page requests. */
static int fault_munmap_race(struct ctx *c, bool negative)
{
	struct unmapper u = { .len = 8 << 20 };
	uint64_t stale = hw(c, "stale");
	pthread_t t;
	int st;

	u.p = map_untouched(u.len);
	EXPECT(u.p, "mmap");
	madvise(u.p, u.len, MADV_NOHUGEPAGE);
	svmedu_set_throttle(&c->dev, 50);
	EXPECT(pthread_create(&t, NULL, unmap_later, &u) == 0, "thread");
	st = run(c, SVM_EDU_OP_FILL, u.p, NULL, u.len, 0x44, true, NULL);
	pthread_join(t, NULL);
	svmedu_set_throttle(&c->dev, 0);
	EXPECT(st == SVM_EDU_CS_SUCCESS || st == SVM_EDU_CS_PAGE_FAULT,
	       "the DMA ends cleanly: %s", svmedu_status_name(st));
	diag("%s after %u bytes", svmedu_status_name(st), record(10)->bytes_completed);
	return stale_verdict(c, stale, negative);
}

/* A process exits while the device waits on its page requests. */
static int fault_exit(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale"), binds = drv(c, "binds");
	uint64_t unbinds = drv(c, "unbinds");
	int ready[2], ws, st;
	pid_t pid;
	char b;

	EXPECT(pipe(ready) == 0, "pipe");
	svmedu_set_throttle(&c->dev, 50);
	pid = fork();
	if (pid == 0) {
		struct svmedu d;
		uint8_t *p = map_untouched(16 << 20);
		struct svm_edu_udesc u = { .opcode = SVM_EDU_OP_FILL, .flags = BOF,
					   .dst = (uintptr_t)p, .len = 16 << 20 };

		close(ready[0]);
		if (!p || svmedu_open(&d, 0) || svmedu_bind(&d) ||
		    svmedu_submit(&d, &u, 1) || write(ready[1], "r", 1) != 1)
			_exit(2);
		usleep(20000);	/* let some requests happen */
		_exit(0);
	}
	close(ready[1]);
	EXPECT(pid > 0 && read(ready[0], &b, 1) == 1, "child started");
	close(ready[0]);
	EXPECT(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && !WEXITSTATUS(ws),
	       "child status %#x", ws);
	st = dma_fill(c, record(4) + 1, 0, 8);
	svmedu_set_throttle(&c->dev, 0);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "the device is not stuck: %s",
	       svmedu_status_name(st));
	EXPECT(drv(c, "binds") - binds == drv(c, "unbinds") - unbinds,
	       "the child's PASID is gone");
	return stale_verdict(c, stale, negative);
}

/* Every operation x size x block-on-fault x pre-touched. */
static int fault_matrix(struct ctx *c, bool negative)
{
	static const size_t sizes[] = { 1, 4096, 64 << 10, 1 << 20, 2 << 20 };
	static const uint16_t ops[] = { SVM_EDU_OP_COPY, SVM_EDU_OP_FILL, SVM_EDU_OP_COMPARE };
	uint64_t stale = hw(c, "stale");
	unsigned int o, z, bof, touched, cases = 0;

	for (o = 0; o < 3; o++)
		for (z = 0; z < 5; z++)
			for (bof = 0; bof < 2; bof++)
				for (touched = 0; touched < 2; touched++) {
					size_t len = sizes[z];
					uint8_t *src = map_untouched(len), *dst = map_untouched(len);
					int st;

					EXPECT(src && dst, "mmap");
					if (touched) {
						memset(src, 0x21, len);
						memset(dst, ops[o] == SVM_EDU_OP_COMPARE ? 0x21 : 0, len);
					}
					st = run(c, ops[o], dst, src, len, 0x3c, bof, NULL);
					EXPECT(st == SVM_EDU_CS_SUCCESS,
					       "op %u len %zu bof %u touched %u: %s", ops[o], len,
					       bof, touched, svmedu_status_name(st));
					if (ops[o] == SVM_EDU_OP_COPY)
						EXPECT(all_bytes(dst, len, touched ? 0x21 : 0), "COPY data");
					else if (ops[o] == SVM_EDU_OP_FILL)
						EXPECT(all_bytes(dst, len, 0x3c), "FILL data");
					else
						EXPECT(record(10)->result == 0, "COMPARE: equal");
					munmap(src, len);
					munmap(dst, len);
					cases++;
				}
	diag("%u cases", cases);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_fault[] = {
	{ "fault-64m", "DMA into 64 MiB of untouched memory: page requests in groups, faulted in around", "skip_flush", fault_64m, NULL },
	{ "fault-64m-single", "the same, one page request per page (prq_fault_around=N)", "skip_flush", fault_64m_single, NULL },
	{ "fault-thp", "the same with THP: one page request per 2 MiB", "skip_flush", fault_thp, NULL },
	{ "fault-nobof", "no block-on-fault: partial completions resolved by libsvmedu", NULL, fault_nobof, NULL },
	{ "fault-file", "block-on-fault into a shared file mapping", NULL, fault_file, NULL },
	{ "fault-bad", "PROT_NONE, read-only, unmapped: clean failure, no retry loop", NULL, fault_bad, NULL },
	{ "fault-munmap", "munmap racing the page requests of a DMA", NULL, fault_munmap_race, NULL },
	{ "fault-exit", "exit while the device waits on page requests", NULL, fault_exit, NULL },
	{ "fault-matrix", "COPY/FILL/COMPARE x 1B..2MiB x BOF on/off x pre-touched or not", NULL, fault_matrix, NULL },
	{ NULL }
};
