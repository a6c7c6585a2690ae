// SPDX-License-Identifier: MIT
/*
 * Scenario lc-wait-timeout (issue 13, finding 8): a flush that the device
 * does not confirm must not return as if it had happened.
 *
 * The invalidate callback polls the WAIT behind its commands for 20 ms.
 * The old driver then just returned: munmap went on, freed the frames, and
 * a device that had not run the invalidation kept using the translation.
 * The driver now fences the device first (bus mastering off, device
 * reset), so that returning from the callback always means the device no
 * longer uses the old translation.
 *
 * A device that stops answering is a test condition: the QEMU property
 * x-iq-stall-addr=STALL_ADDR makes the device's invalidation queue stop at
 * a PAGE command covering STALL_ADDR (neither it nor the WAIT behind it
 * runs) until the device is reset; everything else behaves normally. The
 * scenario maps the page at STALL_ADDR (MAP_FIXED_NOREPLACE) and the page
 * below it, keeps the engine copying through both (a throttled ring of
 * two-page COPYs, reading and writing the page, like lc-unbind-race keeps
 * DMA running), and munmaps the stall page while the device holds its
 * translation:
 *
 * - positive run: the flush times out, the driver fences the device (a
 *   "device fenced" line in the kernel log, counters wait_timeouts and
 *   fences). Policy use-stale, as real hardware: after munmap returned no
 *   stale access is counted, no descriptor completes, and nothing lands in
 *   the frames the process gave back (a spacer takes them right after
 *   munmap).
 * - negative control, knob no_fence (the old driver exactly: give up,
 *   return): the device keeps using the translation after munmap returned
 *   and the checker counts it. Policy abort, so that those accesses are
 *   counted without reaching frames that are no longer ours.
 *
 * Either way the device is left fenced or stalled; the scenario then gives
 * it back to later scenarios by unbinding and binding the PCI driver
 * through sysfs (as --remove-test does): probe resets the device, which
 * clears the stall, and the test's binding is opened again.
 *
 * Both runs need the stalling device: the scenario names both the
 * property (dev_prop) and the knob, which makes needs_device() true: the
 * ordinary run (t-dma.sh, a device without the property) leaves it out
 * with a comment line, and 'svm-dma-test --device-negative lc-wait-timeout', in the boot
 * with the device-property negative controls (tests/guest/device-negative.sh,
 * tests/run.sh DEVICE_NEGATIVE_PROPS), runs the positive run and then the
 * negative control. The property, with its value, is dev_prop below: that
 * is what svm-dma-test --list shows and the harness must pass.
 *
 * STALL_ADDR is 0x10badf00d000 (about 16.7 TiB): far below where mmap()
 * places anything on x86-64 (top down from 128 TiB) and below the PIE
 * executable and brk (from 0x555555554000 up), and no other scenario maps
 * fixed addresses of its own there. The stall needs a PAGE command of this
 * address; a whole-PASID flush never stalls, so the other scenarios in the
 * same boot cannot be held up by it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGE		4096UL
#define STALL_ADDR	0x10badf00d000ull
#define STALL_PROP	"x-iq-stall-addr=0x10badf00d000"
#define WT_BATCHES	3		/* of SVM_EDU_MAX_BATCH: 192 COPYs */
#define WT_THROTTLE_US	2000		/* one sleep per COPY: 0.4 s or more */
#define WT_SPACER	16		/* pages */

/* The kernel log from now on: /dev/kmsg, positioned at its end. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * The driver's lines since kmsg_open(): count the fences and the timeouts
 * given up without one (no_fence), and show them.
 */
static void kmsg_scan(int fd, int *fenced, int *unfenced)
{
	char rec[1024], *msg;
	ssize_t len;

	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten meanwhile */
		if (len <= 0)
			break;
		rec[len] = 0;
		rec[strcspn(rec, "\n")] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (!strstr(msg, "svm_edu"))
			continue;
		*fenced += !!strstr(msg, "device fenced");
		*unfenced += !!strstr(msg, "not fenced");
		diag("kernel: %s", msg);
	}
}

/*
 * Give the device back to the later scenarios: unbind the PCI function
 * from the driver and bind it again (probe resets the device: no fence,
 * no stall), then open and bind the test's file again.
 */
