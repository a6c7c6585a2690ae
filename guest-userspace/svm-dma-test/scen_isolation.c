// SPDX-License-Identifier: MIT
/*
 * Scenarios: isolation. A file reaches only the address space that bound
 * it; another process's memory, kernel addresses and the addresses around
 * the top of user space are out of reach; the PASID of a process that
 * exited has nothing left in the IOTLB, and when the next process gets the
 * same PASID it starts from nothing; INFO copies out no stale bytes.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmatest.h"

static int submit_one(struct svmedu *d, struct svm_edu_udesc u)
{
	return svmedu_submit(d, &u, 1);
}

/* Child side of other_process(): report on @out, exit 0 when all held. */
static void passed_file_child(struct ctx *c, uint8_t *hole, int in, int out)
{
	struct svm_edu_bind b = { .size = sizeof(b) };
	uint8_t ok = 1;
	char go;

	/* The file is bound to the parent's mm: not ours to use. */
	ok &= submit_one(&c->dev, (struct svm_edu_udesc){
			 .opcode = SVM_EDU_OP_NOP }) == -EPERM;
	ok &= ioctl(c->dev.fd, SVM_EDU_IOC_BIND, &b) < 0 && errno == EBUSY;
	/* Memory at an address the parent has no mapping at. */
	ok &= mmap(hole, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == hole;
	memset(hole, 0xc5, 4096);
	if (write(out, &ok, 1) != 1 || read(in, &go, 1) != 1)
		_exit(2);
	_exit(ok && all_bytes(hole, 4096, 0xc5) ? 0 : 1);
}

static int other_process(struct ctx *c, bool negative)
{
	uint8_t *hole = map_pages(1), *buf = map_pages(1), ok = 0;
	uint64_t stale = hw(c, "stale");
	int to_child[2], from_child[2], st, wstatus;
	pid_t pid;

	(void)negative;
	EXPECT(hole && buf && !pipe(to_child) && !pipe(from_child), "setup");
	munmap(hole, 4096);
	pid = fork();
	if (pid == 0)
		passed_file_child(c, hole, to_child[0], from_child[1]);
	EXPECT(pid > 0, "fork");
	EXPECT(read(from_child[0], &ok, 1) == 1, "child answered");
	EXPECT(ok, "a file inherited by fork: SUBMIT is not EPERM or BIND not EBUSY");
	/* The child's page at @hole is not ours: the device must not see it. */
	st = dma_copy(c, buf, hole, 4096);
	EXPECT(st == SVM_EDU_CS_PAGE_FAULT, "COPY from the child's address: %s",
	       svmedu_status_name(st));
	st = dma_fill(c, hole, pat(0x11), 4096);
	EXPECT(st == SVM_EDU_CS_PAGE_FAULT, "FILL at the child's address: %s",
	       svmedu_status_name(st));
	EXPECT(write(to_child[1], "g", 1) == 1, "pipe");
	EXPECT(waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus) &&
	       WEXITSTATUS(wstatus) == 0, "the child's page changed (%#x)", wstatus);
	EXPECT(all_bytes(buf, 4096, 0x5a), "the child's data reached us");
	close(to_child[0]);
	close(to_child[1]);
	close(from_child[0]);
	close(from_child[1]);
	munmap(buf, 4096);
	return stale_verdict(c, stale, false);
}

/* Addresses the driver must refuse before the device sees them. */
static int out_of_reach(struct ctx *c, bool negative)
{
	static const uint64_t bad[] = {
		0xffff888000000000ull,	/* the direct map */
		0xffffffff81000000ull,	/* kernel text */
		0xffffffffff600000ull,	/* vsyscall page */
		/* Above user space with 4- and with 5-level paging (-cpu max). */
		0x0100000000000000ull,
	};
	uint8_t *buf = map_pages(1);
	unsigned int i;

	(void)negative;
	EXPECT(buf, "mmap");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT(submit_one(&c->dev, (struct svm_edu_udesc){
			.opcode = SVM_EDU_OP_FILL, .dst = bad[i], .len = 8 }) == -EFAULT,
		       "FILL at %#llx not EFAULT", (unsigned long long)bad[i]);
		EXPECT(submit_one(&c->dev, (struct svm_edu_udesc){
			.opcode = SVM_EDU_OP_COPY, .src = bad[i],
			.dst = (uintptr_t)buf, .len = 8 }) == -EFAULT,
		       "COPY from %#llx not EFAULT", (unsigned long long)bad[i]);
		EXPECT(submit_one(&c->dev, (struct svm_edu_udesc){
			.opcode = SVM_EDU_OP_NOP, .completion = bad[i] & ~31ull }) == -EFAULT,
		       "completion record at %#llx not EFAULT", (unsigned long long)bad[i]);
	}
	/* A range that starts below 2^56 and ends above it. */
	EXPECT(submit_one(&c->dev, (struct svm_edu_udesc){
		.opcode = SVM_EDU_OP_FILL, .dst = 0x00fffffffffff000ull,
		.len = 8192 }) == -EFAULT, "FILL across the top of user space");
	munmap(buf, 4096);
	return PASS;
}

/* What a child of pasid_reuse() saw. */
struct child_report {
	uint32_t pasid;		/* 0: bind or DMA failed */
	uint32_t cached_at_bind;	/* the IOTLB had @buf for it before its DMA */
};

/*
 * A child binds, probes the IOTLB for its PASID, DMAs into a buffer (the
 * device caches the translation) and exits; reports on @out.
 */
