// SPDX-License-Identifier: MIT
/*
 * Scenarios: bad ioctl input gets its documented errno, and every ioctl
 * takes an older (smaller) or newer (larger) argument structure by the
 * extensible-argument rule (docs/ioctl-abi.md).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmatest.h"

static int submit_err(struct svmedu *d, struct svm_edu_udesc u)
{
	return svmedu_submit(d, &u, 1);
}

static int bad_input(struct ctx *c, bool negative)
{
	struct svm_edu_completion *rec = record(5);
	uint8_t *buf = map_pages(1);
	struct svm_edu_submit s = { .size = sizeof(s) };
	struct svm_edu_info info = { .size = SVM_EDU_INFO_SIZE_VER0 - 4 };
	struct svm_edu_bind b = { .size = sizeof(b), .flags = ~SVM_EDU_BIND_F_MASK };
	struct svm_edu_udesc u[SVM_EDU_MAX_BATCH + 1];
	struct svmedu unbound;
	int fd = c->dev.fd;

	(void)negative;
	EXPECT(buf, "mmap");
	memset(u, 0, sizeof(u));
	EXPECT(ioctl(fd, _IO('S', 0x7f)) < 0 && errno == ENOTTY, "unknown command");
	EXPECT(ioctl(fd, SVM_EDU_IOC_INFO, &info) < 0 && errno == EINVAL, "short struct");
	EXPECT(ioctl(fd, SVM_EDU_IOC_INFO, (void *)8) < 0 && errno == EFAULT, "bad pointer");
	EXPECT(ioctl(fd, SVM_EDU_IOC_BIND, &b) < 0 && errno == EINVAL, "bind flags");
	s.reserved = 1;
	s.count = 1;
	s.descs = (uintptr_t)u;
	EXPECT(ioctl(fd, SVM_EDU_IOC_SUBMIT, &s) < 0 && errno == EINVAL, "reserved field");
	EXPECT(svmedu_submit(&c->dev, u, 0) == -EINVAL, "empty batch");
	EXPECT(svmedu_submit(&c->dev, u, SVM_EDU_MAX_BATCH + 1) == -EINVAL, "batch too big");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = 9 }) == -EINVAL, "opcode");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = 0, .reserved1 = 1 }) == -EINVAL,
	       "descriptor reserved field");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = 0, .flags = 0x8000 }) == -EINVAL,
	       "descriptor flag");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_FILL,
		.dst = (uintptr_t)buf, .len = 8, .flags = SVM_EDU_UDESC_F_IRQ }) == -EINVAL,
	       "IRQ without a completion record");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_FILL,
		.dst = 0xffff888000000000ull, .len = 8 }) == -EFAULT, "kernel destination");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_COPY,
		.src = 0xffffffff81000000ull, .dst = (uintptr_t)buf, .len = 8 }) == -EFAULT,
	       "kernel source");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_FILL,
		.dst = (uintptr_t)buf, .len = SVM_EDU_UDESC_MAX_LEN + 1 }) == -EINVAL, "huge length");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_FILL,
		.dst = (uintptr_t)buf, .len = 0 }) == -EINVAL, "zero length");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_FILL,
		.dst = (uintptr_t)buf, .len = 8, .completion = (uintptr_t)rec + 8 }) == -EINVAL,
	       "unaligned completion record");
	EXPECT(submit_err(&c->dev, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_COPY,
		.src = (uintptr_t)buf, .dst = (uintptr_t)buf + 4, .len = 8 }) == -EINVAL,
	       "overlapping copy");
	EXPECT(svmedu_open(&unbound, 0) == 0, "open");
	EXPECT(submit_err(&unbound, (struct svm_edu_udesc){ .opcode = SVM_EDU_OP_NOP }) == -ENOTCONN,
	       "unbound file");
	EXPECT(svmedu_wait(&unbound, (void *)((char *)rec + 8), 1) == -EINVAL,
	       "WAIT on an unaligned record");
	memset(rec, 0, sizeof(*rec));
	EXPECT(svmedu_wait(&unbound, rec, 1) == -ETIMEDOUT, "WAIT times out");
	svmedu_close(&unbound);
	return PASS;
}

/*
 * ioctl-sizes: each command with argument structures of other sizes, as user
 * space built against an older or a newer header would pass them. The
 * command number carries the size too, as that header's macro would.
 */
#define IOC_NOSIZE(cmd)	((cmd) & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT))
#define SENTINEL	0xa5
#define ARG_ROOM	(8192 + 64)

