// SPDX-License-Identifier: MIT
/*
 * lc-entry-teardown (issue 13, finding 5): while a PASID entry is torn
 * down with the PASID's descriptors still running, the device must never
 * read an entry that says VALID with a root of 0.
 *
 * 66b4d52's driver cleared the root first and the flags after, so a device
 * that read the entry in between (its cached copy evicted by another
 * PASID) saw "valid, root 0" and walked from guest-physical 0. The driver
 * now sets FPD and clears VALID first, flushes, and clears the root last;
 * the device refuses a VALID entry without a root and sets
 * SVM_EDU_ERR_PASID_TABLE (sysfs device_error), which is what this
 * scenario looks at. The test-only root_first knob brings the old order
 * back, drops the device's copy of the entry and holds the torn state for
 * unbind_gap_ms: the device, still running the PASID's descriptors, reads
 * it and refuses it.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGE		4096UL
#define ET_ROUNDS	2
#define ET_PAGES	4
#define ET_DESCS	128
#define ET_THROTTLE_US	500
#define GAP_FILE	"/sys/kernel/debug/svm_edu/inject/unbind_gap_ms"

/* The child: bind, queue slow COPYs, unbind while they run. */
static void et_child(void)
{
	uint8_t *src = map_pages(ET_PAGES), *dst = map_pages(ET_PAGES);
	struct svmedu d;

	if (!src || !dst || svmedu_open(&d, 0) || svmedu_bind(&d))
		_exit(2);
	memset(src, 0x21, ET_PAGES * PAGE);
	if (queue_copies(&d, src, dst, ET_PAGES * PAGE, ET_DESCS))
		_exit(3);
	usleep(10000);	/* the engine is on our descriptors */
	if (svmedu_unbind(&d))
		_exit(4);
	_exit(0);
}

static int et_round(struct ctx *c, int round, uint32_t *seen)
{
	uint32_t bits;
	int ws, i;
	pid_t pid;

	EXPECT(!svmedu_device_error(&c->dev, ~0u, &bits),
	       "device_error (sysfs)");
	pid = fork();
	if (pid == 0)
		et_child();
	EXPECT(pid > 0, "fork");
	EXPECT(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && !WEXITSTATUS(ws),
	       "child status %#x", ws);
	/* The rest of the child's descriptors go through the engine. */
	for (i = 0; i < 1000 && !device_works(c); i++)
		usleep(10000);
	EXPECT(!svmedu_device_error(&c->dev, 0, &bits), "device_error");
	diag("round %d: device_error %#x%s", round, bits,
	     bits & SVM_EDU_ERR_PASID_TABLE ?
	     " (a PASID entry was VALID with a root of 0)" : "");
	*seen |= bits;
	return PASS;
}

static int entry_teardown(struct ctx *c, bool negative)
{
	uint32_t seen = 0;
	int i, r = PASS;

	EXPECT(!svmedu_write_file(GAP_FILE, "100"), "unbind_gap_ms (debugfs, root?)");
	if (svmedu_set_throttle(&c->dev, ET_THROTTLE_US)) {
		svmedu_write_file(GAP_FILE, "0");
		diag("throttle");
		return FAIL;
	}
	for (i = 0; i < ET_ROUNDS && r == PASS; i++)
		r = et_round(c, i, &seen);
	svmedu_write_file(GAP_FILE, "0");
	svmedu_set_throttle(&c->dev, 0);
	if (r != PASS)
		return r;
	if (negative)
		EXPECT(seen & SVM_EDU_ERR_PASID_TABLE,
		       "negative control: the device never read a torn entry");
	else
		EXPECT(!(seen & SVM_EDU_ERR_PASID_TABLE),
		       "the device read a PASID entry VALID with a root of 0");
	return PASS;
}

const struct scenario scen_lc_entry[] = {
	{ .name = "lc-entry-teardown",
	  .path = "unbind while the PASID's descriptors run: the entry's teardown order",
	  .knob = "root_first", .run = entry_teardown },
	{ NULL }
};
