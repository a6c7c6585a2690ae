// SPDX-License-Identifier: MIT
/*
 * The name lists of include/svm_edu_hw.h and include/uapi/svm_edu.h against
 * the docs: every table and list of those names in docs/ and man/ has
 * exactly the list's entries, with the list's values, so that neither can
 * drift from the other. Prints TAP.
 *
 * Tables are found by their header row and read up to the first line that
 * is not a row; the prose lists must contain the text the list gives.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm_edu_hw.h"
#include "uapi/svm_edu.h"

#ifndef SVM_TOP
#error "build with -DSVM_TOP=\"<source tree>\""
#endif

/* One entry of a list as the docs show it: a name and, maybe, a value. */
struct entry {
	const char *name;
	long value;
};

#define ID_VAL_(id, val, name)	{ #id, (val) },
#define NAME_VAL_(id, val, name) { name, (val) },
#define ID_IDX_(id, name)	{ #id, -1 },
#define ID_BIT_(id, bit)	{ #id, (bit) },
#define NAME_IDX_(id, name)	{ #name, -1 },

static const struct entry counters[] = { SVM_EDU_COUNTERS(ID_IDX_) };
static const struct entry counter_files[] = { SVM_EDU_COUNTERS(NAME_IDX_) };
static const struct entry drv_counters[] = { SVM_EDU_DRV_COUNTERS(NAME_IDX_) };
static const struct entry errors[] = { SVM_EDU_ERRORS(ID_BIT_) };
static const struct entry statuses[] = { SVM_EDU_COMPLETION_STATUSES(ID_VAL_) };
static const struct entry status_names[] = {
	SVM_EDU_COMPLETION_STATUSES(NAME_VAL_)
};
static const struct entry policies[] = { SVM_EDU_STALE_POLICIES(NAME_VAL_) };
static const struct entry prq_codes[] = { SVM_EDU_PRQ_RESP_CODES(NAME_VAL_) };
/*
 * CAP's fields (PASID_BITS 4:0, the walk cache's WC_LEVELS 19:17 and
 * WC_ENTRIES 31:20) share the table of its bits.
 */
static const struct entry caps[] = {
	{ "PASID_BITS", 4 }, SVM_EDU_CAPS(ID_VAL_)
	{ "WC_LEVELS", 19 }, { "WC_ENTRIES", 31 },
};
static const struct entry cap_names[] = { SVM_EDU_CAPS(NAME_VAL_) };
static const struct entry infos[] = { SVM_EDU_STALE_INFO_BITS(ID_VAL_) };
static const struct entry info_names[] = {
	SVM_EDU_STALE_INFO_BITS(NAME_VAL_)
};
static const struct entry bugs[] = { SVM_EDU_INJECT_BUGS(NAME_IDX_) };
static const struct entry knobs[] = {
	SVM_EDU_INJECT_BUGS(NAME_IDX_) SVM_EDU_INJECT_DELAYS(NAME_IDX_)
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The tables of docs/hw-spec.md: header row, name and value columns. */
static const struct {
	const char *header;
	int name_col, val_col;
	const struct entry *list;
	size_t n;
} hw_tables[] = {
	{ "| n | name | counts |", 1, 0, counters, N(counters) },
	{ "| bit | name | set when |", 1, 0, errors, N(errors) },
	{ "| bits | name | meaning |", 1, 0, caps, N(caps) },
	{ "| info bit | name | meaning |", 1, 0, infos, N(infos) },
	{ "| status | name | meaning |", 1, 0, statuses, N(statuses) },
	{ "| policy | value |", 0, 1, policies, N(policies) },
};

static int tests, failed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static char *slurp(const char *rel)
{
	char path[512];
	char *buf;
	long len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", SVM_TOP, rel);
	f = fopen(path, "r");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	buf = malloc(len + 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	buf[len] = 0;
	fclose(f);
	return buf;
}

/* The found names, with their values, of one table or What: list. */
struct found {
	int n;
	char name[128][64];
	long value[128];
};

static void add(struct found *f, const char *s, size_t len, long value)
{
	if (f->n == 128 || len >= sizeof(f->name[0]))
		return;
	memcpy(f->name[f->n], s, len);
	f->name[f->n][len] = 0;
	f->value[f->n++] = value;
}

/* Cell @col of a table row, trimmed, without `backticks`. */
static size_t cell(const char *row, int col, const char **start)
{
	const char *end;

	for (row++; col--; row++) {
		row = strchr(row, '|');
		if (!row)
			return 0;
	}
	while (*row == ' ' || *row == '`')
		row++;
	end = strchr(row, '|');
	if (!end)
		return 0;
	while (end > row && (end[-1] == ' ' || end[-1] == '`'))
		end--;
	*start = row;
	return end - row;
}

/*
 * The rows of the table whose header row starts with @header: the name in
 * column @name_col, the value (a number, or -1) in column @val_col.
 */
static bool table(const char *doc, const char *header, int name_col,
		  int val_col, struct found *f)
{
	const char *p = strstr(doc, header), *s;
	size_t len;

	f->n = 0;
	if (!p)
		return false;
	p = strchr(p, '\n');			/* the |---| line */
	p = p ? strchr(p + 1, '\n') : NULL;
	for (; p && p[1] == '|'; p = strchr(p + 1, '\n')) {
		long value = -1;

		if (val_col >= 0 && (len = cell(p + 1, val_col, &s)))
			value = strtol(s, NULL, 0);
		len = cell(p + 1, name_col, &s);
		add(f, s, len, value);
	}
	return true;
}

/* The names of every "What: <prefix><name>" line. */
static void whats(const char *doc, const char *prefix, struct found *f)
{
	const char *p = doc;
	size_t plen = strlen(prefix), len;

	f->n = 0;
	while ((p = strstr(p, "What:"))) {
		p += 5;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, prefix, plen))
			continue;
		p += plen;
		len = strcspn(p, " \t\n");
		add(f, p, len, -1);
	}
}

