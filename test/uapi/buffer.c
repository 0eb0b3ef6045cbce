// SPDX-License-Identifier: Apache-2.0
/*
 * Buffer fds: BUFFER_CREATE sizes and limits, mmap (shared, zeroed, bounded), lseek (the only
 * way to learn a buffer's size), lifetime independent of the device fd.
 */
#include "ethosu_test.h"

static const uint32_t sizes[] = { 1, 12, 490, 4095, 4096, 4097, 65536, 1 << 20 };

static void create_map(int dev, uint32_t size)
{
	uint8_t *a = MAP_FAILED, *b = MAP_FAILED;
	int buf = -1;
	uint32_t i;
	off_t off;

	t_begin("buffer: %u bytes: size via lseek, zeroed, two shared mappings see each other", size);
	CHECK_SYS(buf, buf_create(dev, size));
	CHECK(fd_is_rdwr_cloexec(buf), "buffer fd is not O_RDWR + close-on-exec");
	CHECK_SYS(off, lseek(buf, 0, SEEK_END));
	CHECK_EQ(off, size);
	CHECK_SYS(off, lseek(buf, 0, SEEK_SET));
	CHECK_EQ(off, 0);
	a = buf_map(buf, size);
	CHECK(a != MAP_FAILED, "mmap %u: %s", size, strerror(errno));
	b = buf_map(buf, size);
	CHECK(b != MAP_FAILED, "second mmap %u: %s", size, strerror(errno));
	for (i = 0; i < size; i++)
		CHECK(a[i] == 0, "byte %u of a new buffer is 0x%02x", i, a[i]);
	fill_pattern(a, size, size);
	for (i = 0; i < size; i++)
		CHECK(b[i] == a[i], "byte %u differs between the mappings", i);
out:
	if (a != MAP_FAILED)
		munmap(a, size);
	if (b != MAP_FAILED)
		munmap(b, size);
	close_fd(&buf);
	t_end();
}

/* The lseek cases of the upstream test (reference 1.6). */
static void seek_rules(int dev)
{
	int buf = -1;

	t_begin("buffer: lseek accepts only offset 0 with SEEK_SET or SEEK_END");
	CHECK_SYS(buf, buf_create(dev, 1024));
	CHECK_EQ(lseek(buf, 0, SEEK_END), 1024);
	CHECK_EQ(lseek(buf, 0, SEEK_SET), 0);
	CHECK_ERR(lseek(buf, 0, SEEK_CUR), EINVAL);
	CHECK_ERR(lseek(buf, 1, SEEK_CUR), EINVAL);
	CHECK_ERR(lseek(buf, 2, SEEK_END), EINVAL);
	CHECK_ERR(lseek(buf, 3, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(buf, -1, SEEK_END), EINVAL);
	CHECK_ERR(lseek(buf, 0, SEEK_DATA), EINVAL);
	CHECK_EQ(lseek(buf, 0, SEEK_END), 1024);
out:
	close_fd(&buf);
	t_end();
}

static void create_limits(int dev)
{
	int buf = -1;

	t_begin("buffer: size 0 -> EINVAL, 2 GiB and 4 GiB - 1 -> ENOMEM");
	CHECK_ERR(buf_create(dev, 0), EINVAL);
	CHECK_ERR(buf_create(dev, 0x80000000u), ENOMEM);
	CHECK_ERR(buf_create(dev, 0xFFFFFFFFu), ENOMEM);
	/* and the device still allocates after the failures */
	CHECK_SYS(buf, buf_create(dev, 4096));
out:
	close_fd(&buf);
	t_end();
}

static void map_bounds(int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = MAP_FAILED;
	int small = -1, one = -1;

	t_begin("buffer: mmap beyond the buffer -> EINVAL");
	CHECK_SYS(small, buf_create(dev, 1024));
	CHECK_SYS(one, buf_create(dev, page));
	/* one page covers a 1024-byte buffer; two pages do not */
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, small, 0);
	CHECK(p != MAP_FAILED, "one page of a 1024-byte buffer: %s", strerror(errno));
	munmap(p, page);
	p = MAP_FAILED;
	CHECK_ERR(mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, small, 0), EINVAL);
	CHECK_ERR(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, one, 0), EINVAL);
	CHECK_ERR(mmap(NULL, page, PROT_READ, MAP_SHARED, one, page), EINVAL);
	CHECK_ERR(mmap(NULL, 64 * page, PROT_READ, MAP_SHARED, one, 0), EINVAL);
out:
	if (p != MAP_FAILED)
		munmap(p, page);
	close_fd(&small);
	close_fd(&one);
	t_end();
}

