// SPDX-License-Identifier: Apache-2.0
/*
 * amp-peek ADDR LEN: prints LEN bytes of CPU physical memory at ADDR as hex, space separated,
 * on one line (through an uncached /dev/mem mapping, so it works on no-map reserved memory).
 * One process per read: under TCG every exec in the guest costs a 9p round trip.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long addr, len, page, off, i;
	volatile uint8_t *map;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ADDR LEN\n", argv[0]);
		return 2;
	}
	addr = strtoul(argv[1], NULL, 0);
	len = strtoul(argv[2], NULL, 0);
	page = (unsigned long)sysconf(_SC_PAGESIZE);
	off = addr & (page - 1);

	fd = open("/dev/mem", O_RDONLY | O_SYNC);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	map = mmap(NULL, off + len, PROT_READ, MAP_SHARED, fd, (off_t)(addr - off));
	if (map == MAP_FAILED) {
		perror("mmap /dev/mem");
		return 1;
	}
	/* Byte reads only: the mapping is device memory */
	for (i = 0; i < len; i++)
		printf(i ? " %02x" : "%02x", map[off + i]);
	printf("\n");
	return 0;
}
