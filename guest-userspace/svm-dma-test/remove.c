// SPDX-License-Identifier: MIT
/*
 * svm-dma-test --remove-test: unbind the PCI function from the driver while
 * a process is bound with DMA in flight, then bind it again. Runs on its
 * own: it takes the device away from everybody.
 *
 * lc-info-after-remove (issue 13, finding 6) is part of it: INFO on a
 * bound file, from a thread looping on it across the removal and once
 * after it, must answer ENODEV once the device is gone, never a PASID
 * read from the binding that the removal freed (66b4d52 did).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmatest.h"
#include "svm_test_harness.h"

int pci_addr(char *buf, size_t len)
{
	ssize_t n = readlink("/sys/class/misc/svm-edu0/device", buf, len - 1);
	char *slash;

	if (n < 0)
		return -errno;
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (slash)
		memmove(buf, slash + 1, strlen(slash));
	return 0;
}

static void tap(bool ok, const char *what)
{
	ksft_test_result(ok, "remove: %s", what);
}

/* INFO on the bound file, in a loop, while the function goes away. */
struct info_loop {
	int fd;
	atomic_int stop;
	atomic_int gone;		/* the unbind has returned */
	unsigned long calls, enodev, late;	/* late: a PASID after gone */
	uint32_t late_pasid;
};

static int info_once(int fd, uint32_t *pasid)
{
	struct svm_edu_info info = { .size = sizeof(info) };

	if (ioctl(fd, SVM_EDU_IOC_INFO, &info))
		return -errno;
	*pasid = info.pasid;
	return 0;
}

static void *info_loop(void *arg)
{
	struct info_loop *l = arg;
	uint32_t pasid = 0;
	int gone, r;

	while (!atomic_load(&l->stop)) {
		gone = atomic_load(&l->gone);
		r = info_once(l->fd, &pasid);
		l->calls++;
		if (r == -ENODEV) {
			l->enodev++;
		} else if (gone && !r && pasid) {
			l->late++;
			l->late_pasid = pasid;
		}
	}
	return NULL;
}

int remove_test(void)
{
	struct info_loop il = { 0 };
	pthread_t info_thread;
	uint32_t pasid = 0;
	int info_err, thread_ok;
	size_t len = 16 << 20;
	struct svm_edu_completion *rec = record(6);
	char addr[64];
	struct svmedu d;
	void *src, *dst;
	int i;
	pid_t pid;

	if (pci_addr(addr, sizeof(addr)) || svmedu_open(&d, 0) ||
	    svmedu_bind(&d)) {
		ksft_test_result_fail("remove: setup");
		return ksft_finished();
	}
	src = map_pages(len / 4096);
	dst = map_pages(len / 4096);
	tap(src && dst && !svmedu_copy(&d, dst, src, len, rec, 0),
	    "a bound process starts a 16 MiB copy");
	il.fd = d.fd;
	thread_ok = !pthread_create(&info_thread, NULL, info_loop, &il);
	pid = fork();
	if (pid == 0)
		_exit(svmedu_write_file("/sys/bus/pci/drivers/svm_edu/unbind", addr) ? 1 : 0);
	tap(pid > 0 && waitpid(pid, &i, 0) == pid && WIFEXITED(i) &&
	    WEXITSTATUS(i) == 0, "the PCI function is unbound meanwhile");
	atomic_store(&il.gone, 1);
	usleep(50000);
	atomic_store(&il.stop, 1);
	if (thread_ok)
		pthread_join(info_thread, NULL);
	info_err = info_once(d.fd, &pasid);
	diag("lc-info-after-remove: %lu INFO calls across the removal, %lu ENODEV, %lu with a PASID after it; after it: %s (PASID %u)",
	     il.calls, il.enodev, il.late, info_err ? strerror(-info_err) : "success",
	     pasid);
	tap(thread_ok && il.enodev && !il.late && info_err == -ENODEV,
	    "lc-info-after-remove: INFO on the bound file answers ENODEV, no PASID of the freed binding");
	tap(access("/dev/svm-edu0", F_OK) != 0, "the device node is gone");
	tap(svmedu_submit(&d, &(struct svm_edu_udesc){ .opcode = SVM_EDU_OP_NOP }, 1) == -ENODEV,
	    "the open file gets ENODEV for SUBMIT");
	tap(svmedu_wait(&d, rec, 10) == -ENODEV || rec->status,
	    "WAIT does not hang on a removed device");
	svmedu_close(&d);
	tap(svmedu_write_file("/sys/bus/pci/drivers/svm_edu/bind", addr) == 0,
	    "the function binds again");
	for (i = 0; i < 50 && access("/dev/svm-edu0", F_OK); i++)
		usleep(100000);
	/* fork() made our pages copy-on-write: write before the device does. */
	memset(dst, 0, 4096);
	i = svmedu_open(&d, 0);
	if (!i)
		i = svmedu_bind(&d);
	if (!i)
		i = svmedu_fill(&d, dst, 0x77, 4096, rec, SVM_EDU_UDESC_F_IRQ);
	if (!i)
		i = svmedu_wait(&d, rec, 20000);
	if (i != SVM_EDU_CS_SUCCESS)
		diag("after rebind: %d (%s)", i, i < 0 ? strerror(-i) :
		     svmedu_status_name(i));
	tap(i == SVM_EDU_CS_SUCCESS, "and works: bind and DMA on the new instance");
	svmedu_close(&d);
	return ksft_finished();
}
