// SPDX-License-Identifier: MIT
/*
 * libsvmedu: the ioctl calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "svmedu.h"

int svmedu_open(struct svmedu *d, int instance)
{
	char path[32];

	memset(d, 0, sizeof(*d));
	d->instance = instance;
	snprintf(path, sizeof(path), "/dev/svm-edu%d", instance);
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return -errno;
	d->info.size = sizeof(d->info);
	if (ioctl(d->fd, SVM_EDU_IOC_INFO, &d->info)) {
		int err = -errno;

		close(d->fd);
		d->fd = -1;
		return err;
	}
	return 0;
}

void svmedu_close(struct svmedu *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->pasid = 0;
}

int svmedu_bind_flags(struct svmedu *d, uint32_t flags)
{
	struct svm_edu_bind b = { .size = sizeof(b), .flags = flags };

	if (ioctl(d->fd, SVM_EDU_IOC_BIND, &b))
		return -errno;
	d->pasid = b.pasid;
	return 0;
}

uint32_t svmedu_default_bind_flags(void)
{
	const char *mode = getenv("SVMEDU_BIND_MODE");

	return mode && !strcmp(mode, "shadow") ? SVM_EDU_BIND_F_SHADOW : 0;
}

int svmedu_bind(struct svmedu *d)
{
	return svmedu_bind_flags(d, svmedu_default_bind_flags());
}

int svmedu_prefault(struct svmedu *d, const void *addr, size_t len,
		    bool write)
{
	struct svm_edu_prefault p = {
		.size = sizeof(p),
		.flags = write ? SVM_EDU_PREFAULT_F_WRITE : 0,
		.addr = (uintptr_t)addr,
		.len = len,
	};

	if (ioctl(d->fd, SVM_EDU_IOC_PREFAULT, &p))
		return -errno;
	return 0;
}

int svmedu_unbind(struct svmedu *d)
{
	if (ioctl(d->fd, SVM_EDU_IOC_UNBIND))
		return -errno;
	d->pasid = 0;
	return 0;
}

int svmedu_submit(struct svmedu *d, const struct svm_edu_udesc *descs,
		  unsigned int n)
{
	struct svm_edu_submit s = {
		.size = sizeof(s),
		.count = n,
		.descs = (uintptr_t)descs,
	};

	if (ioctl(d->fd, SVM_EDU_IOC_SUBMIT, &s))
		return -errno;
	return 0;
}

static int submit_one(struct svmedu *d, uint16_t op, void *dst,
		      const void *src, uint64_t pattern, uint32_t len,
		      struct svm_edu_completion *rec, uint16_t flags)
{
	struct svm_edu_udesc u = {
		.opcode = op,
		.flags = flags,
		.src = (uintptr_t)src,
		.dst = (uintptr_t)dst,
		.len = len,
		.pattern = pattern,
		.completion = (uintptr_t)rec,
	};

	if (rec)
		memset(rec, 0, sizeof(*rec));
	return svmedu_submit(d, &u, 1);
}

int svmedu_copy(struct svmedu *d, void *dst, const void *src, uint32_t len,
		struct svm_edu_completion *rec, uint16_t flags)
{
	return submit_one(d, SVM_EDU_OP_COPY, dst, src, 0, len, rec, flags);
}

int svmedu_fill(struct svmedu *d, void *dst, uint64_t pattern, uint32_t len,
		struct svm_edu_completion *rec, uint16_t flags)
{
	return submit_one(d, SVM_EDU_OP_FILL, dst, NULL, pattern, len, rec,
			  flags);
}

int svmedu_compare(struct svmedu *d, const void *a, const void *b,
		   uint32_t len, struct svm_edu_completion *rec,
		   uint16_t flags)
{
	return submit_one(d, SVM_EDU_OP_COMPARE, (void *)b, a, 0, len, rec,
			  flags);
}

int svmedu_wait(struct svmedu *d, struct svm_edu_completion *rec,
		unsigned int timeout_ms)
{
	struct svm_edu_wait w = {
		.size = sizeof(w),
		.timeout_ms = timeout_ms,
		.completion = (uintptr_t)rec,
	};

	if (ioctl(d->fd, SVM_EDU_IOC_WAIT, &w))
		return -errno;
	return w.status;
}

int svmedu_poll(const struct svm_edu_completion *rec, unsigned int timeout_ms)
{
	struct timespec start, now;
	uint8_t st;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		st = __atomic_load_n(&rec->status, __ATOMIC_ACQUIRE);
		if (st)
			return st;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000 >= timeout_ms)
			return -ETIMEDOUT;
		usleep(50);
	}
}

void *svmedu_map_zap(struct svmedu *d)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

int svmedu_zap(struct svmedu *d, void *addr)
{
	struct svm_edu_zap z = { .size = sizeof(z), .addr = (uintptr_t)addr };

	if (ioctl(d->fd, SVM_EDU_IOC_ZAP, &z))
		return -errno;
	return 0;
}

int svmedu_run_resolving(struct svmedu *d, struct svm_edu_udesc desc,
			 struct svm_edu_completion *rec, unsigned int timeout_ms,
			 unsigned int *resubmits)
{
	/*
	 * Each resubmission cures a page of the source or the destination:
	 * more than that is no progress.
	 */
	unsigned int n = 0, most = 2 * (desc.len / 4096 + 2);
	int st;

	desc.completion = (uintptr_t)rec;
	for (;;) {
		volatile uint8_t *page;

		memset(rec, 0, sizeof(*rec));
		st = svmedu_submit(d, &desc, 1);
		if (st)
			break;
		st = svmedu_wait(d, rec, timeout_ms);
		/*
		 * With block-on-fault the kernel already tried and refused: a
		 * touch from here would only crash the caller.
		 */
		if ((st != SVM_EDU_CS_PAGE_FAULT && st != SVM_EDU_CS_PERM_FAULT) ||
		    (desc.flags & SVM_EDU_UDESC_F_BLOCK_ON_FAULT) ||
		    desc.opcode == SVM_EDU_OP_NOP ||
		    rec->bytes_completed >= desc.len || n == most)
			break;
		page = (volatile uint8_t *)(uintptr_t)rec->fault_addr;
		if (rec->fault_info & SVM_EDU_FAULT_WRITE)
			*page = *page;	/* write fault: make it writable */
		else
			(void)*page;	/* read fault: make it present */
		/*
		 * A shadow binding: the touch made the CPU's mapping, the
		 * device's shadow needs filling too (EINVAL for sva).
		 */
		svmedu_prefault(d, (const void *)page, 1,
				rec->fault_info & SVM_EDU_FAULT_WRITE);
		desc.src += rec->bytes_completed;
		desc.dst += rec->bytes_completed;
		desc.len -= rec->bytes_completed;
		n++;
	}
	if (resubmits)
		*resubmits = n;
	return st;
}

const char *svmedu_status_name(unsigned int status)
{
#define SVMEDU_CS_NAME_(id, val, name)	[SVM_EDU_CS_##id] = name,
	static const char *const names[] = {
		SVM_EDU_COMPLETION_STATUSES(SVMEDU_CS_NAME_)
	};
#undef SVMEDU_CS_NAME_

	return status < sizeof(names) / sizeof(names[0]) ? names[status] : "?";
}
