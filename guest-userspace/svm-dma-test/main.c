// SPDX-License-Identifier: MIT
/*
 * svm-dma-test: proves that the svm_edu driver keeps the device IOTLB
 * coherent on every kernel path that changes a mapping. TAP output.
 *
 * usage: svm-dma-test [--list] [--repeat N] [--seed S] [SCENARIO...]
 *        svm-dma-test --device-negative SCENARIO...
 *        svm-dma-test --remove-test | --rmmod-after-close ROUNDS
 *        svm-dma-test --ioctl-fuzz SECONDS | --kill-storm PROCESSES
 *        svm-dma-test --stress SECONDS [--procs N] [--threads N] [--negative]
 *        svm-dma-test --unmap-race ROUNDS [--negative]
 *        svm-dma-test --race PATH ROUNDS [--negative]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmatest.h"

static const struct scenario *const groups[] = {
	scen_basic, scen_unmap, scen_prot, scen_cow, scen_numa, scen_huge,
	scen_ksm, scen_zap, scen_exit, scen_fault, scen_badinput, scen_isolation,
	scen_lifecycle, scen_lc_prq, scen_lc_entry, scen_lc_iq,
	scen_lc_fence, scen_ranges, scen_shadow,
};

#define for_each_scenario(s)						\
	for (size_t g_ = 0; g_ < sizeof(groups) / sizeof(groups[0]); g_++) \
		for (s = groups[g_]; s->name; s++)

static bool selected(const char *name, int argc, char **argv)
{
	int i;

	if (!argc)
		return true;
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static int tap_n, tap_failed;

static void report(int result, const char *name, const char *what)
{
	++tap_n;
	if (result == SKIP)
		printf("ok %d - %s # SKIP\n", tap_n, name);
	else
		printf("%sok %d - %s: %s\n", result == PASS ? "" : "not ",
		       tap_n, name, what);
	tap_failed += result == FAIL;
	fflush(stdout);
}

/* A scenario that hangs fails the run instead of the guest's time limit. */
#define SCENARIO_SECONDS	300
#define NEGATIVE_TRIES		3

static const char *running;

static void timeout(int sig)
{
	(void)sig;
	printf("not ok - %s: still running after %d s\n", running, SCENARIO_SECONDS);
	fflush(stdout);
	_exit(1);
}

/*
 * After a negative control the device may still hold translations the
 * broken driver failed to flush: rebinding flushes the PASID completely,
 * so that they cannot show up in the next scenario.
 */
static void rebind(struct ctx *c)
{
	if (svmedu_unbind(&c->dev) || svmedu_bind(&c->dev))
		diag("rebind failed");
	shadow_records(&c->dev);
}

/*
 * Negative controls of sva bugs a shadow binding is immune to, by design
 * (docs/design.md, "Shadow page-table mode"): in shadow mode they are
 * reported as skipped, with the reason.
 */