static void zeroed_on_reuse(int dev)
{
	const uint32_t size = 256 * 1024;
	uint8_t *p = MAP_FAILED;
	uint32_t i;
	int buf = -1, round;

	t_begin("buffer: memory written, freed and allocated again comes back zeroed");
	for (round = 0; round < 4; round++) {
		CHECK_SYS(buf, buf_create(dev, size));
		p = buf_map(buf, size);
		CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
		for (i = 0; i < size; i++)
			CHECK(p[i] == 0, "round %d: byte %u is 0x%02x", round, i, p[i]);
		memset(p, 0xFF, size);
		munmap(p, size);
		p = MAP_FAILED;
		close_fd(&buf);
	}
out:
	if (p != MAP_FAILED)
		munmap(p, size);
	close_fd(&buf);
	t_end();
}

static void outlives_device(int subsys)
{
	uint8_t *p = MAP_FAILED;
	int dev = -1, buf = -1;

	t_begin("buffer: a buffer fd keeps working after its device fd is closed");
	CHECK_SYS(dev, dev_open(subsys));
	CHECK_SYS(buf, buf_create(dev, 8192));
	close_fd(&dev);
	CHECK_EQ(lseek(buf, 0, SEEK_END), 8192);
	p = buf_map(buf, 8192);
	CHECK(p != MAP_FAILED, "mmap after closing the device: %s", strerror(errno));
	memset(p, 0x3C, 8192);
	CHECK(p[8191] == 0x3C, "write through the mapping lost");
out:
	if (p != MAP_FAILED)
		munmap(p, 8192);
	close_fd(&buf);
	close_fd(&dev);
	t_end();
}

static void mapping_outlives_fd(int dev)
{
	uint8_t *p = MAP_FAILED, *q = MAP_FAILED, want[4096];
	int buf = -1;

	t_begin("buffer: mappings stay valid and shared after the buffer fd is closed");
	CHECK_SYS(buf, buf_create(dev, 4096));
	p = buf_map(buf, 4096);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	q = buf_map(buf, 4096);
	CHECK(q != MAP_FAILED, "mmap: %s", strerror(errno));
	close_fd(&buf);
	/* both still map the one buffer: what one writes, the other reads */
	fill_pattern(want, sizeof(want), 7);
	memcpy(p, want, sizeof(want));
	CHECK(!memcmp(q, want, sizeof(want)), "the second mapping does not see the first's writes");
	munmap(p, 4096);
	p = MAP_FAILED;
	memset(q, 0x3C, 4096);
	CHECK(q[0] == 0x3C && q[4095] == 0x3C, "the last mapping is not writable");
out:
	if (p != MAP_FAILED)
		munmap(p, 4096);
	if (q != MAP_FAILED)
		munmap(q, 4096);
	close_fd(&buf);
	t_end();
}

static void many(int dev)
{
	enum { N = 32, SIZE = 32768 };
	int fds[N], i, j;
	uint8_t *p;

	for (i = 0; i < N; i++)
		fds[i] = -1;
	t_begin("buffer: %d buffers of %d KiB at once are distinct memory", N, SIZE / 1024);
	for (i = 0; i < N; i++) {
		CHECK_SYS(fds[i], buf_create(dev, SIZE));
		p = buf_map(fds[i], SIZE);
		CHECK(p != MAP_FAILED, "mmap %d: %s", i, strerror(errno));
		memset(p, i, SIZE);
		munmap(p, SIZE);
	}
	for (i = 0; i < N; i++) {
		p = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fds[i], 0);
		CHECK(p != MAP_FAILED, "mmap %d again: %s", i, strerror(errno));
		for (j = 0; j < SIZE && p[j] == i; j++)
			;
		munmap(p, SIZE);
		CHECK(j == SIZE, "buffer %d byte %d was overwritten", i, j);
	}
out:
	for (i = 0; i < N; i++)
		close_fd(&fds[i]);
	t_end();
}

static void no_ioctls(int dev)
{
	struct ethosu_uapi_buffer_create c = { .size = 16 };
	int buf = -1;

	t_begin("buffer: a buffer fd has no ioctls (ENOTTY)");
	CHECK_SYS(buf, buf_create(dev, 64));
	CHECK_ERR(ioctl(buf, ETHOSU_IOCTL_BUFFER_CREATE, &c), ENOTTY);
	CHECK_ERR(ioctl(buf, ETHOSU_IOCTL_PING), ENOTTY);
	CHECK_ERR(ioctl(buf, 0x80080111 /* G1 BUFFER_SET */, &c), ENOTTY);
	CHECK_ERR(ioctl(buf, 0x40080112 /* G1 BUFFER_GET */, &c), ENOTTY);
out:
	close_fd(&buf);
	t_end();
}

int main(void)
{
	unsigned int i;
	int dev = t_open_main(0, "buffer");

	if (dev < 0)
		return t_exit();
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		create_map(dev, sizes[i]);
	seek_rules(dev);
	create_limits(dev);
	map_bounds(dev);
	zeroed_on_reuse(dev);
	outlives_device(0);
	mapping_outlives_fd(dev);
	many(dev);
	no_ioctls(dev);
	close(dev);
	return t_exit();
}
