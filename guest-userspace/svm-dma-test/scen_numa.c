// SPDX-License-Identifier: MIT
/*
 * Scenarios: page migration between the guest's two NUMA nodes, through
 * move_pages(2) and migrate_pages(2). Migration replaces every frame.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGES		4
#define LEN		(PAGES * 4096)
#define MPOL_MF_MOVE	(1 << 1)

static int migrate(struct ctx *c, bool negative, bool whole_process)
{
	uint8_t *p = map_pages(PAGES);
	uint64_t stale = hw(c, "stale");
	int from, to, i;

	if (nodes_online() < 2) {
		diag("one NUMA node: nothing to migrate to");
		return SKIP;
	}
	EXPECT(p, "mmap");
	EXPECT(dma_fill(c, p, pat(0x11), LEN) == SVM_EDU_CS_SUCCESS, "first FILL");
	from = node_of(p);
	EXPECT(from >= 0, "move_pages query");
	to = !from;
	if (whole_process) {
		unsigned long old_nodes = 1UL << from, new_nodes = 1UL << to;

		EXPECT(syscall(SYS_migrate_pages, 0, 8UL, &old_nodes, &new_nodes) >= 0,
		       "migrate_pages");
	} else {
		void *pages[PAGES];
		int nodes[PAGES], status[PAGES];

		for (i = 0; i < PAGES; i++) {
			pages[i] = p + i * 4096;
			nodes[i] = to;
		}
		EXPECT(syscall(SYS_move_pages, 0, (unsigned long)PAGES, pages, nodes,
			       status, MPOL_MF_MOVE) == 0, "move_pages");
	}
	for (i = 0; i < PAGES; i++)
		EXPECT(node_of(p + i * 4096) == to, "page %d on node %d, not %d", i,
		       node_of(p + i * 4096), to);
	EXPECT(all_bytes(p, LEN, 0x11), "data migrated");
	EXPECT(dma_fill(c, p, pat(0x22), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x22), "FILL after migration");
	munmap(p, LEN);
	return stale_verdict(c, stale, negative);
}

static int move_pages_scen(struct ctx *c, bool negative)
{
	return migrate(c, negative, false);
}

static int migrate_pages_scen(struct ctx *c, bool negative)
{
	return migrate(c, negative, true);
}

const struct scenario scen_numa[] = {
	{ "move-pages", "move_pages(2) of a buffer to the other NUMA node", "skip_flush", move_pages_scen, NULL },
	{ "migrate-pages", "migrate_pages(2) of the whole process to the other node", "skip_flush", migrate_pages_scen, NULL },
	{ NULL }
};