static void dma_and_exit(struct ctx *c, uint8_t *buf, int out)
{
	struct svm_edu_completion *rec = record(6);
	struct child_report r = { 0 };
	struct svmedu_probe pr;
	struct svmedu d;
	int st = -1;

	if (!svmedu_open(&d, 0) && !svmedu_bind(&d)) {
		r.pasid = d.pasid;
		r.cached_at_bind = svmedu_probe(&d, d.pasid, buf, &pr) || pr.hit;
		memset(rec, 0, sizeof(*rec));
		/* Block-on-fault: after fork buf and rec are copy-on-write. */
		st = svmedu_fill(&d, buf, pat(0xaa), 4096, rec,
				 SVM_EDU_UDESC_F_IRQ | SVM_EDU_UDESC_F_BLOCK_ON_FAULT);
		if (!st)
			st = svmedu_wait(&d, rec, 20000);
	}
	(void)c;
	if (st != SVM_EDU_CS_SUCCESS || !all_bytes(buf, 4096, 0xaa))
		r.pasid = 0;
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(0);	/* the file is closed by exit, after .release */
}

static struct child_report run_child(struct ctx *c, uint8_t *buf)
{
	struct child_report r = { 0 };
	int fd;
	pid_t pid = fork_reporting(&fd);

	if (pid == 0)
		dma_and_exit(c, buf, fd);
	if (!reap_report(pid, fd, &r, sizeof(r)))
		r.pasid = 0;
	return r;
}

/*
 * After a process exits its PASID has nothing cached; the next process
 * that binds it (the lowest free PASID) finds the IOTLB empty for it, and
 * this process still reaches its own memory at the same address.
 * Negative control (keep_iotlb): the second process starts with the first
 * one's translation, and its DMA through it is a stale access.
 */
static int pasid_reuse(struct ctx *c, bool negative)
{
	uint8_t *buf = map_pages(1), *copy = map_pages(1);
	uint64_t stale = hw(c, "stale");
	struct child_report first, next = { 0 };
	struct svmedu_probe pr;
	uint32_t used[40];
	bool reused = false;
	int tries, i, st;

	EXPECT(buf && copy, "mmap");
	first = run_child(c, buf);
	EXPECT(first.pasid, "the first child bound and did DMA");
	EXPECT(negative || (!svmedu_probe(&c->dev, first.pasid, buf, &pr) && !pr.hit),
	       "PASID %u of an exited process still has a translation", first.pasid);
	/*
	 * A PASID is freed after an SRCU grace period, so the next child may
	 * get another one: go on until one gets a PASID an earlier child used.
	 */
	used[0] = first.pasid;
	for (tries = 1; tries < 40 && !reused; tries++) {
		usleep(20000);
		next = run_child(c, buf);
		EXPECT(next.pasid, "child %d bound and did DMA", tries + 1);
		for (i = 0; i < tries; i++)
			reused |= used[i] == next.pasid;
		used[tries] = next.pasid;
	}
	EXPECT(reused, "no PASID came back in %d children", tries);
	EXPECT(next.cached_at_bind == negative, "the reused PASID %u started %s "
	       "a translation of the old process", next.pasid,
	       negative ? "without" : "with");
	memset(copy, 0, 4096);	/* fork made it copy-on-write */
	st = dma_copy(c, copy, buf, 4096);
	EXPECT(st == SVM_EDU_CS_SUCCESS && all_bytes(copy, 4096, 0x5a),
	       "our buffer reads as ours after the children wrote theirs");
	munmap(buf, 4096);
	munmap(copy, 4096);
	return stale_verdict(c, stale, negative);
}

/* Every byte of INFO's output is written: nothing stale reaches us. */
static int info_zeroed(struct ctx *c, bool negative)
{
	struct svm_edu_info info;
	struct svmedu unbound;
	unsigned int i;

	(void)negative;
	memset(&info, 0xa5, sizeof(info));
	info.size = sizeof(info);
	EXPECT(ioctl(c->dev.fd, SVM_EDU_IOC_INFO, &info) == 0, "INFO");
	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		EXPECT(info.reserved[i] == 0, "INFO reserved[%u] is %#x", i,
		       info.reserved[i]);
	EXPECT(info.pasid == c->dev.pasid && info.abi_version == SVM_EDU_ABI_VERSION &&
	       info.max_batch == SVM_EDU_MAX_BATCH, "INFO fields");
	EXPECT(svmedu_open(&unbound, 0) == 0, "open");
	memset(&info, 0xa5, sizeof(info));
	info.size = sizeof(info);
	EXPECT(ioctl(unbound.fd, SVM_EDU_IOC_INFO, &info) == 0 && info.pasid == 0,
	       "INFO of an unbound file: PASID %u", info.pasid);
	svmedu_close(&unbound);
	return PASS;
}

const struct scenario scen_isolation[] = {
	{ "iso-other-process", "a file inherited by fork cannot SUBMIT or BIND; another process's memory is out of reach", NULL, other_process, NULL },
	{ "iso-out-of-reach", "kernel, vsyscall and non-canonical addresses are EFAULT", NULL, out_of_reach, NULL },
	{ "iso-pasid-reuse", "an exited process's PASID has nothing cached; reused, it starts empty", "keep_iotlb", pasid_reuse, NULL },
	{ "iso-info-zeroed", "INFO writes every byte it returns", NULL, info_zeroed, NULL },
	{ NULL }
};
