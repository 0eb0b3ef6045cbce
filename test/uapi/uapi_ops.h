/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thin wrappers over the Ethos-U ioctls (each returns -1 + errno like the syscall) and "jobs":
 * one inference with its own mapped buffers, checked against the emulator's formulas.
 */
#ifndef UAPI_OPS_H
#define UAPI_OPS_H

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "emu_model.h"

/* ---- ioctl wrappers (return -1 + errno like the syscall) ---- */

static inline int buf_create(int dev, uint32_t size)
{
	struct ethosu_uapi_buffer_create c = { .size = size };

	return ioctl(dev, ETHOSU_IOCTL_BUFFER_CREATE, &c);
}

static inline void *buf_map(int buf, size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
}

static inline int net_index(int dev, uint32_t index)
{
	struct ethosu_uapi_network_create c;

	memset(&c, 0, sizeof(c));
	c.type = ETHOSU_UAPI_NETWORK_INDEX;
	c.index = index;
	return ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &c);
}

static inline int net_user(int dev, const void *data, uint32_t size)
{
	struct ethosu_uapi_network_create c;

	memset(&c, 0, sizeof(c));
	c.type = ETHOSU_UAPI_NETWORK_USER_BUFFER;
	c.network.data_ptr = (uintptr_t)data;
	c.network.size = size;
	return ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &c);
}

static inline int net_info(int net, struct ethosu_uapi_network_info *info)
{
	memset(info, 0xA5, sizeof(*info));
	return ioctl(net, ETHOSU_IOCTL_NETWORK_INFO, info);
}

/* events: ETHOSU_PMU_EVENT_MAX ids or NULL for none */
static inline int inf_create(int net, unsigned int nifm, const int *ifm, unsigned int nofm,
			     const int *ofm, const uint32_t *events, uint32_t cycles)
{
	struct ethosu_uapi_inference_create c;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	c.ifm_count = nifm;
	for (i = 0; i < nifm && i < ETHOSU_FD_MAX; i++)
		c.ifm_fd[i] = ifm[i];
	c.ofm_count = nofm;
	for (i = 0; i < nofm && i < ETHOSU_FD_MAX; i++)
		c.ofm_fd[i] = ofm[i];
	for (i = 0; events && i < ETHOSU_PMU_EVENT_MAX; i++)
		c.pmu_config.events[i] = events[i];
	c.pmu_config.cycle_count = cycles;
	return ioctl(net, ETHOSU_IOCTL_INFERENCE_CREATE, &c);
}

static inline int inf_status(int inf, struct ethosu_uapi_result_status *st)
{
	memset(st, 0xA5, sizeof(*st));
	return ioctl(inf, ETHOSU_IOCTL_INFERENCE_STATUS, st);
}

/* The status field alone, or -1 if the ioctl failed. */
static inline int inf_state(int inf)
{
	struct ethosu_uapi_result_status st;

	return inf_status(inf, &st) ? -1 : (int)st.status;
}

/* Polls like the library (POLLIN|POLLERR): revents, 0 on timeout, -1 on error. */
static inline int inf_wait(int inf, int timeout_ms)
{
	struct pollfd p = { .fd = inf, .events = POLLIN | POLLERR };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? p.revents : r;
}

static inline int inf_cancel(int inf, int *status)
{
	struct ethosu_uapi_cancel_inference_status c;
	int r;

	memset(&c, 0xA5, sizeof(c));
	r = ioctl(inf, ETHOSU_IOCTL_INFERENCE_CANCEL, &c);
	if (!r && status)
		*status = (int)c.status;
	return r;
}

/* ---- one inference with its own buffers ---- */

#define OFM_CANARY 0xAA

struct job {
	unsigned int nifm, nofm;
	int ifm[ETHOSU_FD_MAX], ofm[ETHOSU_FD_MAX];
	uint8_t *ifm_map[ETHOSU_FD_MAX], *ofm_map[ETHOSU_FD_MAX];
	uint32_t ifm_len[ETHOSU_FD_MAX], ofm_len[ETHOSU_FD_MAX];
	int inf;
};

static inline void job_init(struct job *j)
{
	unsigned int i;

	memset(j, 0, sizeof(*j));
	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		j->ifm[i] = j->ofm[i] = -1;
		j->ifm_map[i] = j->ofm_map[i] = MAP_FAILED;
	}
	j->inf = -1;
}

/*
 * Creates and maps the buffers: IFM i gets fill_pattern(seed + i), every OFM byte the canary.
 * Returns 0, or -1 with errno set (the job must still be released with job_free).
 */
