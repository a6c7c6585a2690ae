// SPDX-License-Identifier: MIT
/*
 * svm-dma-test: proves that the svm_edu driver keeps the device IOTLB
 * coherent on every kernel path that changes a mapping. TAP output; the
 * scenarios run on the test harness (scenario_run.c), one forked test per
 * run, named scenario.VARIANT.SCENARIO.
 *
 * usage: svm-dma-test [--mode sva|shadow] [--list|--list-tests] [--repeat N]
 *                     [--seed S] [-f|-v|-t|-F|-V|-T NAME] [-r FULL.NAME]
 *                     [SCENARIO...]
 *        svm-dma-test --device-negative SCENARIO...
 *        svm-dma-test --remove-test | --rmmod-after-close ROUNDS
 *        svm-dma-test --ioctl-fuzz SECONDS | --kill-storm PROCESSES
 *        svm-dma-test --stress SECONDS [--procs N] [--threads N] [--negative]
 *        svm-dma-test --unmap-race ROUNDS [--negative]
 *        svm-dma-test --race PATH ROUNDS [--negative]
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmatest.h"
#include "svm_test_harness.h"

static const struct scenario *const groups[] = {
	scen_basic, scen_unmap, scen_prot, scen_cow, scen_numa, scen_huge,
	scen_ksm, scen_zap, scen_exit, scen_fault, scen_badinput, scen_isolation,
	scen_lifecycle, scen_lc_prq, scen_lc_entry, scen_lc_iq,
	scen_lc_fence, scen_ranges, scen_shadow, scen_shadow_only,
	scen_walkcache,
};

#define for_each_scenario(s)						\
	for (size_t g_ = 0; g_ < sizeof(groups) / sizeof(groups[0]); g_++) \
		for (s = groups[g_]; s->name; s++)

static bool is_named(const char *name, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "repeat", required_argument, NULL, 1 },
		{ "seed", required_argument, NULL, 's' },
		{ "remove-test", no_argument, NULL, 'R' },
		{ "rmmod-after-close", required_argument, NULL, 'M' },
		{ "ioctl-fuzz", required_argument, NULL, 2 },
		{ "kill-storm", required_argument, NULL, 'K' },
		{ "stress", required_argument, NULL, 'S' },
		{ "procs", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 3 },
		{ "unmap-race", required_argument, NULL, 'U' },
		{ "race", required_argument, NULL, 'A' },
		{ "negative", no_argument, NULL, 'N' },
		{ "device-negative", no_argument, NULL, 'D' },
		{ "list-tests", no_argument, NULL, 'L' },
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct scenario *s;
	struct ctx c = { .seed = 1 };
	struct stress_args sa = { .procs = 4, .threads = 2 };
	int opt, repeat = 1, i, err, fuzz = 0, storm = 0, race = 0;
	bool list = false, list_tests = false, dev_negative = false;
	const char *race_name = NULL;

	/* -r is the harness's (kselftest's), --repeat has no short form. */
	while ((opt = getopt_long(argc, argv, "ls:hf:v:t:F:V:T:r:", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'L':
			list_tests = true;
			break;
		case 'f': case 'v': case 't': case 'F': case 'V': case 'T': case 'r':
			th_filter(opt, optarg);
			break;
		case 1:
			repeat = atoi(optarg);
			break;
		case 's':
			c.seed = strtoul(optarg, NULL, 0);
			scenario_seed = c.seed;
			break;
		case 'R':
			ksft_print_header();
			return remove_test();
		case 'M':
			ksft_print_header();
			return rmmod_after_close(atoi(optarg));
		case 2:
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
		case 3:
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
			fprintf(stderr, "usage: svm-dma-test [--mode sva|shadow] [--list|--list-tests] [--repeat N]\n"
				"                    [--seed S] [-f|-v|-t|-F|-V|-T NAME] [-r FULL.NAME] [SCENARIO...]\n"
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

	if (dev_negative && !argc) {
		ksft_print_header();
		ksft_test_result_fail("--device-negative needs scenario names");
		return ksft_finished();
	}
	if (!fuzz && !storm && !sa.seconds && !race_name && !race) {
		/* The scenarios named, every one when none. */
		if (!list_tests)
			ksft_print_header();	/* before add_scenario()'s # lines */
		for (i = 0; i < repeat; i++)
			for_each_scenario(s)
				if (!argc || is_named(s->name, argc, argv))
					add_scenario(s, dev_negative);
		if (list_tests) {
			th_list();
			return 0;
		}
		return th_run();
	}

	/*
	 * The other runs report the checks of one run (ksft_*, plan at the
	 * end), with one binding for all of it.
	 */
	ksft_print_header();
	c.page = sysconf(_SC_PAGESIZE);
	err = svmedu_open(&c.dev, 0);
	if (!err)
		err = svmedu_bind(&c.dev);
	if (err == -EOPNOTSUPP && shadow_mode) {
		/* No CONFIG_HMM_MIRROR, or a device without shadow tables. */
		ksft_test_result_skip("shadow mode: the driver says it has none",
				      "open and bind /dev/svm-edu0");
		return ksft_finished();
	}
	if (err) {
		ksft_test_result_fail("open and bind /dev/svm-edu0: %s", strerror(-err));
		return ksft_finished();
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
	return unmap_race(&c, race, sa.negative, "skip_flush");
}