static int restore_device(struct ctx *c)
{
	char addr[64];
	int i, err;

	err = pci_addr(addr, sizeof(addr));
	svmedu_close(&c->dev);
	EXPECT(!err, "PCI address of svm-edu0: %s", strerror(-err));
	EXPECT(!svmedu_write_file("/sys/bus/pci/drivers/svm_edu/unbind", addr),
	       "unbind %s from svm_edu", addr);
	EXPECT(!svmedu_write_file("/sys/bus/pci/drivers/svm_edu/bind", addr),
	       "bind %s to svm_edu", addr);
	for (i = 0; i < 50 && access("/dev/svm-edu0", F_OK); i++)
		usleep(100000);
	err = svmedu_open(&c->dev, 0);
	if (!err)
		err = svmedu_bind(&c->dev);
	EXPECT(!err, "open and bind /dev/svm-edu0 again: %s", strerror(-err));
	return PASS;
}

struct wt_result {
	uint64_t timeouts, fences, injected;
	uint64_t legal, after;		/* stale: inside munmap, after it */
	uint64_t done_after;		/* descriptors completed after munmap */
	uint64_t munmap_ms;
	size_t spacer_bytes;		/* DMA found in the given-back frames */
	int fenced_lines, unfenced_lines, status;
	bool cached;
};

/*
 * Run the DMA, munmap the stall page under it, measure. Everything that
 * needs cleaning up is cleaned up by the caller.
 */
static int wt_run(struct ctx *c, bool negative, uint8_t *base, uint8_t *src,
		  uint8_t *dst, uint8_t *spacer, struct wt_result *r)
{
	struct svm_edu_completion *rec = record(40);
	struct svm_edu_udesc u[SVM_EDU_MAX_BATCH];
	uint8_t *stall = base + PAGE;
	uint64_t t0, s0, s1, s2, d1, timeouts, fences, injected;
	struct svmedu_probe pr = { 0 };
	int i, kmsg;

	timeouts = drv(c, "wait_timeouts");
	fences = drv(c, "fences");
	injected = drv(c, "injected");
	memset(rec, 0, sizeof(*rec));
	for (i = 0; i < SVM_EDU_MAX_BATCH; i++)
		/* A COPY reading the two pages, then one writing them. */
		u[i] = (struct svm_edu_udesc){
			.opcode = SVM_EDU_OP_COPY, .len = 2 * PAGE,
			.src = (uintptr_t)(i % 2 ? src : base),
			.dst = (uintptr_t)(i % 2 ? base : dst),
		};
	EXPECT(!svmedu_set_policy(&c->dev, negative ? "abort" : "use-stale"),
	       "stale policy (debugfs, root?)");
	EXPECT(!svmedu_set_throttle(&c->dev, WT_THROTTLE_US), "throttle");
	for (i = 0; i < WT_BATCHES; i++) {
		if (i == WT_BATCHES - 1) {
			u[SVM_EDU_MAX_BATCH - 1].completion = (uintptr_t)rec;
			u[SVM_EDU_MAX_BATCH - 1].flags = SVM_EDU_UDESC_F_IRQ;
		}
		EXPECT(!svmedu_submit(&c->dev, u, SVM_EDU_MAX_BATCH), "SUBMIT");
	}
	/* The device holds the stall page's translation. */
	for (t0 = now_ms(); now_ms() - t0 < 5000;) {
		if (!svmedu_probe(&c->dev, c->dev.pasid, stall, &pr) && pr.hit)
			break;
		usleep(500);
	}
	r->cached = pr.hit;
	EXPECT(r->cached, "the device never cached %p", (void *)stall);

	kmsg = kmsg_open();
	EXPECT(kmsg >= 0, "/dev/kmsg: %s", strerror(errno));
	s0 = hw(c, "stale");
	t0 = now_ms();
	munmap(stall, PAGE);		/* the callback stalls 20 ms here */
	r->munmap_ms = now_ms() - t0;
	s1 = hw(c, "stale");
	d1 = hw(c, "descriptors");
	spacer_take(spacer, WT_SPACER * PAGE);	/* the frame munmap freed */
	r->status = svmedu_wait(&c->dev, rec, 30000);
	usleep(50000);
	s2 = hw(c, "stale");
	/* A fence resets the device's counters: count from 0 then. */
	r->legal = s1 >= s0 ? s1 - s0 : s1;
	r->after = s2 >= s1 ? s2 - s1 : s2;
	r->done_after = hw(c, "descriptors");
	r->done_after = r->done_after >= d1 ? r->done_after - d1 : r->done_after;
	r->timeouts = drv(c, "wait_timeouts") - timeouts;
	r->fences = drv(c, "fences") - fences;
	r->injected = drv(c, "injected") - injected;
	for (i = 0; i < WT_SPACER * (int)PAGE; i++)
		r->spacer_bytes += spacer[i] != 1;
	kmsg_scan(kmsg, &r->fenced_lines, &r->unfenced_lines);
	close(kmsg);
	return PASS;
}

