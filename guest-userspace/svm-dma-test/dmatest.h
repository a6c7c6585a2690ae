/* SPDX-License-Identifier: MIT */
/*
 * svm-dma-test: shared declarations of the runner and the scenarios.
 */
#ifndef DMATEST_H
#define DMATEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "svmedu.h"

struct ctx {
	struct svmedu dev;	/* bound on /dev/svm-edu0 */
	unsigned int seed;
	long page;
};

/*
 * --mode shadow: every binding is a shadow page-table binding (the
 * environment's SVMEDU_BIND_MODE=shadow, which libsvmedu's svmedu_bind()
 * follows, also in children). The driver makes every descriptor of a
 * shadow binding block on faults: the shadow starts empty and is filled on
 * the device's page requests.
 */
extern bool shadow_mode;
/*
 * Shadow mode: fill the completion records' page(s) into @d's shadow, for
 * scenarios that count page requests or stall them; else nothing.
 */
void shadow_records(struct svmedu *d);

/*
 * A scenario exercises one kernel path. run(c, false) is the positive run:
 * data checked, no stale access. When knob is set, run(c, true) is the
 * negative control: the same steps with that fault-injection knob on, and
 * the device's checker must report stale accesses. Return PASS, FAIL or
 * SKIP (with a diag() saying why).
 */
enum { PASS, FAIL, SKIP };

struct scenario {
	const char *name;
	const char *path;	/* the kernel path it exercises */
	const char *knob;	/* fault injection for the negative control */
	int (*run)(struct ctx *c, bool negative);
	/*
	 * Or a device property that brings an old device behaviour back: the
	 * negative control then runs only with --device-negative, in a guest
	 * booted with that property on.
	 *
	 * With a knob as well, the property is not the negative control but
	 * a condition both runs need (a device that stops answering, with
	 * its value: "x-iq-stall-addr=0x..."): the ordinary run reports the
	 * scenario as SKIP, and --device-negative runs its positive run and
	 * then its negative control with the knob (needs_device()).
	 */
	const char *dev_prop;
};

static inline bool needs_device(const struct scenario *s)
{
	return s->dev_prop && s->knob;
}

/*
 * scenario_run.c: register the tests of @s on the harness (positive,
 * negative; with @dev_negative the device-property ones). The seed they
 * run with is scenario_seed.
 */
void add_scenario(const struct scenario *s, bool dev_negative);
extern unsigned int scenario_seed;

extern const struct scenario scen_basic[], scen_unmap[], scen_exit[],
	scen_badinput[], scen_cow[], scen_prot[], scen_numa[], scen_huge[],
	scen_ksm[], scen_zap[], scen_fault[], scen_isolation[], scen_lifecycle[],
	scen_lc_prq[], scen_lc_entry[], scen_lc_iq[], scen_lc_fence[], scen_ranges[],
	scen_shadow[];
/*
 * scen_shadow.c: the scenarios that need shadow bindings (--mode shadow),
 * not run at all else; shadow_only() tells them.
 */
extern const struct scenario scen_shadow_only[];
bool shadow_only(const struct scenario *s);
/* scen_prot.c: MADV_FREE, a device write, MADV_PAGEOUT (shadow-dirty) */
int shadow_dirty(struct ctx *c, bool negative);
/* scen_walkcache.c: page tables freed or moved under the walk cache */
extern const struct scenario scen_walkcache[];

/* --remove-test (remove.c), --ioctl-fuzz and --kill-storm (robust.c) */
int remove_test(void);
/* The PCI address of svm-edu0 ("0000:00:01.0"); 0 or -errno (remove.c). */
int pci_addr(char *buf, size_t len);
/* --rmmod-after-close (rmmod.c): runs without a binding of its own */
int rmmod_after_close(unsigned int rounds);
int ioctl_fuzz(struct ctx *c, unsigned int seconds);
int kill_storm(struct ctx *c, unsigned int procs);

/* --stress (stress.c) and --unmap-race (race.c) */
struct stress_args {
	unsigned int seconds;
	unsigned int procs;
	unsigned int threads;
	bool negative;		/* skip_flush on: the checker must fire */
};
int stress(struct ctx *c, const struct stress_args *a);
int unmap_race(struct ctx *c, unsigned int rounds, bool negative,
	       const char *knob);