/*
 * Both ways: every entry of the list in @f (with its value, unless the list
 * has none: -1 then means "its index"), every row of @f in the list.
 */
static void same(const char *what, const struct entry *list, size_t n,
		 const struct found *f, bool values)
{
	size_t i;
	int j;

	for (i = 0; i < n; i++) {
		long want = list[i].value < 0 ? (long)i : list[i].value;

		for (j = 0; j < f->n; j++)
			if (!strcmp(f->name[j], list[i].name))
				break;
		if (j == f->n)
			ok(false, "%s: %s is missing", what, list[i].name);
		else if (values && f->value[j] != want)
			ok(false, "%s: %s is %ld, the list says %ld", what,
			   list[i].name, f->value[j], want);
	}
	for (j = 0; j < f->n; j++) {
		for (i = 0; i < n; i++)
			if (!strcmp(f->name[j], list[i].name))
				break;
		if (i == n)
			ok(false, "%s: %s is not in the list", what, f->name[j]);
	}
	ok((size_t)f->n == n, "%s: the %zu entries of the list, no other",
	   what, n);
}

static void check_table(const char *doc_name, const char *doc,
			const char *header, int name_col, int val_col,
			const struct entry *list, size_t n)
{
	struct found f;
	char what[160];

	snprintf(what, sizeof(what), "%s table '%s'", doc_name, header);
	if (!table(doc, header, name_col, val_col, &f)) {
		ok(false, "%s: not found", what);
		return;
	}
	same(what, list, n, &f, val_col >= 0);
}

static char *flat(const char *doc);

/*
 * The list as prose: each name between @pre and @post, joined by @sep and
 * the last two by @last, with "value " before each name if @values.
 */
static void check_text(const char *doc_name, const char *doc,
		       const struct entry *list, size_t n, const char *pre,
		       const char *post, const char *sep, const char *last,
		       bool values)
{
	char text[1024], *prose = flat(doc);
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		const char *s = !i ? "" : i + 1 == n ? last : sep;

		if (values)
			len += snprintf(text + len, sizeof(text) - len, "%s%ld %s%s%s",
					s, list[i].value, pre, list[i].name, post);
		else
			len += snprintf(text + len, sizeof(text) - len, "%s%s%s%s",
					s, pre, list[i].name, post);
	}
	ok(strstr(prose, text) != NULL, "%s says \"%s\"", doc_name, text);
	free(prose);
}

/* A copy of @doc with every run of white space one space: prose is wrapped. */
static char *flat(const char *doc)
{
	char *out = strdup(doc), *o = out;

	if (!out)
		exit(1);
	for (; *doc; doc++) {
		if (*doc != ' ' && *doc != '\t' && *doc != '\n')
			*o++ = *doc;
		else if (o == out || o[-1] != ' ')
			*o++ = ' ';
	}
	*o = 0;
	return out;
}