static int wait_timeout(struct ctx *c, bool negative)
{
	uint8_t *base = (uint8_t *)(uintptr_t)(STALL_ADDR - PAGE);
	uint8_t *src = map_pages(2), *dst = map_pages(2);
	uint8_t *spacer = spacer_map(WT_SPACER * PAGE), *p;
	struct wt_result r = { 0 };
	int ret, restored;

	EXPECT(src && dst && spacer, "mmap");
	p = mmap(base, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT(p == base, "mmap at %p: %s", (void *)base,
	       p == MAP_FAILED ? strerror(errno) : "another address");
	memset(base, 0xb0, 2 * PAGE);	/* present, and dirty */
	memset(src, 0xd5, 2 * PAGE);

	ret = wt_run(c, negative, base, src, dst, spacer, &r);

	/*
	 * Undo, whatever happened. The knob goes first, so that a flush the
	 * stalled device does not answer fences it from now on; everything is
	 * unmapped before the device is restored: an unmap of the stall page
	 * (if a failure left it mapped) would stall the restored device too.
	 */
	if (negative)
		svmedu_inject("no_fence", false);
	svmedu_set_throttle(&c->dev, 0);
	svmedu_set_policy(&c->dev, "report");
	munmap(base, 2 * PAGE);
	munmap(src, 2 * PAGE);
	munmap(dst, 2 * PAGE);
	munmap(spacer, WT_SPACER * PAGE);
	restored = restore_device(c);
	if (ret != PASS)
		return ret;

	diag("munmap took %llu ms; WAIT timeouts %llu, fences %llu, injected %llu",
	     (unsigned long long)r.munmap_ms, (unsigned long long)r.timeouts,
	     (unsigned long long)r.fences, (unsigned long long)r.injected);
	if (r.fences)
		diag("stale accesses after munmap returned: %llu; descriptors "
		     "completed after it: %llu (counted from 0: the fence reset "
		     "the device); last COPY: %s", (unsigned long long)r.after,
		     (unsigned long long)r.done_after, r.status < 0 ?
		     strerror(-r.status) : svmedu_status_name(r.status));
	else
		diag("stale accesses: %llu inside munmap (legal window), %llu "
		     "after it returned; descriptors completed after it: %llu; "
		     "last COPY: %s", (unsigned long long)r.legal,
		     (unsigned long long)r.after, (unsigned long long)r.done_after,
		     r.status < 0 ? strerror(-r.status) :
		     svmedu_status_name(r.status));
	diag("%zu bytes of DMA in the frames munmap gave back", r.spacer_bytes);
	EXPECT(restored == PASS, "the device could not be restored");
	EXPECT(device_works(c), "the device does not work after rebinding");
	EXPECT(r.timeouts > 0,
	       "no WAIT timed out: is the device booted with %s?", STALL_PROP);
	if (negative) {
		EXPECT(r.fences == 0 && !r.fenced_lines,
		       "no_fence: the device was fenced all the same");
		EXPECT(r.injected > 0 && r.unfenced_lines > 0,
		       "no_fence: nothing counted as injected or logged");
		EXPECT(r.after > 0,
		       "negative control: no stale access after munmap returned");
		diag("negative control: %llu stale accesses after munmap returned",
		     (unsigned long long)r.after);
		return PASS;
	}
	EXPECT(r.fences > 0, "the flush timed out but the device was not fenced");
	EXPECT(r.fenced_lines > 0, "no \"device fenced\" line in the kernel log");
	EXPECT(r.after == 0, "%llu stale accesses after munmap returned",
	       (unsigned long long)r.after);
	EXPECT(r.done_after == 0, "the device completed %llu descriptors after "
	       "munmap returned", (unsigned long long)r.done_after);
	EXPECT(r.spacer_bytes == 0,
	       "%zu bytes of DMA landed in memory munmap gave back",
	       r.spacer_bytes);
	EXPECT(r.status == -EIO, "WAIT on the fenced device: %d, not -EIO",
	       r.status);
	return PASS;
}

const struct scenario scen_lc_fence[] = {
	{ .name = "lc-wait-timeout",
	  .path = "munmap while the device does not answer the flush: fence",
	  .knob = "no_fence", .run = wait_timeout, .dev_prop = STALL_PROP },
	{ NULL }
};