/* --race PATH ROUNDS (race_run.c) */
int race_path(struct ctx *c, const char *path, unsigned int rounds,
	      bool negative);
/*
 * With flush_at_start the start callback waits this long after its flush
 * (debugfs inject/start_gap_us; race_start_gap() sets it: 0 or -errno):
 * without it the window between the flush and the page-table change is a
 * few microseconds, which a throttled engine rarely walks in
 * (docs/testing.md has the figures).
 */
#define RACE_START_GAP_US	500
int race_start_gap(unsigned int us);

/* TAP diagnostics */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last diag() line (at most 255 bytes): the reason of a SKIP. */
const char *last_diag(void);

/* Helpers (common.c) */
void *map_pages(size_t pages);		/* anonymous, touched */
void *map_pages_4k(size_t pages);	/* the same, never a THP */
/* 2 MiB, 2 MiB aligned, not touched; MADV_HUGEPAGE when @thp. */
void *map_2m_aligned(bool thp);
void fill_pattern(void *buf, size_t len, unsigned int seed);
bool check_pattern(const void *buf, size_t len, unsigned int seed);
/* Offset of the first byte that is not fill_pattern()'s, or @len. */
size_t pattern_diff(const void *buf, size_t len, unsigned int seed);
uint64_t hw(struct ctx *c, const char *counter);
uint64_t drv(struct ctx *c, const char *counter);
struct svm_edu_completion *record(unsigned int i);
/* Run one descriptor to completion; returns its status (or -errno). */
int dma_fill(struct ctx *c, void *dst, uint64_t pattern, size_t len);
int dma_copy(struct ctx *c, void *dst, const void *src, size_t len);
/*
 * The page allocator hands a just-freed frame straight back. Map a spacer
 * before freeing frames and take (touch) it after: the next allocation then
 * gets other frames, so that a surviving stale translation cannot point at
 * the right memory by chance.
 */
void *spacer_map(size_t len);
void spacer_take(void *spacer, size_t len);
bool all_bytes(const void *buf, size_t len, uint8_t val);
uint64_t pat(uint8_t byte);	/* the byte repeated 8 times */
/*
 * Queue @count COPYs (a multiple of SVM_EDU_MAX_BATCH) of @len bytes from
 * @src to @dst, without completion records: 0 or -errno.
 */
int queue_copies(struct svmedu *d, const void *src, void *dst, uint32_t len,
		 unsigned int count);
/* Defragment memory so that a THP can be had (vm.compact_memory). */
void compact_memory(void);
/* CLOCK_MONOTONIC in milliseconds */
uint64_t now_ms(void);
uint64_t now_us(void);
/* A child that writes a report to @fd and exits (scen_isolation.c...). */
pid_t fork_reporting(int *fd);
bool reap_report(pid_t pid, int fd, void *report, size_t len);
/* /sys/module/svm_edu/parameters/NAME, or @dflt when it cannot be read */
unsigned int module_param_uint(const char *name, unsigned int dflt);
/* mm_query.c: the node of a page (-1: unknown), online NUMA nodes. */
int node_of(void *p);
int nodes_online(void);
/* End of the VMA that holds @p (/proc/self/maps), 0 if none. */
uintptr_t vma_end(const void *p);
/* Write a /sys/kernel/mm/ksm/ switch: 0 or -errno. */
int ksm_write(const char *file, const char *val);
/*
 * How many of the @n pages at @p are merged into one KSM page: the same
 * frame, flagged KSM (pagemap gives the frame, kpageflags its flags; the
 * counters in /sys/kernel/mm/ksm lag behind). -1 when it cannot tell.
 */
int ksm_pages(const uint8_t *p, int n);
/* A one-page FILL works and its data arrives. */
bool device_works(struct ctx *c);
/* Stale-access verdict: positive wants none since @before, negative some. */
int stale_verdict(struct ctx *c, uint64_t before, bool negative);

#define EXPECT(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			diag("%s:%d: %s", __FILE__, __LINE__, #cond);	\
			diag(__VA_ARGS__);				\
			return FAIL;					\
		}							\
	} while (0)

#endif /* DMATEST_H */
