// SPDX-License-Identifier: MIT
/*
 * svm-dma-test --ioctl-fuzz SECONDS and --kill-storm N: bounded robustness
 * runs. Random ioctls (commands, sizes, pointers, flags, descriptors) from
 * two threads while a third binds, unbinds, closes and reopens; and many
 * processes killed with SIGKILL in the middle of DMA and page faults.
 * Afterwards the device must still work and every PASID must be unbound.
 * DMA addresses are inside a scratch buffer fenced by PROT_NONE guard pages
 * (a DMA stops at the first page it cannot access), or invalid, so that
 * the fuzzer cannot corrupt itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"
#include "svm_test_harness.h"

#define SCRATCH	(256 * 1024)
#define NFDS	4

static uint8_t *scratch;
static int fds[NFDS];
static volatile int stop;
static unsigned long calls;

static uint64_t rnd(unsigned int *seed)
{
	return (uint64_t)rand_r(seed) << 32 ^ rand_r(seed);
}

/* An address: in the scratch buffer, or one the driver must refuse. */
static uint64_t addr(unsigned int *seed)
{
	static const uint64_t bad[] = {
		0, 8, 0xffff888000000000ull, 0xffffffff81000000ull,
		0x0000800000000000ull, ~0ull, 0x7ffffffff000ull,
	};
	uint64_t r = rnd(seed);

	if (r % 4 == 0)
		return bad[(r >> 8) % (sizeof(bad) / sizeof(bad[0]))];
	return (uintptr_t)scratch + (r >> 8) % SCRATCH;
}

static void *fuzzer(void *arg)
{
	static const unsigned long cmds[] = {
		SVM_EDU_IOC_INFO, SVM_EDU_IOC_BIND, SVM_EDU_IOC_UNBIND,
		SVM_EDU_IOC_SUBMIT, SVM_EDU_IOC_WAIT, SVM_EDU_IOC_ZAP,
	};
	unsigned int seed = (uintptr_t)arg;
	uint8_t arg_buf[128] __attribute__((aligned(64)));

	while (!stop) {
		int fd = fds[rand_r(&seed) % NFDS];
		unsigned long cmd = cmds[rand_r(&seed) % 6];
		struct svm_edu_udesc *d = (void *)(scratch + SCRATCH - 64 * 64);
		unsigned int i;

		if (rand_r(&seed) % 8 == 0)
			cmd = _IOC(rand_r(&seed) % 4, 'S', rand_r(&seed) % 16,
				   rand_r(&seed) % 256);
		for (i = 0; i < sizeof(arg_buf); i += 8) {
			uint64_t v = rand_r(&seed) % 3 ? rnd(&seed) : addr(&seed);

			memcpy(arg_buf + i, &v, 8);
		}
		/* Mostly the right size, so the deeper checks run too. */
		if (rand_r(&seed) % 4)
			memcpy(arg_buf, &(uint32_t){ _IOC_SIZE(cmd) }, 4);
		if (cmd == SVM_EDU_IOC_SUBMIT) {
			uint64_t p = (uintptr_t)d;

			memcpy(arg_buf + 8, &p, 8);
			memcpy(arg_buf + 4, &(uint32_t){ rand_r(&seed) % 66 }, 4);
			memset(arg_buf + 16, 0, 8);
			for (i = 0; i < 64; i++) {
				memset(&d[i], 0, sizeof(d[i]));
				d[i].opcode = rand_r(&seed) % 5;
				d[i].flags = rand_r(&seed) % 8;
				d[i].src = addr(&seed);
				d[i].dst = addr(&seed);
				d[i].len = rand_r(&seed) % 3 ? (uint32_t)(rand_r(&seed) % 8192) :
					   (uint32_t)rnd(&seed);
				d[i].completion = addr(&seed) & ~31ull;
				if (rand_r(&seed) % 16 == 0)
					d[i].reserved1 = 1;
			}
		}
		if (cmd == SVM_EDU_IOC_WAIT)
			memcpy(arg_buf + 4, &(uint32_t){ rand_r(&seed) % 3 }, 4);
		ioctl(fd, cmd, rand_r(&seed) % 16 ? (void *)arg_buf :
		      (void *)(uintptr_t)addr(&seed));
		__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int ioctl_fuzz(struct ctx *c, unsigned int seconds)
{
	pthread_t t[2];
	time_t end = time(NULL) + seconds;
	unsigned int seed = c->seed;
	int i;
	uint64_t stale = hw(c, "stale");

	scratch = mmap(NULL, SCRATCH + 2 * 4096, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	scratch += 4096;
	mprotect(scratch, SCRATCH, PROT_READ | PROT_WRITE);
	memset(scratch, 0, SCRATCH);
	for (i = 0; i < NFDS; i++)
		fds[i] = open("/dev/svm-edu0", O_RDWR);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, fuzzer, (void *)(uintptr_t)(seed + i + 1));
	/* The third thread: bind, unbind, close and reopen under their feet. */
	while (time(NULL) < end) {
		int k = rand_r(&seed) % NFDS, old;
		struct svm_edu_bind b = { .size = sizeof(b) };

		switch (rand_r(&seed) % 3) {
		case 0:
			old = fds[k];
			fds[k] = open("/dev/svm-edu0", O_RDWR);
			close(old);
			break;
		case 1:
			ioctl(fds[k], SVM_EDU_IOC_BIND, &b);
			break;
		default:
			ioctl(fds[k], SVM_EDU_IOC_UNBIND);
			break;
		}
		usleep(1000);
	}
	stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NFDS; i++)
		close(fds[i]);
	diag("%lu random ioctls in %u s", calls, seconds);
	ksft_test_result(calls > 0, "ioctl fuzz: the kernel survived");
	ksft_test_result(device_works(c), "ioctl fuzz: the device still works");
	ksft_test_result(hw(c, "stale") == stale, "ioctl fuzz: no stale access");
	return ksft_finished();
}

int kill_storm(struct ctx *c, unsigned int procs)
{
	uint64_t binds = drv(c, "binds"), unbinds = drv(c, "unbinds");
	uint64_t stale = hw(c, "stale");
	unsigned int seed = c->seed, i, killed = 0;

	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct svmedu d;
			uint8_t *a = map_pages(64), *u = mmap(NULL, 1 << 20,
				PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			struct svm_edu_udesc desc[2] = {
				{ .opcode = SVM_EDU_OP_FILL, .dst = (uintptr_t)u, .len = 1 << 20,
				  .flags = SVM_EDU_UDESC_F_BLOCK_ON_FAULT },
				{ .opcode = SVM_EDU_OP_COPY, .src = (uintptr_t)a,
				  .dst = (uintptr_t)a + 128 * 1024, .len = 64 * 1024 },
			};

			if (svmedu_open(&d, 0) || svmedu_bind(&d))
				_exit(1);
			for (;;)
				svmedu_submit(&d, desc, 2);
		}
		if (pid < 0)
			break;
		usleep(rand_r(&seed) % 20000);
		kill(pid, SIGKILL);
		killed += waitpid(pid, NULL, 0) == pid;
	}
	diag("%u processes killed with SIGKILL mid-DMA", killed);
	ksft_test_result(killed == procs, "kill storm: every process killed");
	ksft_test_result(device_works(c), "kill storm: the device still works");
	ksft_test_result(drv(c, "binds") - binds == drv(c, "unbinds") - unbinds,
			 "kill storm: every PASID unbound");
	ksft_test_result(hw(c, "stale") == stale, "kill storm: no stale access");
	return ksft_finished();
}