static uint8_t arg[ARG_ROOM] __attribute__((aligned(8)));
static uint8_t sent[ARG_ROOM];

enum size_case { EXACT, LONGER8, LONGER64, DIRTY_TAIL8, DIRTY_TAIL64,
		 DIRTY_FIRST, VER0, BELOW_VER0, OVER_PAGE, NR_CASES };

static const char *const case_names[NR_CASES] = {
	"exact size", "8 bytes longer, zero tail", "64 bytes longer, zero tail",
	"8 bytes longer, non-zero last byte", "64 bytes longer, non-zero last byte",
	"8 bytes longer, non-zero first tail byte", "VER0 size",
	"one byte below VER0", "a zero tail beyond PAGE_SIZE",
};

/* What each case must return (0 or the errno). */
static const int case_errno[NR_CASES] = {
	[DIRTY_TAIL8] = E2BIG, [DIRTY_TAIL64] = E2BIG, [DIRTY_FIRST] = E2BIG,
	[BELOW_VER0] = EINVAL, [OVER_PAGE] = E2BIG,
};

static size_t case_size(enum size_case k, size_t full, size_t ver0)
{
	switch (k) {
	case LONGER8: case DIRTY_TAIL8: case DIRTY_FIRST:
		return full + 8;
	case LONGER64: case DIRTY_TAIL64:
		return full + 64;
	case VER0:
		return ver0;
	case BELOW_VER0:
		return ver0 - 1;
	case OVER_PAGE:
		return 4096 + 8;
	default:
		return full;
	}
}

/*
 * Lay out @s (of sizeof @full) as a caller passing @usize bytes would: its
 * first @usize bytes, a zero tail beyond @full with a 1 where the case says,
 * the size field set, and SENTINEL after @usize (which the driver must not
 * touch). Issue @cmd with @usize in its size bits; 0 or the errno. A copy of
 * what was passed stays in sent[].
 */
