// SPDX-License-Identifier: MIT
/*
 * A program built the way a user of an installed libsvmedu builds one:
 * $(pkg-config --cflags --libs svmedu), linked against the shared library.
 * In the guest it copies a buffer by DMA and prints TAP.
 */
#include <stdio.h>
#include <string.h>

#include <svmedu.h>

int main(void)
{
	static struct svm_edu_completion rec __attribute__((aligned(32)));
	static char src[8192], dst[8192];
	struct svmedu d;
	int ret;

	ret = svmedu_open(&d, 0);
	if (!ret)
		ret = svmedu_bind(&d);
	printf("%s 1 - shared libsvmedu opens and binds /dev/svm-edu0 (%d)\n",
	       ret ? "not ok" : "ok", ret);
	if (ret)
		return 1;
	/* Both buffers present and writable: no page faults to resolve. */
	memset(src, 0xa5, sizeof(src));
	memset(dst, 0x5a, sizeof(dst));
	ret = svmedu_copy(&d, dst, src, sizeof(src), &rec, 0);
	if (!ret)
		ret = svmedu_wait(&d, &rec, 5000);	/* the status, or -errno */
	printf("%s 2 - shared libsvmedu copies 8 KiB by DMA (%s)\n",
	       ret == SVM_EDU_CS_SUCCESS && !memcmp(src, dst, sizeof(src)) ?
	       "ok" : "not ok", ret > 0 ? svmedu_status_name(ret) : strerror(-ret));
	ret = ret == SVM_EDU_CS_SUCCESS && !memcmp(src, dst, sizeof(src));
	svmedu_close(&d);
	return ret ? 0 : 1;
}
