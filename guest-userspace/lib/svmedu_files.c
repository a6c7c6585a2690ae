// SPDX-License-Identifier: MIT
/*
 * libsvmedu: what the driver exposes in sysfs and debugfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "svmedu.h"

#define DEBUGFS "/sys/kernel/debug/svm_edu"

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

int svmedu_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int read_u64(const char *path, uint64_t *val)
{
	char buf[32];
	int err = read_file(path, buf, sizeof(buf));

	if (err)
		return err;
	return sscanf(buf, "%" SCNu64, val) == 1 ? 0 : -EINVAL;
}

/* A counter file in @folder (hw_counters or drv_counters) of the device. */
static int read_counter(const struct svmedu *d, const char *folder,
			const char *name, uint64_t *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/misc/svm-edu%d/device/%s/%s",
		 d->instance, folder, name);
	return read_u64(path, val);
}

int svmedu_hw_counter(const struct svmedu *d, const char *name, uint64_t *val)
{
	return read_counter(d, "hw_counters", name, val);
}

int svmedu_drv_counter(const struct svmedu *d, const char *name, uint64_t *val)
{
	return read_counter(d, "drv_counters", name, val);
}

int svmedu_device_error(const struct svmedu *d, uint32_t clear,
			uint32_t *bits)
{
	char path[96], buf[32], text[16];
	int err;

	snprintf(path, sizeof(path), "/sys/class/misc/svm-edu%d/device/device_error",
		 d->instance);
	err = read_file(path, buf, sizeof(buf));
	if (err)
		return err;
	if (sscanf(buf, "%" SCNx32, bits) != 1)
		return -EINVAL;
	if (!clear)
		return 0;
	snprintf(text, sizeof(text), "%#x", clear);
	return svmedu_write_file(path, text);
}

int svmedu_probe(const struct svmedu *d, uint32_t pasid, const void *va,
		 struct svmedu_probe *res)
{
	char path[96], buf[160], hit[8], rw[8], size[8];
	unsigned long long pa;
	int err;

	snprintf(path, sizeof(path), DEBUGFS "/svm-edu%d/probe", d->instance);
	snprintf(buf, sizeof(buf), "%u %llx", pasid,
		 (unsigned long long)(uintptr_t)va);
	err = svmedu_write_file(path, buf);
	if (!err)
		err = read_file(path, buf, sizeof(buf));
	if (err)
		return err;
	if (sscanf(buf, "pasid %*u va %*s %7s %7s %7s pa %llx", hit, rw, size,
		   &pa) != 4)
		return -EINVAL;
	res->hit = !strcmp(hit, "hit");
	res->writable = !strcmp(rw, "rw");
	res->page_shift = !strcmp(size, "1G") ? 30 : !strcmp(size, "2M") ? 21 : 12;
	res->pa = pa;
	return 0;
}

int svmedu_set_policy(const struct svmedu *d, const char *policy)
{
	char path[96];

	snprintf(path, sizeof(path), DEBUGFS "/svm-edu%d/stale_policy",
		 d->instance);
	return svmedu_write_file(path, policy);
}

int svmedu_reset_counters(const struct svmedu *d)
{
	char path[96];

	snprintf(path, sizeof(path), DEBUGFS "/svm-edu%d/reset_counters",
		 d->instance);
	return svmedu_write_file(path, "1");
}

int svmedu_set_throttle(const struct svmedu *d, unsigned int us)
{
	char path[96], val[16];

	snprintf(path, sizeof(path), DEBUGFS "/svm-edu%d/dma_throttle_us",
		 d->instance);
	snprintf(val, sizeof(val), "%u", us);
	return svmedu_write_file(path, val);
}

int svmedu_inject(const char *knob, bool on)
{
	char path[96];

	snprintf(path, sizeof(path), DEBUGFS "/inject/%s", knob);
	return svmedu_write_file(path, on ? "1" : "0");
}

int svmedu_attribution(bool on)
{
	return svmedu_write_file(DEBUGFS "/attribution", on ? "1" : "0");
}