static const char *const shadow_immune[][2] = {
	{ "madv-free", "info CLEAN is not judged for shadow entries: the "
	  "process's D bits are the kernel's (docs/hw-spec.md, Shadow tables)" },
	{ "iso-pasid-reuse", "keep_iotlb: the interval notifier's release "
	  "clears the shadow and flushes the IOTLB before the PASID is blocked" },
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

/* The negative control with the scenario's fault-injection knob. */
static void run_knob_negative(struct ctx *c, const struct scenario *s)
{
	const char *immune = shadow_immune_reason(s->name);
	char what[160];
	int r = FAIL, try;

	if (immune) {
		printf("ok %d - %s: negative control # SKIP shadow mode: %s\n",
		       ++tap_n, s->name, immune);
		fflush(stdout);
		return;
	}

	/*
	 * Some negative controls race the bug against DMA and can miss its
	 * window on a loaded machine: any of NEGATIVE_TRIES attempts that
	 * makes the checker fire shows that it can.
	 */
	for (try = 1; try <= NEGATIVE_TRIES; try++) {
		if (svmedu_inject(s->knob, true)) {
			diag("cannot switch %s on (debugfs mounted? root?)",
			     s->knob);
			report(FAIL, s->name, "negative control");
			return;
		}
		alarm(SCENARIO_SECONDS);
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
	snprintf(what, sizeof(what), "negative control: %s makes the checker fire",
		 s->knob);
	/*
	 * The positive run found what it needs (it was not skipped): a
	 * negative control that cannot run proves nothing, and fails.
	 */
	if (r == SKIP) {
		diag("%s: the negative control could not run", s->name);
		r = FAIL;
	}
	report(r, s->name, what);
}

static void run(struct ctx *c, const struct scenario *s)
{
	int r;

	running = s->name;
	/* Not a skip: it is reported by the boot that has the device. */
	if (needs_device(s)) {
		diag("%s needs a device booted with %s: it runs with "
		     "--device-negative (tests/guest/device-negative.sh)",
		     s->name, s->dev_prop);
		return;
	}
	alarm(SCENARIO_SECONDS);
	svmedu_set_policy(&c->dev, "report");
	r = s->run(c, false);
	report(r, s->name, s->path);
	if (s->dev_prop && r != SKIP)
		diag("%s: its negative control needs the device property %s "
		     "(svm-dma-test --device-negative in a guest booted with it)",
		     s->name, s->dev_prop);
	if (!s->knob || r == SKIP)
		return;
	run_knob_negative(c, s);
}

/* The negative control of a scenario whose broken behaviour is the device's. */
static void run_device_negative(struct ctx *c, const struct scenario *s)
{
	char what[160];
	int r;

	if (!s->dev_prop) {
		diag("%s has no device-property negative control", s->name);
		report(FAIL, s->name, "negative control");
		return;
	}
	running = s->name;
	alarm(SCENARIO_SECONDS);
	svmedu_set_policy(&c->dev, "report");
	if (needs_device(s)) {
		/* Both runs need the device; the negative control is the knob's. */
		r = s->run(c, false);
		report(r == SKIP ? FAIL : r, s->name, s->path);
		run_knob_negative(c, s);
		return;
	}
	r = s->run(c, true);
	rebind(c);
	snprintf(what, sizeof(what),
		 "negative control: device property %s makes the checker fire",
		 s->dev_prop);
	report(r == SKIP ? FAIL : r, s->name, what);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "remove-test", no_argument, NULL, 'R' },
		{ "rmmod-after-close", required_argument, NULL, 'M' },
		{ "ioctl-fuzz", required_argument, NULL, 'F' },
		{ "kill-storm", required_argument, NULL, 'K' },
		{ "stress", required_argument, NULL, 'S' },
		{ "procs", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 'T' },
		{ "unmap-race", required_argument, NULL, 'U' },
		{ "race", required_argument, NULL, 'A' },
		{ "negative", no_argument, NULL, 'N' },
		{ "device-negative", no_argument, NULL, 'D' },
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct scenario *s;
	struct ctx c = { .seed = 1 };
	struct stress_args sa = { .procs = 4, .threads = 2 };
	int opt, repeat = 1, i, err, fuzz = 0, storm = 0, race = 0;
	bool list = false, dev_negative = false;
	const char *race_name = NULL;

	while ((opt = getopt_long(argc, argv, "lr:s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'r':
			repeat = atoi(optarg);
			break;
		case 's':
			c.seed = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			return remove_test();
		case 'M':
			return rmmod_after_close(atoi(optarg));
		case 'F':
			fuzz = atoi(optarg);
			break;
		case 'K':
			storm = atoi(optarg);
			break;
		case 'S':
			sa.seconds = atoi(optarg);
			break;
		case 'P':
			sa.procs = atoi(optarg);
			break;
		case 'T':
			sa.threads = atoi(optarg);
			break;
		case 'U':
			race = atoi(optarg);
			break;
		case 'A':
			race_name = optarg;
			break;
		case 'N':
			sa.negative = true;
			break;
		case 'D':
			dev_negative = true;
			break;
		case 'm':
			if (!strcmp(optarg, "shadow")) {
				shadow_mode = true;
			} else if (strcmp(optarg, "sva")) {
				fprintf(stderr, "svm-dma-test: --mode sva|shadow\n");
				return 2;
			}
			/* svmedu_bind() follows it, in children too. */
			setenv("SVMEDU_BIND_MODE", optarg, 1);
			break;
		default:
			fprintf(stderr, "usage: svm-dma-test [--mode sva|shadow] [--list] [--repeat N] [--seed S] [SCENARIO...]\n"
				"       svm-dma-test --device-negative SCENARIO...\n"
				"       svm-dma-test --remove-test | --rmmod-after-close ROUNDS\n"
				"       svm-dma-test --ioctl-fuzz SECONDS | --kill-storm PROCESSES\n"
				"       svm-dma-test --stress SECONDS [--procs N] [--threads N] [--negative]\n"
				"       svm-dma-test --unmap-race ROUNDS [--negative]\n"
				"       svm-dma-test --race PATH ROUNDS [--negative]\n"
				"         PATH: munmap mprotect dontneed free mremap move-pages cow\n"
				"               thp-split thp-collapse ksm hugetlb zap exit\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (race_name) {
		/* ROUNDS is the operand after PATH. */
		if (argc != 1 || atoi(argv[0]) <= 0) {
			fprintf(stderr, "svm-dma-test: --race PATH ROUNDS\n");
			return 2;
		}
		race = atoi(argv[0]);
		argc = 0;
	}
	if (list) {
		for_each_scenario(s)
			printf("%-22s %-22s %s\n", s->name,
			       s->dev_prop ? s->dev_prop : s->knob ? s->knob : "-",
			       s->path);
		return 0;
	}
	for (i = 0; i < argc; i++) {
		bool known = false;

		for_each_scenario(s)
			known = known || !strcmp(s->name, argv[i]);
		if (!known) {
			fprintf(stderr, "svm-dma-test: no scenario '%s' (--list)\n", argv[i]);
			return 2;
		}
	}

	c.page = sysconf(_SC_PAGESIZE);
	signal(SIGALRM, timeout);
	err = svmedu_open(&c.dev, 0);
	if (!err)
		err = svmedu_bind(&c.dev);
	if (err == -EOPNOTSUPP && shadow_mode) {
		/* No CONFIG_HMM_MIRROR, or a device without shadow tables. */
		printf("1..0 # SKIP shadow mode: the driver says %s\n",
		       strerror(-err));
		return 0;
	}
	if (err) {
		printf("not ok 1 - open and bind /dev/svm-edu0: %s\n", strerror(-err));
		return 1;
	}
	shadow_records(&c.dev);
	diag("PASID %u, seed %u, mode %s", c.dev.pasid, c.seed,
	     shadow_mode ? "shadow" : "sva");
	if (fuzz)
		return ioctl_fuzz(&c, fuzz);
	if (storm)
		return kill_storm(&c, storm);
	if (sa.seconds)
		return stress(&c, &sa);
	if (race_name)
		return race_path(&c, race_name, race, sa.negative);
	if (race)
		return unmap_race(&c, race, sa.negative, "skip_flush");
	if (dev_negative && !argc) {
		printf("not ok 1 - --device-negative needs scenario names\n");
		return 1;
	}
	for (i = 0; i < repeat; i++)
		for_each_scenario(s)
			if (selected(s->name, argc, argv)) {
				if (dev_negative)
					run_device_negative(&c, s);
				else
					run(&c, s);
			}
	printf("1..%d\n", tap_n);
	svmedu_close(&c.dev);
	return tap_failed ? 1 : 0;
}
