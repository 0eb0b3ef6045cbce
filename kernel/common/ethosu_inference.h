/* SPDX-License-Identifier: GPL-2.0-only */
/* Inference fds ("ethosu-inference"): one inference request, its status and PMU results. */
#ifndef ETHOSU_INFERENCE_H
#define ETHOSU_INFERENCE_H

#include <linux/compiler_types.h>
#include <linux/kref.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "uapi/ethosu.h"
#include "../rpmsg/ethosu_rpmsg_mailbox.h"

struct ethosu_buffer;
struct ethosu_device;
struct ethosu_network;

struct ethosu_inference {
	struct ethosu_device *edev;
	struct ethosu_network *net;
	u32 ifm_count;
	u32 ofm_count;
	struct ethosu_buffer *ifm[ETHOSU_FD_MAX];
	struct ethosu_buffer *ofm[ETHOSU_FD_MAX];
	/* The fd holds one, and the pending request another until its response or a failure */
	struct kref kref;
	/* Pollers; done turns true once, when the response came or the subsystem failed */
	wait_queue_head_t waitq;
	bool done;
	/* The rest is under the device lock */
	enum ethosu_uapi_status status;
	/* What the firmware was asked to count (as sent: 8 bits each), then what it echoed */
	u8 pmu_event_config[ETHOSU_PMU_EVENT_MAX];
	u32 pmu_cycle_counter_enable;
	u64 pmu_event_count[ETHOSU_PMU_EVENT_MAX];
	u64 pmu_cycle_counter_count;
	/* The inference request; its id is the handle a cancel request names */
	struct ethosu_mailbox_msg msg;
};

long ethosu_inference_create_ioctl(struct ethosu_network *net, void __user *udata, bool nonblock);

#endif /* ETHOSU_INFERENCE_H */