static int sized_ioctl(int fd, unsigned long cmd, const void *s, size_t full,
		       size_t usize, enum size_case k)
{
	uint32_t size = usize;

	memset(arg, SENTINEL, sizeof(arg));
	memset(arg, 0, usize);
	memcpy(arg, s, usize < full ? usize : full);
	memcpy(arg, &size, sizeof(size));
	if (k == DIRTY_TAIL8 || k == DIRTY_TAIL64)
		arg[usize - 1] = 1;
	if (k == DIRTY_FIRST)
		arg[full] = 1;
	memcpy(sent, arg, sizeof(arg));
	cmd = IOC_NOSIZE(cmd) | (unsigned long)(usize & _IOC_SIZEMASK) << _IOC_SIZESHIFT;
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/*
 * The checks every command shares: the errno; nothing written past the
 * caller's size; on an error nothing written at all; on success the size
 * field as passed and a newer caller's (zero) tail still zero.
 */
static bool common_ok(int ret, enum size_case k, size_t full, size_t usize,
		      const char *cmd)
{
	size_t i;

	if (ret != case_errno[k]) {
		diag("%s, %s (%zu bytes): returned %s, expected %s", cmd,
		     case_names[k], usize, ret ? strerror(ret) : "success",
		     case_errno[k] ? strerror(case_errno[k]) : "success");
		return false;
	}
	for (i = usize; i < usize + 64 && i < sizeof(arg); i++)
		if (arg[i] != SENTINEL) {
			diag("%s, %s: byte %zu past the caller's %zu written", cmd,
			     case_names[k], i, usize);
			return false;
		}
	if (ret && memcmp(arg, sent, usize)) {
		diag("%s, %s: the structure changed on an error", cmd, case_names[k]);
		return false;
	}
	if (!ret && memcmp(arg, sent, 4)) {
		diag("%s, %s: the size field changed", cmd, case_names[k]);
		return false;
	}
	if (!ret && usize > full && memcmp(arg + full, sent + full, usize - full)) {
		diag("%s, %s: the tail beyond the driver's structure changed", cmd,
		     case_names[k]);
		return false;
	}
	return true;
}

#define CHECK_CASE(ok, k, cmd)							\
	EXPECT(ok, "%s, %s: %s", cmd, case_names[k],				\
	       "the command did not behave as with its exact structure")

static int sizes_info(struct ctx *c)
{
	struct svm_edu_info ref = { .size = sizeof(ref) }, in = { 0 };
	enum size_case k;

	EXPECT(ioctl(c->dev.fd, SVM_EDU_IOC_INFO, &ref) == 0, "INFO");
	for (k = 0; k < NR_CASES; k++) {
		size_t usize = case_size(k, sizeof(in), SVM_EDU_INFO_SIZE_VER0);
		size_t n = usize < sizeof(ref) ? usize : sizeof(ref);
		int ret = sized_ioctl(c->dev.fd, SVM_EDU_IOC_INFO, &in,
				      sizeof(in), usize, k);

		EXPECT(common_ok(ret, k, sizeof(in), usize, "INFO"), "INFO sizes");
		/* The same answer, as far as the caller's structure reaches. */
		CHECK_CASE(ret || !memcmp(arg + 4, (uint8_t *)&ref + 4, n - 4), k, "INFO");
	}
	return PASS;
}

static uint32_t file_pasid(int fd)
{
	struct svm_edu_info info = { .size = sizeof(info) };

	return ioctl(fd, SVM_EDU_IOC_INFO, &info) ? ~0u : info.pasid;
}

static int sizes_bind(struct ctx *c)
{
	/* The mode of the binding this process has (--mode). */
	struct svm_edu_bind in = { .flags = svmedu_default_bind_flags() };
	struct svmedu f;
	enum size_case k;

	EXPECT(svmedu_open(&f, 0) == 0, "open");
	for (k = 0; k < NR_CASES; k++) {
		size_t usize = case_size(k, sizeof(in), SVM_EDU_BIND_SIZE_VER0);
		int ret = sized_ioctl(f.fd, SVM_EDU_IOC_BIND, &in, sizeof(in),
				      usize, k);
		struct svm_edu_bind out;

		memcpy(&out, arg, sizeof(out));
		if (!common_ok(ret, k, sizeof(in), usize, "BIND")) {
			svmedu_close(&f);
			return FAIL;
		}
		/* Bound to this process (its PASID), or nothing changed. */
		CHECK_CASE(ret ? file_pasid(f.fd) == 0 :
			   out.pasid == c->dev.pasid && file_pasid(f.fd) == c->dev.pasid,
			   k, "BIND");
		if (!ret)
			EXPECT(ioctl(f.fd, SVM_EDU_IOC_UNBIND) == 0, "UNBIND");
	}
	svmedu_close(&f);
	return PASS;
}

static int sizes_submit(struct ctx *c)
{
	uint8_t *buf = map_pages(1), *spare = map_pages(1);
	enum size_case k;

	EXPECT(buf && spare, "mmap");
	for (k = 0; k < NR_CASES; k++) {
		struct svm_edu_completion *rec = record(10);
		size_t usize = case_size(k, sizeof(struct svm_edu_submit),
					 SVM_EDU_SUBMIT_SIZE_VER0);
		struct svm_edu_udesc u = {
			.opcode = SVM_EDU_OP_FILL, .dst = (uintptr_t)buf, .len = 64,
			.pattern = pat(0x30 + k), .completion = (uintptr_t)rec,
		};
		struct svm_edu_submit in = { .count = 1, .descs = (uintptr_t)&u };
		struct svm_edu_submit out;
		int ret;

		memset(buf, 0, 4096);
		memset(rec, 0, sizeof(*rec));
		ret = sized_ioctl(c->dev.fd, SVM_EDU_IOC_SUBMIT, &in, sizeof(in),
				  usize, k);
		memcpy(&out, arg, sizeof(out));
		EXPECT(common_ok(ret, k, sizeof(in), usize, "SUBMIT"), "SUBMIT sizes");
		if (!ret) {
			CHECK_CASE(out.submitted == 1 &&
				   svmedu_poll(rec, 5000) == SVM_EDU_CS_SUCCESS &&
				   all_bytes(buf, 64, 0x30 + k) &&
				   all_bytes(buf + 64, 4096 - 64, 0), k, "SUBMIT");
			continue;
		}
		/* Nothing queued: a later descriptor completes, this one never ran. */
		EXPECT(dma_fill(c, spare, pat(0x77), 64) == SVM_EDU_CS_SUCCESS,
		       "a FILL after the refused SUBMIT");
		CHECK_CASE(rec->status == 0 && all_bytes(buf, 4096, 0), k, "SUBMIT");
	}
	munmap(buf, 4096);
	munmap(spare, 4096);
	return PASS;
}

static int sizes_wait(struct ctx *c)
{
	struct svm_edu_completion *rec = record(12);
	enum size_case k;

	/* A record the device has "written": WAIT returns its status. */
	memset(rec, 0, sizeof(*rec));
	rec->status = SVM_EDU_CS_SUCCESS;
	for (k = 0; k < NR_CASES; k++) {
		struct svm_edu_wait in = { .timeout_ms = 100, .completion = (uintptr_t)rec };
		size_t usize = case_size(k, sizeof(in), SVM_EDU_WAIT_SIZE_VER0);
		int ret = sized_ioctl(c->dev.fd, SVM_EDU_IOC_WAIT, &in, sizeof(in),
				      usize, k);
		struct svm_edu_wait out;

		memcpy(&out, arg, sizeof(out));
		EXPECT(common_ok(ret, k, sizeof(in), usize, "WAIT"), "WAIT sizes");
		CHECK_CASE(ret || out.status == SVM_EDU_CS_SUCCESS, k, "WAIT");
	}
	return PASS;
}

static int sizes_zap(struct ctx *c)
{
	volatile uint8_t *p = svmedu_map_zap(&c->dev);
	enum size_case k;

	EXPECT(p, "mmap of /dev/svm-edu0");
	for (k = 0; k < NR_CASES; k++) {
		struct svm_edu_zap in = { .addr = (uintptr_t)p };
		size_t usize = case_size(k, sizeof(in), SVM_EDU_ZAP_SIZE_VER0);
		uint8_t mark = 0x40 + k;
		int ret;

		/*
		 * A ZAP that happened makes the next access fault the driver's
		 * other page in, which does not hold this case's mark.
		 */
		p[0] = mark;
		ret = sized_ioctl(c->dev.fd, SVM_EDU_IOC_ZAP, &in, sizeof(in),
				  usize, k);
		EXPECT(common_ok(ret, k, sizeof(in), usize, "ZAP"), "ZAP sizes");
		CHECK_CASE(ret ? p[0] == mark : p[0] != mark, k, "ZAP");
	}
	munmap((void *)p, 4096);
	return PASS;
}

/*
 * PREFAULT fills a shadow binding's table; the effect is the fill count.
 * On an sva binding every size the checks pass is EINVAL: skipped there.
 */
static int sizes_prefault(struct ctx *c)
{
	uint8_t *p = map_pages(1);
	enum size_case k;

	EXPECT(p, "mmap");
	if (!shadow_mode) {
		munmap(p, 4096);
		return PASS;
	}
	for (k = 0; k < NR_CASES; k++) {
		struct svm_edu_prefault in = { .addr = (uintptr_t)p, .len = 4096 };
		size_t usize = case_size(k, sizeof(in),
					 SVM_EDU_PREFAULT_SIZE_VER0);
		uint64_t fills = drv(c, "shadow_fills");
		int ret = sized_ioctl(c->dev.fd, SVM_EDU_IOC_PREFAULT, &in,
				      sizeof(in), usize, k);

		EXPECT(common_ok(ret, k, sizeof(in), usize, "PREFAULT"),
		       "PREFAULT sizes");
		CHECK_CASE(ret ? drv(c, "shadow_fills") == fills :
			   drv(c, "shadow_fills") > fills, k, "PREFAULT");
	}
	munmap(p, 4096);
	return PASS;
}

static int ioctl_sizes(struct ctx *c, bool negative)
{
	int (*const cmds[])(struct ctx *) = {
		sizes_info, sizes_bind, sizes_submit, sizes_wait, sizes_zap,
		sizes_prefault,
	};
	unsigned int i;

	(void)negative;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i](c) != PASS)
			return FAIL;
	/* UNBIND takes no argument: a size in its number is another command. */
	EXPECT(ioctl(c->dev.fd, IOC_NOSIZE(SVM_EDU_IOC_UNBIND) | 8u << _IOC_SIZESHIFT,
		     arg) < 0 && errno == ENOTTY, "UNBIND with a size");
	diag("INFO, BIND, SUBMIT, WAIT, ZAP%s: %d argument sizes each",
	     shadow_mode ? ", PREFAULT" : "", NR_CASES);
	return PASS;
}

const struct scenario scen_badinput[] = {
	{ "bad-input", "bad ioctl input gets its errno", NULL, bad_input, NULL },
	{ "ioctl-sizes", "older and newer argument structures (extensible ioctls)",
	  NULL, ioctl_sizes, NULL },
	{ NULL }
};
