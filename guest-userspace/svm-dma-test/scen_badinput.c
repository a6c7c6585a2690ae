// SPDX-License-Identifier: MIT
/*
 * Scenario: bad ioctl input gets its documented errno (docs/ioctl-abi.md).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
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
	struct svm_edu_info info = { .size = sizeof(info) - 4 };
	struct svm_edu_bind b = { .size = sizeof(b), .flags = 1 };
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

const struct scenario scen_badinput[] = {
	{ "bad-input", "bad ioctl input gets its errno", NULL, bad_input, NULL },
	{ NULL }
};