/* The values of a list are its indexes (enums sized by their last entry). */
static void check_dense(const char *what, const struct entry *list, size_t n)
{
	size_t i;
	bool dense = true;

	for (i = 0; i < n; i++)
		dense &= list[i].value == (long)i;
	ok(dense, "%s: values 0..%zu in order", what, n - 1);
}

int main(void)
{
	char *hw = slurp("docs/hw-spec.md");
	char *drv = slurp("docs/driver.md");
	char *sysfs = slurp("docs/ABI/testing/sysfs-driver-svm_edu");
	char *dbgfs = slurp("docs/ABI/testing/debugfs-driver-svm_edu");
	char *man4 = slurp("man/svm_edu.4.md");
	char *man8 = slurp("man/svmctl.8.md");
	char *man3 = slurp("man/libsvmedu.3.md");
	char *readme = slurp("README.md");
	struct found f;
	size_t i;

	check_dense("completion statuses", statuses, N(statuses));
	check_dense("stale policies", policies, N(policies));
	check_dense("page response codes", prq_codes, N(prq_codes));
	ok(SVM_EDU_ERR_PRQ_RESP == 1u << 10 && SVM_EDU_ERR_BAD_ACCESS == 1,
	   "error bits: SVM_EDU_ERR_<ID> is 1 << bit");
	ok(N(counters) == SVM_EDU_NR_COUNTERS &&
	   SVM_EDU_REG_COUNTERS + 8 * SVM_EDU_NR_COUNTERS <= SVM_EDU_REG_PROBE_ADDR,
	   "%zu counters fit below PROBE_ADDR", N(counters));

	/* docs/hw-spec.md: the hardware's lists. */
	for (i = 0; i < N(hw_tables); i++)
		check_table("hw-spec.md", hw, hw_tables[i].header,
			    hw_tables[i].name_col, hw_tables[i].val_col,
			    hw_tables[i].list, hw_tables[i].n);
	check_text("README.md svmctl list", readme, cap_names, N(cap_names),
		   "", "", ", ", ", ", false);
	check_text("hw-spec.md STALE_POLICY", hw, policies, N(policies),
		   "", "", ", ", ", ", true);
	check_text("hw-spec.md stale-check", hw, policies, N(policies),
		   "`", "`", ", ", ", ", false);
	check_text("hw-spec.md PRQ_RESP", hw, prq_codes, N(prq_codes),
		   "", "", ", ", ", ", true);

	/* The driver's files: docs/ABI, both ways. */
	whats(sysfs, "/sys/bus/pci/devices/<address>/hw_counters/", &f);
	same("sysfs-driver-svm_edu hw_counters/", counter_files,
	     N(counter_files), &f, false);
	whats(sysfs, "/sys/bus/pci/devices/<address>/drv_counters/", &f);
	same("sysfs-driver-svm_edu drv_counters/", drv_counters,
	     N(drv_counters), &f, false);
	whats(dbgfs, "/sys/kernel/debug/svm_edu/inject/", &f);
	same("debugfs-driver-svm_edu inject/", knobs, N(knobs), &f, false);
	check_text("debugfs-driver-svm_edu stale_policy", dbgfs, policies,
		   N(policies), "", "", ", ", " or ", false);

	/* docs/driver.md */
	check_table("driver.md", drv, "| counter | counts |", 0, -1,
		    drv_counters, N(drv_counters));
	check_table("driver.md", drv, "| knob | bug | caught by |", 0, -1,
		    bugs, N(bugs));
	check_text("driver.md stale_policy", drv, policies, N(policies),
		   "`", "`", ", ", ", ", false);

	/* man pages */
	check_text("svm_edu.4 stale_policy", man4, policies, N(policies),
		   "`", "`", ", ", ", ", false);
	check_text("svm_edu.4 inject", man4, bugs, N(bugs), "`", "`", ", ",
		   ", ", false);
	check_text("svmctl.8 policy", man8, policies, N(policies), "", "",
		   "|", "|", false);
	check_text("svmctl.8 inject", man8, bugs, N(bugs), "`", "`", ", ",
		   ", ", false);
	/* bit 0 is read or write; the kinds follow */
	check_text("svmctl.8 stale", man8, info_names + 1, N(info_names) - 1,
		   "`", "`", ", ", ", ", false);
	check_text("libsvmedu.3 svmedu_status_name", man3, status_names,
		   N(status_names), "`", "`", ", ", ", ", false);

	printf("1..%d\n", tests);
	return failed != 0;
}
