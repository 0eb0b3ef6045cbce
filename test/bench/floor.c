// SPDX-License-Identifier: Apache-2.0
/*
 * The C floor for `npm run bench`: the least user space can do per inference through the UAPI.
 * Per inference: INFERENCE_CREATE, poll until the fd is readable, INFERENCE_STATUS, close. With
 * K in flight, K inferences are kept queued and one poll(2) waits on all of them.
 *
 * Usage: floor DEVICE NETWORK_INDEX COUNT INFLIGHT
 * Prints one JSON line: {"n":..,"inflight":..,"seconds":..,"cpu_us":..,"lat_us":[...]}, the
 * latencies (create to status read) in completion order and the process's CPU time (user + sys).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "uapi/ethosu.h"

#define MAX_INFLIGHT 256

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	struct ethosu_uapi_network_create nc = { .type = ETHOSU_UAPI_NETWORK_INDEX };
	struct ethosu_uapi_network_info ni = { 0 };
	struct ethosu_uapi_inference_create ic = { 0 };
	struct pollfd pfd[MAX_INFLIGHT];
	struct rusage ru;
	double started[MAX_INFLIGHT];
	size_t count, issued = 0, done = 0;
	int dev, net, inflight;
	double *lat, t0, t1;
	uint32_t i;

	if (argc != 5) {
		fprintf(stderr, "usage: floor DEVICE NETWORK_INDEX COUNT INFLIGHT\n");
		return 2;
	}
	nc.index = (uint32_t)strtoul(argv[2], NULL, 0);
	count = strtoul(argv[3], NULL, 0);
	inflight = atoi(argv[4]);
	if (count == 0 || inflight < 1 || inflight > MAX_INFLIGHT) {
		fprintf(stderr, "floor: COUNT >= 1 and INFLIGHT 1..%d\n", MAX_INFLIGHT);
		return 2;
	}
	lat = calloc(count, sizeof(*lat));
	if (!lat)
		die("calloc");
	dev = open(argv[1], O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die(argv[1]);
	net = ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &nc);
	if (net < 0)
		die("NETWORK_CREATE");
	if (ioctl(net, ETHOSU_IOCTL_NETWORK_INFO, &ni) < 0)
		die("NETWORK_INFO");
	ic.ifm_count = ni.ifm_count;
	ic.ofm_count = ni.ofm_count;
	for (i = 0; i < ni.ifm_count + ni.ofm_count; i++) {
		uint32_t size = i < ni.ifm_count ? ni.ifm_size[i] : ni.ofm_size[i - ni.ifm_count];
		struct ethosu_uapi_buffer_create bc = { .size = size ? size : 1 };
		int fd = ioctl(dev, ETHOSU_IOCTL_BUFFER_CREATE, &bc);

		if (fd < 0)
			die("BUFFER_CREATE");
		if (i < ni.ifm_count)
			ic.ifm_fd[i] = fd;
		else
			ic.ofm_fd[i - ni.ifm_count] = fd;
	}

	t0 = now_us();
	for (i = 0; i < (uint32_t)inflight; i++)
		pfd[i].fd = -1;
	while (done < count) {
		for (i = 0; i < (uint32_t)inflight && issued < count; i++) {
			if (pfd[i].fd >= 0)
				continue;
			started[i] = now_us();
			pfd[i].fd = ioctl(net, ETHOSU_IOCTL_INFERENCE_CREATE, &ic);
			if (pfd[i].fd < 0)
				die("INFERENCE_CREATE");
			pfd[i].events = POLLIN;
			issued++;
		}
		if (poll(pfd, (nfds_t)inflight, 10000) <= 0)
			die("poll (no inference ended within 10 s)");
		for (i = 0; i < (uint32_t)inflight; i++) {
			struct ethosu_uapi_result_status st;

			if (pfd[i].fd < 0 || !(pfd[i].revents & POLLIN))
				continue;
			if (ioctl(pfd[i].fd, ETHOSU_IOCTL_INFERENCE_STATUS, &st) < 0)
				die("INFERENCE_STATUS");
			if (st.status != ETHOSU_UAPI_STATUS_OK) {
				fprintf(stderr, "floor: inference status %d\n", st.status);
				return 1;
			}
			close(pfd[i].fd);
			pfd[i].fd = -1;
			lat[done++] = now_us() - started[i];
		}
	}
	t1 = now_us();
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"n\":%zu,\"inflight\":%d,\"seconds\":%.6f,\"cpu_us\":%.0f,\"lat_us\":[", count,
	       inflight, (t1 - t0) / 1e6,
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec +
		       ru.ru_stime.tv_usec);
	for (i = 0; i < count; i++)
		printf("%s%.1f", i ? "," : "", lat[i]);
	printf("]}\n");
	return 0;
}
