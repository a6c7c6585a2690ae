// SPDX-License-Identifier: MIT
/*
 * svm-dma-test: the scenario table on the test harness. Every scenario is
 * a test of fixture "scenario" (a process bound to /dev/svm-edu0) in one
 * or two variants: "positive", and "negative" when a fault-injection knob
 * breaks its path (the negative control), or "device" for a negative
 * control whose broken behaviour is the device's (--device-negative).
 * Each runs forked, with a binding of its own, and a timeout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmatest.h"
#include "svm_test_harness.h"

/* A scenario that hangs fails the run instead of the guest's time limit. */
#define SCENARIO_SECONDS	300
/*
 * Some negative controls race the bug against DMA and can miss its window
 * on a loaded machine: any of NEGATIVE_TRIES attempts that makes the
 * checker fire shows that it can.
 */
#define NEGATIVE_TRIES		3

unsigned int scenario_seed = 1;

FIXTURE(scenario) {
	struct ctx c;
	bool bound;
};

FIXTURE_VARIANT(scenario) {
	bool negative;		/* the knob's negative control */
	bool device;		/* the device property's */
};

FIXTURE_VARIANT_ADD(scenario, positive) {
	.negative = false,
};

FIXTURE_VARIANT_ADD(scenario, negative) {
	.negative = true,
};

FIXTURE_VARIANT_ADD(scenario, device) {
	.device = true,
};

FIXTURE_SETUP(scenario)
{
	int err;

	self->c.seed = scenario_seed;
	self->c.page = sysconf(_SC_PAGESIZE);
	err = svmedu_open(&self->c.dev, 0);
	if (!err)
		err = svmedu_bind(&self->c.dev);
	/* No CONFIG_HMM_MIRROR, or a device without shadow tables. */
	if (err == -EOPNOTSUPP && shadow_mode)
		SKIP(return, "shadow mode: the driver says it has none");
	if (err)
		TH_LOG("open and bind /dev/svm-edu0: %s", strerror(-err));
	ASSERT_EQ(0, err);
	self->bound = true;
	shadow_records(&self->c.dev);
	diag("PASID %u, seed %u, mode %s", self->c.dev.pasid, self->c.seed,
	     shadow_mode ? "shadow" : "sva");
	svmedu_set_policy(&self->c.dev, "report");
}

/*
 * In the runner, after the child ended in any way: the knob off and the
 * checker's policy back to "report" (both are the device's, not the
 * process's), for the tests after it. The child's binding went with it:
 * unbinding flushes the PASID, so that what a broken driver failed to
 * flush cannot show up in the next test.
 */
FIXTURE_TEARDOWN_PARENT(scenario)
{
	const struct scenario *s = _metadata->data;

	if (variant->negative && s->knob)
		svmedu_inject(s->knob, false);
	if (self->bound)
		svmedu_set_policy(&self->c.dev, "report");
}

/*
 * A scenario's result as the harness's: PASS, FAIL (its diag lines say
 * why), SKIP with its last diag line as the reason.
 */
static void verdict(struct __test_metadata *_metadata, int r)
{
	if (r == SKIP)
		SKIP(return, "%s", last_diag());
	EXPECT_EQ(PASS, r);
}

/* After a try, for the next: rebinding flushes the PASID completely. */
static void rebind(struct ctx *c)
{
	if (svmedu_unbind(&c->dev) || svmedu_bind(&c->dev))
		diag("rebind failed");
	shadow_records(&c->dev);
}

/*
 * Negative controls of sva bugs a shadow binding is immune to by design
 * (docs/design.md, "Shadow page-table mode"): skipped in shadow mode, with
 * the reason.
 */
static const char *const shadow_immune[][2] = {
	{ "madv-free", "info CLEAN is not judged for shadow entries: the "
	  "process's D bits are the kernel's (docs/hw-spec.md, Shadow tables)" },
	{ "iso-pasid-reuse", "keep_iotlb: the interval notifier's release "
	  "clears the shadow and flushes the IOTLB before the PASID is blocked" },
	{ "wc-exit", "keep_iotlb: the interval notifier's release clears the "
	  "shadow and flushes the PASID, walk cache too, before it is reused" },
	{ "lc-unbind-race", "unlink_first: a shadow binding's interval notifier "
	  "stays registered until the binding has drained" },
};

static const char *shadow_immune_reason(const char *name)
{
	size_t i;

	for (i = 0; shadow_mode && i < sizeof(shadow_immune) /
		    sizeof(shadow_immune[0]); i++)
		if (!strcmp(shadow_immune[i][0], name))
			return shadow_immune[i][1];
	return NULL;
}