static inline int job_buffers(struct job *j, int dev, unsigned int nifm, const uint32_t *ifm_len,
			      unsigned int nofm, const uint32_t *ofm_len, unsigned int seed)
{
	unsigned int i;

	j->nifm = nifm;
	j->nofm = nofm;
	for (i = 0; i < nifm; i++) {
		j->ifm_len[i] = ifm_len[i];
		j->ifm[i] = buf_create(dev, ifm_len[i]);
		if (j->ifm[i] < 0)
			return -1;
		j->ifm_map[i] = buf_map(j->ifm[i], ifm_len[i]);
		if (j->ifm_map[i] == MAP_FAILED)
			return -1;
		fill_pattern(j->ifm_map[i], ifm_len[i], seed + i);
	}
	for (i = 0; i < nofm; i++) {
		j->ofm_len[i] = ofm_len[i];
		j->ofm[i] = buf_create(dev, ofm_len[i]);
		if (j->ofm[i] < 0)
			return -1;
		j->ofm_map[i] = buf_map(j->ofm[i], ofm_len[i]);
		if (j->ofm_map[i] == MAP_FAILED)
			return -1;
		memset(j->ofm_map[i], OFM_CANARY, ofm_len[i]);
	}
	return 0;
}

/* Single IFM / single OFM shorthand. */
static inline int job_buffers1(struct job *j, int dev, uint32_t ifm_len, uint32_t ofm_len,
			       unsigned int seed)
{
	return job_buffers(j, dev, 1, &ifm_len, 1, &ofm_len, seed);
}

static inline int job_start(struct job *j, int net, const uint32_t *events, uint32_t cycles)
{
	j->inf = inf_create(net, j->nifm, j->ifm, j->nofm, j->ofm, events, cycles);
	return j->inf;
}

/* Closes the buffer fds but keeps the mappings (the inference holds its own references). */
static inline void job_close_buffers(struct job *j)
{
	unsigned int i;

	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		close_fd(&j->ifm[i]);
		close_fd(&j->ofm[i]);
	}
}

static inline void job_free(struct job *j)
{
	unsigned int i;

	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		if (j->ifm_map[i] != MAP_FAILED)
			munmap(j->ifm_map[i], j->ifm_len[i]);
		if (j->ofm_map[i] != MAP_FAILED)
			munmap(j->ofm_map[i], j->ofm_len[i]);
	}
	job_close_buffers(j);
	close_fd(&j->inf);
	job_init(j);
}

/*
 * Checks the OFMs against the emulator's formula for tensors of isize[] / osize[] bytes (the
 * model's), and that bytes past each tensor kept the canary. Returns T (the input length), or
 * -1 with a reason in why.
 */
static inline long job_check_outputs(const struct job *j, const uint32_t *isize,
				     const uint32_t *osize, char *why, size_t len)
{
	const uint8_t *in[ETHOSU_FD_MAX];
	static uint8_t want[1 << 20];
	unsigned int i, k;
	size_t t = 0, b;

	for (i = 0; i < j->nifm; i++)
		in[i] = j->ifm_map[i];
	for (k = 0; k < j->nofm; k++) {
		if (osize[k] > sizeof(want) || osize[k] > j->ofm_len[k]) {
			snprintf(why, len, "OFM %u: tensor %u bytes, buffer %u", k, osize[k],
				 j->ofm_len[k]);
			return -1;
		}
		t = emu_expected_ofm(in, isize, j->nifm, k, want, osize[k]);
		for (b = 0; b < osize[k]; b++) {
			if (j->ofm_map[k][b] != want[b]) {
				snprintf(why, len, "OFM %u byte %zu is 0x%02x, want 0x%02x", k, b,
					 j->ofm_map[k][b], want[b]);
				return -1;
			}
		}
		for (; b < j->ofm_len[k]; b++) {
			if (j->ofm_map[k][b] != OFM_CANARY) {
				snprintf(why, len, "OFM %u byte %zu past the tensor was written", k, b);
				return -1;
			}
		}
	}
	if (!j->nofm)
		for (i = 0; i < j->nifm; i++)
			t += isize[i];
	return (long)t;
}

/* Every OFM byte still holds the canary (nothing was written). */
static inline int job_outputs_untouched(const struct job *j)
{
	unsigned int k;
	uint32_t b;

	for (k = 0; k < j->nofm; k++)
		for (b = 0; b < j->ofm_len[k]; b++)
			if (j->ofm_map[k][b] != OFM_CANARY)
				return 0;
	return 1;
}

static inline const char *status_name(int s)
{
	static const char *const names[] = { "OK", "ERROR", "RUNNING", "REJECTED", "ABORTED",
					     "ABORTING" };

	return s >= 0 && s < (int)ARRAY_SIZE(names) ? names[s] : "?";
}

#define CHECK_STATUS(got, want)                                                                \
	do {                                                                                   \
		int t_s_ = (got);                                                              \
		CHECK(t_s_ == (want), "status %d (%s), want %s", t_s_, status_name(t_s_),      \
		      status_name(want));                                                      \
	} while (0)

/* Waits for an inference to be done (POLLIN) within timeout_ms; fails the case otherwise. */
#define CHECK_DONE(inf, timeout_ms)                                                            \
	do {                                                                                   \
		int t_w_ = inf_wait((inf), (timeout_ms));                                      \
		CHECK(t_w_ == POLLIN, "poll: %s", t_w_ < 0 ? strerror(errno)                   \
						 : t_w_ ? "revents not POLLIN"                 \
							: "not done in time");                 \
	} while (0)

#endif /* UAPI_OPS_H */
