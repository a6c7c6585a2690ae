// SPDX-License-Identifier: MIT
/*
 * The register map of docs/hw-spec.md against the device's register table
 * (svm_edu_regs[], qemu-device/svm-edu-regs.c): same registers, offsets,
 * access, width and reset value. And the table against the device: right
 * after reset, with the default properties, every register reads its
 * reset value.
 *
 * The doc is found from the binary (build/tests/ -> docs/), or given as
 * the first argument.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_guest.h"
#include "tap.h"

#define MAX_ROWS 64

struct row {
	char name[32], access[8], width[8];
	unsigned long off;
	unsigned long long reset;
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
		*--e = 0;
	return s;
}

/* The rows of the "BAR0 register map" table; -1 if the doc is unreadable. */
static int read_doc(const char *path, struct row *rows)
{
	char line[1024], *cell[6];
	bool in = false;
	int n = 0, i;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < MAX_ROWS) {
		if (!strncmp(line, "## ", 3) || !strncmp(line, "### ", 4))
			in = !strcmp(line, "## BAR0 register map\n");
		if (!in || strncmp(line, "| 0x", 4))
			continue;
		cell[0] = strtok(line + 1, "|");
		for (i = 1; i < 6 && cell[i - 1]; i++)
			cell[i] = strtok(NULL, "|");
		if (!cell[5])
			continue;
		rows[n].off = strtoul(trim(cell[0]), NULL, 0);
		snprintf(rows[n].name, sizeof(rows[n].name), "%s", trim(cell[1]));
		snprintf(rows[n].access, sizeof(rows[n].access), "%s", trim(cell[2]));
		snprintf(rows[n].width, sizeof(rows[n].width), "%s", trim(cell[3]));
		rows[n].reset = strtoull(trim(cell[4]), NULL, 0);
		n++;
	}
	fclose(f);
	return n;
}

static const char *doc_path(int argc, char **argv)
{
	static char path[PATH_MAX];
	ssize_t len;
	char *slash;
	int up;

	if (argc > 1)
		return argv[1];
	len = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (len < 0)
		return "docs/hw-spec.md";
	path[len] = 0;
	for (up = 0; up < 3 && (slash = strrchr(path, '/')); up++)
		*slash = 0;		/* .../build/tests/test_regtable -> ... */
	strcat(path, "/docs/hw-spec.md");
	return path;
}

static void check_doc(const struct row *rows, int n)
{
	bool seen[MAX_ROWS] = { false };
	size_t i;
	int j;

	for (i = 0; i < svm_edu_nr_regs; i++) {
		const SvmEduRegInfo *r = &svm_edu_regs[i];
		char width[8];

		snprintf(width, sizeof(width), r->width ? "%u" : "-", r->width);
		for (j = 0; j < n && strcmp(rows[j].name, r->name); j++)
			;
		if (!ok(j < n, "%s is in the doc's table", r->name))
			continue;
		seen[j] = true;
		if (!ok(rows[j].off == r->addr &&
			!strcmp(rows[j].access, svm_edu_reg_access_name(r->access)) &&
			!strcmp(rows[j].width, width) && rows[j].reset == r->reset,
			"%s: offset, access, width, reset agree", r->name))
			printf("#   doc 0x%03lx %s %s 0x%llx, device 0x%03x %s %s 0x%llx\n",
			       rows[j].off, rows[j].access, rows[j].width,
			       rows[j].reset, r->addr,
			       svm_edu_reg_access_name(r->access), width,
			       (unsigned long long)r->reset);
	}
	for (j = 0; j < n; j++)
		if (!seen[j])
			ok(0, "doc register %s (0x%03lx) is in the device's table",
			   rows[j].name, rows[j].off);
}

/* The table's own rules: in order, apart, in BAR0, each access complete. */
static void check_table(void)
{
	unsigned bad = 0;
	size_t i;

	for (i = 0; i < svm_edu_nr_regs; i++) {
		const SvmEduRegInfo *r = &svm_edu_regs[i];
		bool wr = r->write || r->field;

		if ((i && r->addr < svm_edu_regs[i - 1].addr +
		     svm_edu_regs[i - 1].size) ||
		    r->addr % (r->width == 32 ? 4 : 8) ||
		    r->addr + r->size > SVM_EDU_BAR0_SIZE ||
		    (r->access == SVM_EDU_ACC_RO && r->write) ||
		    (r->access == SVM_EDU_ACC_WO && !r->write) ||
		    (r->access == SVM_EDU_ACC_RW && !wr) ||
		    (r->access == SVM_EDU_ACC_RW1C && !r->field)) {
			printf("#   %s breaks a rule\n", r->name);
			bad++;
		}
	}
	ok(!bad, "device table: aligned, in BAR0, no overlap, handlers match access");
}

/* Right after reset every register (every word of a block) reads reset. */
static void check_reset(void)
{
	unsigned bad = 0;
	FakeGuest fg;
	size_t i;
	unsigned off;

	fg_init(&fg, NULL);		/* the QEMU properties' defaults */
	for (i = 0; i < svm_edu_nr_regs; i++) {
		const SvmEduRegInfo *r = &svm_edu_regs[i];
		unsigned step = r->width == 32 ? 4 : 8;

		for (off = 0; off < r->size; off += step) {
			uint64_t v = svm_edu_core_read(&fg.core, r->addr + off, step);

			if (v != r->reset) {
				printf("#   %s+0x%x reads 0x%llx, table says 0x%llx\n",
				       r->name, off, (unsigned long long)v,
				       (unsigned long long)r->reset);
				bad++;
			}
		}
	}
	ok(!bad, "after reset every register reads the table's reset value");
	ok(fg.guest_errors == 0, "reading every register is no guest error");
	fg_destroy(&fg);
}

int main(int argc, char **argv)
{
	struct row rows[MAX_ROWS];
	const char *path = doc_path(argc, argv);
	int n = read_doc(path, rows);

	if (!ok(n > 0, "%s has a register table (%d rows)", path, n))
		return tap_done();
	check_doc(rows, n);
	check_table();
	check_reset();
	return tap_done();
}
