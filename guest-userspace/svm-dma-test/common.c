// SPDX-License-Identifier: MIT
/*
 * svm-dma-test: helpers shared by the scenarios.
 */
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"

/* Records live in the test's own, already touched, memory. */
static struct svm_edu_completion records[64]
	__attribute__((aligned(SVM_EDU_COMPLETION_ALIGN)));

/* The last diag() line: a scenario says why it skips just before. */
static char diag_last[256];

void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(diag_last, sizeof(diag_last), fmt, ap);
	va_end(ap);
	printf("# %s\n", diag_last);
}

const char *last_diag(void)
{
	return diag_last;
}

static void *map_touched(size_t pages, bool no_thp)
{
	size_t len = pages * 4096;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (no_thp)
		madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);	/* present: the device does not fault pages in */
	return p;
}

void *map_pages(size_t pages)
{
	return map_touched(pages, false);
}

/*
 * In 4 KiB pages that khugepaged leaves alone: a race counts the stale
 * uses of the whole device, and a collapse of a buffer the engine reads
 * would bring a legal window of its own into the count.
 */
void *map_pages_4k(size_t pages)
{
	return map_touched(pages, true);
}

void fill_pattern(void *buf, size_t len, unsigned int seed)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 12));
}

size_t pattern_diff(const void *buf, size_t len, unsigned int seed)
{
	const uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)(i * 131 + seed * 7 + (i >> 12)))
			break;
	return i;
}

bool check_pattern(const void *buf, size_t len, unsigned int seed)
{
	size_t i = pattern_diff(buf, len, seed);

	if (i < len)
		diag("byte %zu is %#x", i, ((const uint8_t *)buf)[i]);
	return i == len;
}

uint64_t hw(struct ctx *c, const char *counter)
{
	uint64_t v = 0;

	/* A misspelt name must not read as a quiet 0. */
	if (svmedu_hw_counter(&c->dev, counter, &v))
		diag("cannot read hw_counters/%s", counter);
	return v;
}

uint64_t drv(struct ctx *c, const char *counter)
{
	uint64_t v = 0;

	if (svmedu_drv_counter(&c->dev, counter, &v))
		diag("cannot read drv_counters/%s", counter);
	return v;
}

struct svm_edu_completion *record(unsigned int i)
{
	return &records[i % 64];
}

static int finish(struct ctx *c, int err, struct svm_edu_completion *rec)
{
	if (err)
		return err;
	return svmedu_wait(&c->dev, rec, 20000);
}

bool shadow_mode;

void shadow_records(struct svmedu *d)
{
	if (shadow_mode)
		svmedu_prefault(d, records, sizeof(records), true);
}


int dma_fill(struct ctx *c, void *dst, uint64_t pattern, size_t len)
{
	struct svm_edu_completion *rec = record(0);

	return finish(c, svmedu_fill(&c->dev, dst, pattern, len, rec,
				     SVM_EDU_UDESC_F_IRQ), rec);
}

int dma_copy(struct ctx *c, void *dst, const void *src, size_t len)
{
	struct svm_edu_completion *rec = record(0);

	return finish(c, svmedu_copy(&c->dev, dst, src, len, rec,
				     SVM_EDU_UDESC_F_IRQ), rec);
}

int stale_verdict(struct ctx *c, uint64_t before, bool negative)
{
	uint64_t n = hw(c, "stale") - before;

	if (negative) {
		EXPECT(n > 0, "negative control: the checker saw nothing");
		diag("negative control: %llu stale accesses reported",
		     (unsigned long long)n);
	} else {
		EXPECT(n == 0, "%llu stale accesses", (unsigned long long)n);
	}
	return PASS;
}

void *spacer_map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void spacer_take(void *spacer, size_t len)
{
	memset(spacer, 1, len);
}

bool all_bytes(const void *buf, size_t len, uint8_t val)
{
	const uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != val) {
			diag("byte %zu is %#x, not %#x", i, b[i], val);
			return false;
		}
	return true;
}

int queue_copies(struct svmedu *d, const void *src, void *dst, uint32_t len,
		 unsigned int count)
{
	struct svm_edu_udesc u[SVM_EDU_MAX_BATCH];
	unsigned int i;
	int err;

	for (i = 0; i < SVM_EDU_MAX_BATCH; i++)
		u[i] = (struct svm_edu_udesc){
			.opcode = SVM_EDU_OP_COPY, .len = len,
			.src = (uintptr_t)src, .dst = (uintptr_t)dst,
		};
	for (i = 0; i < count / SVM_EDU_MAX_BATCH; i++) {
		err = svmedu_submit(d, u, SVM_EDU_MAX_BATCH);
		if (err)
			return err;
	}
	return 0;
}

void compact_memory(void)
{
	svmedu_write_file("/proc/sys/vm/compact_memory", "1");
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

unsigned int module_param_uint(const char *name, unsigned int dflt)
{
	char path[96];
	unsigned int v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/svm_edu/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return dflt;
	if (fscanf(f, "%u", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

uint64_t pat(uint8_t byte)
{
	return 0x0101010101010101ull * byte;
}

bool device_works(struct ctx *c)
{
	uint8_t *p = map_pages(1);
	bool ok = p && dma_fill(c, p, pat(0x42), 4096) == SVM_EDU_CS_SUCCESS &&
		  all_bytes(p, 4096, 0x42);

	if (p)
		munmap(p, 4096);
	return ok;
}

void *map_2m_aligned(bool thp)
{
	size_t len = 4u << 20, huge = 2u << 20;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((void *)(a + huge), (uintptr_t)p + len - a - huge);
	if (thp)
		madvise((void *)a, huge, MADV_HUGEPAGE);
	return (void *)a;
}

/**
 * fork_reporting() - fork a child that sends a report back
 * @fd: out: the child's end to write its report to (in the child), the
 *	parent's end to read it from (in the parent)
 *
 * Return: 0 in the child, its pid in the parent, -1 when it failed.
 */
pid_t fork_reporting(int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(pid ? p[1] : p[0]);
	*fd = pid ? p[0] : p[1];
	return pid;
}

/**
 * reap_report() - the report of a fork_reporting() child, and the child
 * @pid: the child (-1: it was never forked)
 * @fd: the parent's end
 * @report: where its @len bytes go
 * @len: the report's size
 *
 * Return: true when the whole report came; the child is reaped either way.
 */
bool reap_report(pid_t pid, int fd, void *report, size_t len)
{
	bool ok;
	int wstatus;

	if (pid < 0)
		return false;
	ok = read(fd, report, len) == (ssize_t)len;
	waitpid(pid, &wstatus, 0);
	close(fd);
	return ok;
}