/* The negative control with the scenario's knob, up to NEGATIVE_TRIES. */
static int knob_negative(struct ctx *c, const struct scenario *s)
{
	int r = FAIL, try;

	for (try = 1; try <= NEGATIVE_TRIES; try++) {
		if (svmedu_inject(s->knob, true)) {
			diag("cannot switch %s on (debugfs mounted? root?)", s->knob);
			return FAIL;
		}
		r = s->run(c, true);
		svmedu_inject(s->knob, false);
		svmedu_set_policy(&c->dev, "report");
		rebind(c);
		if (r != FAIL)
			break;
		if (try < NEGATIVE_TRIES)
			diag("%s: negative control attempt %d did not fire, again",
			     s->name, try);
	}
	/*
	 * The positive run found what it needs (it was not skipped): a
	 * negative control that cannot run proves nothing, and fails.
	 */
	if (r == SKIP) {
		diag("%s: the negative control could not run", s->name);
		r = FAIL;
	}
	return r;
}

TEST_F_TEMPLATE(scenario, run)
{
	const struct scenario *s = _metadata->data;
	char positive[160];
	const char *why;
	int r;

	if (variant->device && !s->dev_prop) {
		diag("%s has no device-property negative control", s->name);
		EXPECT_TRUE(s->dev_prop);
		return;
	}
	if (variant->device) {
		r = s->run(&self->c, true);
		/* The guest was booted for it: a skip proves nothing. */
		EXPECT_EQ(PASS, r);
		return;
	}
	if (!variant->negative) {
		r = s->run(&self->c, false);
		/* With --device-negative, it needs the property to run at all. */
		if (needs_device(s) && r == SKIP) {
			diag("%s: skipped in a guest booted with %s", s->name, s->dev_prop);
			r = FAIL;
		}
		if (s->dev_prop && !needs_device(s) && r != SKIP)
			diag("%s: its negative control needs the device property %s "
			     "(svm-dma-test --device-negative in a guest booted with it)",
			     s->name, s->dev_prop);
		verdict(_metadata, r);
		return;
	}
	why = shadow_immune_reason(s->name);
	if (why)
		SKIP(return, "shadow mode: %s", why);
	/* No negative control for a scenario its own positive run skipped. */
	snprintf(positive, sizeof(positive), "scenario.positive.%s", s->name);
	if (th_result(positive, &why) == KSFT_SKIP)
		SKIP(return, "the scenario was skipped: %s", why);
	verdict(_metadata, knob_negative(&self->c, s));
}

/* What the old TAP line said, for the RUN line; lives for the run. */
static const char *describe(const struct scenario *s, const char *variant)
{
	size_t len = 160;
	char *what;

	if (!strcmp(variant, "positive"))
		return s->path;
	what = malloc(len);
	if (!what)
		return s->path;
	if (!strcmp(variant, "negative"))
		snprintf(what, len, "negative control: %s makes the checker fire",
			 s->knob);
	else
		snprintf(what, len, "negative control: device property %s makes "
			 "the checker fire", s->dev_prop ? s->dev_prop : "(none)");
	return what;
}

static void add(const struct scenario *s, const char *variant, unsigned int seconds)
{
	TEST_F_ADD(scenario, run, s->name, variant, s, describe(s, variant), seconds);
}

/**
 * add_scenario() - register the tests of one scenario
 * @s: the scenario
 * @dev_negative: --device-negative: only the negative controls that need a
 *	device property (and, for a scenario that needs the device for both
 *	runs, its positive run and knob negative control)
 */
void add_scenario(const struct scenario *s, bool dev_negative)
{
	if (dev_negative) {
		if (needs_device(s)) {
			add(s, "positive", SCENARIO_SECONDS);
			add(s, "negative", SCENARIO_SECONDS * NEGATIVE_TRIES);
		} else {
			add(s, "device", SCENARIO_SECONDS);
		}
		return;
	}
	/* Not a skip either: tests/guest/t-shadow.sh runs it. */
	if (shadow_only(s) && !shadow_mode) {
		diag("%s needs shadow bindings: it runs with --mode shadow "
		     "(tests/guest/t-shadow.sh)", s->name);
		return;
	}
	/* Not a skip: it is reported by the boot that has the device. */
	if (needs_device(s)) {
		diag("%s needs a device booted with %s: it runs with "
		     "--device-negative (tests/guest/device-negative.sh)",
		     s->name, s->dev_prop);
		return;
	}
	add(s, "positive", SCENARIO_SECONDS);
	if (s->knob)
		add(s, "negative", SCENARIO_SECONDS * NEGATIVE_TRIES);
}
