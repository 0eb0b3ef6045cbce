/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Wire protocol between the Linux ethosu driver and the Ethos-U subsystem firmware, version 0.2.0,
 * carried over rpmsg on the endpoint "ethos-u-0.0". Little-endian, natural alignment, no length
 * field: a payload's length is the rpmsg length minus the header. Shared by the driver, the
 * firmware emulator and the user-space layout tests.
 */
#ifndef ETHOSU_RPMSG_H
#define ETHOSU_RPMSG_H

#include <linux/types.h>

#define ETHOSU_RPMSG_NAME "ethos-u-0.0"

/* 'A' 'E' 'v' '1' read as a big-endian u32 */
#define ETHOSU_RPMSG_MAGIC 0x41457631

#define ETHOSU_RPMSG_VERSION_MAJOR 0
#define ETHOSU_RPMSG_VERSION_MINOR 2
#define ETHOSU_RPMSG_VERSION_PATCH 0

#define ETHOSU_RPMSG_BUFFER_MAX 16
#define ETHOSU_RPMSG_PMU_MAX 8
#define ETHOSU_RPMSG_DESC_MAX 32
#define ETHOSU_RPMSG_ERR_MSG_MAX 128

enum ethosu_rpmsg_type {
	ETHOSU_RPMSG_ERR = 1,
	ETHOSU_RPMSG_PING,
	ETHOSU_RPMSG_PONG,
	ETHOSU_RPMSG_INFERENCE_REQ,
	ETHOSU_RPMSG_INFERENCE_RSP,
	ETHOSU_RPMSG_VERSION_REQ,
	ETHOSU_RPMSG_VERSION_RSP,
	ETHOSU_RPMSG_CAPABILITIES_REQ,
	ETHOSU_RPMSG_CAPABILITIES_RSP,
	ETHOSU_RPMSG_NETWORK_INFO_REQ,
	ETHOSU_RPMSG_NETWORK_INFO_RSP,
	ETHOSU_RPMSG_CANCEL_INFERENCE_REQ,
	ETHOSU_RPMSG_CANCEL_INFERENCE_RSP,
	ETHOSU_RPMSG_MAX
};

enum ethosu_rpmsg_status {
	ETHOSU_RPMSG_STATUS_OK = 0,
	ETHOSU_RPMSG_STATUS_ERROR,
	ETHOSU_RPMSG_STATUS_RUNNING,
	ETHOSU_RPMSG_STATUS_REJECTED,
	ETHOSU_RPMSG_STATUS_ABORTED,
	ETHOSU_RPMSG_STATUS_ABORTING,
};

enum ethosu_rpmsg_err_type {
	ETHOSU_RPMSG_ERR_GENERIC = 0,
	ETHOSU_RPMSG_ERR_UNSUPPORTED_TYPE,
	ETHOSU_RPMSG_ERR_INVALID_PAYLOAD,
	ETHOSU_RPMSG_ERR_INVALID_SIZE,
	ETHOSU_RPMSG_ERR_INVALID_MAGIC,
	ETHOSU_RPMSG_ERR_MAX
};

enum ethosu_rpmsg_network_type {
	ETHOSU_RPMSG_NETWORK_BUFFER = 1,
	ETHOSU_RPMSG_NETWORK_INDEX,
};

/* 16 bytes. msg_id is echoed in responses; ERR messages carry 0. */
struct ethosu_rpmsg_header {
	__u32 magic;
	__u32 type;
	__u64 msg_id;
};

/* 8 bytes. ptr is the device (bus) address of the memory, as the NPU sees it. */
struct ethosu_rpmsg_buffer {
	__u32 ptr;
	__u32 size;
};

/* 12 bytes; type is an enum ethosu_rpmsg_network_type */
struct ethosu_rpmsg_network_buffer {
	__u32 type;
	union {
		struct ethosu_rpmsg_buffer buffer;
		__u32 index;
	};
};

/* 288 bytes */
struct ethosu_rpmsg_inference_req {
	__u32 ifm_count;
	struct ethosu_rpmsg_buffer ifm[ETHOSU_RPMSG_BUFFER_MAX];
	__u32 ofm_count;
	struct ethosu_rpmsg_buffer ofm[ETHOSU_RPMSG_BUFFER_MAX];
	struct ethosu_rpmsg_network_buffer network;
	__u8 pmu_event_config[ETHOSU_RPMSG_PMU_MAX];
	__u32 pmu_cycle_counter_enable;
};

/* 160 bytes */
struct ethosu_rpmsg_inference_rsp {
	__u32 ofm_count;
	__u32 ofm_size[ETHOSU_RPMSG_BUFFER_MAX];
	__u32 status;
	__u8 pmu_event_config[ETHOSU_RPMSG_PMU_MAX];
	__u64 pmu_event_count[ETHOSU_RPMSG_PMU_MAX];
	__u32 pmu_cycle_counter_enable;
	__u64 pmu_cycle_counter_count;
};

/* 12 bytes */
struct ethosu_rpmsg_network_info_req {
	struct ethosu_rpmsg_network_buffer network;
};

/* 172 bytes */
struct ethosu_rpmsg_network_info_rsp {
	char desc[ETHOSU_RPMSG_DESC_MAX];
	__u32 ifm_count;
	__u32 ifm_size[ETHOSU_RPMSG_BUFFER_MAX];
	__u32 ofm_count;
	__u32 ofm_size[ETHOSU_RPMSG_BUFFER_MAX];
	__u32 status;
};

/* 4 bytes */
struct ethosu_rpmsg_version_rsp {
	__u8 major;
	__u8 minor;
	__u8 patch;
	__u8 _reserved;
};

/* 52 bytes */
struct ethosu_rpmsg_capabilities_rsp {
	__u32 version_status;
	__u32 version_minor;
	__u32 version_major;
	__u32 product_major;
	__u32 arch_patch_rev;
	__u32 arch_minor_rev;
	__u32 arch_major_rev;
	__u32 driver_patch_rev;
	__u32 driver_minor_rev;
	__u32 driver_major_rev;
	__u32 macs_per_cc;
	__u32 cmd_stream_version;
	__u32 custom_dma;
};

/* 8 bytes: inference_handle is the msg_id of the inference request to cancel */
struct ethosu_rpmsg_cancel_inference_req {
	__u64 inference_handle;
};

/* 4 bytes */
struct ethosu_rpmsg_cancel_inference_rsp {
	__u32 status;
};

/* 132 bytes; type is an enum ethosu_rpmsg_err_type */
struct ethosu_rpmsg_err {
	__u32 type;
	char msg[ETHOSU_RPMSG_ERR_MSG_MAX];
};

/* 304 bytes: the largest message, which fits a 512-byte virtio-rpmsg buffer */
struct ethosu_rpmsg {
	struct ethosu_rpmsg_header header;
	union {
		struct ethosu_rpmsg_err error;
		struct ethosu_rpmsg_inference_req inf_req;
		struct ethosu_rpmsg_inference_rsp inf_rsp;
		struct ethosu_rpmsg_network_info_req net_info_req;
		struct ethosu_rpmsg_network_info_rsp net_info_rsp;
		struct ethosu_rpmsg_capabilities_rsp cap_rsp;
		struct ethosu_rpmsg_cancel_inference_req cancel_req;
		struct ethosu_rpmsg_cancel_inference_rsp cancel_rsp;
		struct ethosu_rpmsg_version_rsp version_rsp;
	};
};

#endif /* ETHOSU_RPMSG_H */
