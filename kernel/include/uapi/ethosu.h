/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Arm Ethos-U user-space ABI, generation 3 (kernel driver major version 4).
 *
 * Binary compatible with the upstream Arm Ethos-U Linux driver stack: ioctl type 0x01, the same
 * nr numbers, struct layouts and, deliberately, upstream's direction bits (commands whose data
 * flows user->kernel are tagged _IOR). Never "fix" a direction bit: the 32-bit command values are
 * the ABI. Layouts are identical on x86_64, aarch64 and armhf.
 *
 * Decisions where the upstream header was not available (see docs/abi-decisions.md):
 *  - DRIVER_VERSION_GET is nr 0x03, PING 0x00, CAPABILITIES_REQ 0x02 ("hypothesis A").
 *  - PMU counts are 64-bit: ethosu_uapi_result_status is 112 bytes.
 *  - hw_cfg.type is the last field of hw_cfg: capabilities are 56 bytes.
 *  - network_create is 24 bytes; USER_BUFFER = 1, INDEX = 2.
 * The other plausible encodings are accepted by the kernel as aliases (ETHOSU_IOCTL_ALT_*).
 */
#ifndef _UAPI_ETHOSU_H
#define _UAPI_ETHOSU_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define ETHOSU_KERNEL_DRIVER_VERSION_MAJOR 4
#define ETHOSU_KERNEL_DRIVER_VERSION_MINOR 0
#define ETHOSU_KERNEL_DRIVER_VERSION_PATCH 0

#define ETHOSU_IOCTL_BASE 0x01
#define ETHOSU_IO(nr) _IO(ETHOSU_IOCTL_BASE, nr)
#define ETHOSU_IOR(nr, type) _IOR(ETHOSU_IOCTL_BASE, nr, type)
#define ETHOSU_IOW(nr, type) _IOW(ETHOSU_IOCTL_BASE, nr, type)
#define ETHOSU_IOWR(nr, type) _IOWR(ETHOSU_IOCTL_BASE, nr, type)

/* Device fd */
#define ETHOSU_IOCTL_PING ETHOSU_IO(0x00)
#define ETHOSU_IOCTL_CAPABILITIES_REQ \
	ETHOSU_IOR(0x02, struct ethosu_uapi_device_capabilities)
#define ETHOSU_IOCTL_DRIVER_VERSION_GET \
	ETHOSU_IOR(0x03, struct ethosu_uapi_kernel_driver_version)
#define ETHOSU_IOCTL_BUFFER_CREATE \
	ETHOSU_IOR(0x10, struct ethosu_uapi_buffer_create)
#define ETHOSU_IOCTL_NETWORK_CREATE \
	ETHOSU_IOR(0x20, struct ethosu_uapi_network_create)
/*
 * Network fd. INFERENCE_CREATE sends the request to the firmware; when the transport has no free
 * TX buffer (the firmware is not taking requests) it waits up to 15 s for one, then fails with
 * ETIME, or fails with EAGAIN at once if the network fd is O_NONBLOCK (fcntl F_SETFL). Calls
 * that wait for a firmware answer (NETWORK_INFO up to 3 s, INFERENCE_CANCEL up to 2 s) fail with
 * ETIME when none comes, and every wait ends at once when the process is killed.
 */
#define ETHOSU_IOCTL_NETWORK_INFO \
	ETHOSU_IOR(0x21, struct ethosu_uapi_network_info)
#define ETHOSU_IOCTL_INFERENCE_CREATE \
	ETHOSU_IOR(0x30, struct ethosu_uapi_inference_create)
/* Inference fd */
#define ETHOSU_IOCTL_INFERENCE_STATUS \
	ETHOSU_IOR(0x31, struct ethosu_uapi_result_status)
#define ETHOSU_IOCTL_INFERENCE_CANCEL \
	ETHOSU_IOR(0x32, struct ethosu_uapi_cancel_inference_status)

/*
 * Aliases: the other encodings upstream may use ("hypothesis B" numbering of the first three
 * commands, and a result status with 32-bit PMU counts). The kernel accepts them too.
 */
#define ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET \
	ETHOSU_IOR(0x00, struct ethosu_uapi_kernel_driver_version)
#define ETHOSU_IOCTL_ALT_CAPABILITIES_REQ \
	ETHOSU_IOR(0x01, struct ethosu_uapi_device_capabilities)
#define ETHOSU_IOCTL_ALT_PING ETHOSU_IO(0x02)
#define ETHOSU_IOCTL_ALT_INFERENCE_STATUS \
	ETHOSU_IOR(0x31, struct ethosu_uapi_result_status_u32)

/* Maximum number of IFM/OFM buffer fds in one inference */
#define ETHOSU_FD_MAX 16
/* Number of PMU event counter slots */
#define ETHOSU_PMU_EVENT_MAX 8
/* Length of a network description, NUL included */
#define ETHOSU_NETWORK_DESC_MAX 32

enum ethosu_uapi_status {
	ETHOSU_UAPI_STATUS_OK = 0,
	ETHOSU_UAPI_STATUS_ERROR = 1,
	ETHOSU_UAPI_STATUS_RUNNING = 2,
	ETHOSU_UAPI_STATUS_REJECTED = 3,
	ETHOSU_UAPI_STATUS_ABORTED = 4,
	ETHOSU_UAPI_STATUS_ABORTING = 5,
};

enum ethosu_uapi_device_type {
	ETHOSU_UAPI_DEVICE_UNKNOWN = 0,
	ETHOSU_UAPI_DEVICE_SUBSYSTEM = 1,
	ETHOSU_UAPI_DEVICE_DIRECT = 2,
};

enum ethosu_uapi_network_type {
	ETHOSU_UAPI_NETWORK_USER_BUFFER = 1,
	ETHOSU_UAPI_NETWORK_INDEX = 2,
};

/* 12 bytes */
struct ethosu_uapi_kernel_driver_version {
	__u32 major;
	__u32 minor;
	__u32 patch;
};

/* 28 bytes. Note the order: status, minor, major. */
struct ethosu_uapi_device_hw_id {
	__u32 version_status;
	__u32 version_minor;
	__u32 version_major;
	__u32 product_major;
	__u32 arch_patch_rev;
	__u32 arch_minor_rev;
	__u32 arch_major_rev;
};

/* 16 bytes; type is an enum ethosu_uapi_device_type */
struct ethosu_uapi_device_hw_cfg {
	__u32 macs_per_cc;
	__u32 cmd_stream_version;
	__u32 custom_dma;
	__u32 type;
};

/* 56 bytes. driver_* is the firmware's NPU driver version, not this kernel driver's. */
struct ethosu_uapi_device_capabilities {
	struct ethosu_uapi_device_hw_id hw_id;
	struct ethosu_uapi_device_hw_cfg hw_cfg;
	__u32 driver_patch_rev;
	__u32 driver_minor_rev;
	__u32 driver_major_rev;
};

/* 4 bytes */
struct ethosu_uapi_buffer_create {
	__u32 size;
};

/* 24 bytes; type is an enum ethosu_uapi_network_type */
struct ethosu_uapi_network_create {
	__u32 type;
	union {
		struct {
			__u64 data_ptr;
			__u32 size;
		} network;
		__u32 index;
	};
};

/* 168 bytes: per-tensor byte sizes, not shapes */
struct ethosu_uapi_network_info {
	char desc[ETHOSU_NETWORK_DESC_MAX];
	__u32 ifm_count;
	__u32 ifm_size[ETHOSU_FD_MAX];
	__u32 ofm_count;
	__u32 ofm_size[ETHOSU_FD_MAX];
};

/*
 * 36 bytes. A non-zero events[i] enables counter i with that event;
 * a non-zero cycle_count enables the cycle counter.
 */
struct ethosu_uapi_pmu_config {
	__u32 events[ETHOSU_PMU_EVENT_MAX];
	__u32 cycle_count;
};

/* 72 bytes */
struct ethosu_uapi_pmu_counts {
	__u64 events[ETHOSU_PMU_EVENT_MAX];
	__u64 cycle_count;
};

/* 172 bytes */
struct ethosu_uapi_inference_create {
	__u32 ifm_count;
	__u32 ifm_fd[ETHOSU_FD_MAX];
	__u32 ofm_count;
	__u32 ofm_fd[ETHOSU_FD_MAX];
	struct ethosu_uapi_pmu_config pmu_config;
};

/* 112 bytes */
struct ethosu_uapi_result_status {
	enum ethosu_uapi_status status;
	struct ethosu_uapi_pmu_config pmu_config;
	struct ethosu_uapi_pmu_counts pmu_count;
};

/* 40 bytes: the 32-bit-counter variant used only by ETHOSU_IOCTL_ALT_INFERENCE_STATUS */
struct ethosu_uapi_pmu_counts_u32 {
	__u32 events[ETHOSU_PMU_EVENT_MAX];
	__u64 cycle_count;
};

/* 80 bytes */
struct ethosu_uapi_result_status_u32 {
	enum ethosu_uapi_status status;
	struct ethosu_uapi_pmu_config pmu_config;
	struct ethosu_uapi_pmu_counts_u32 pmu_count;
};

/*
 * 4 bytes, written by INFERENCE_CANCEL when it returns 0:
 *  - OK: the firmware accepted the cancel; the inference status reads ABORTED from then on.
 *  - ERROR: nothing was cancelled. Either the inference had already ended (its fd polls
 *    readable), or the firmware refused (it is running the inference): then the status stays
 *    RUNNING and the inference ends later with the firmware's own result (OK with valid outputs,
 *    or an error), exactly as if no cancel had been asked.
 * In every case the firmware may read the IFM and write the OFM buffers until the inference fd
 * polls readable. The kernel keeps the buffers alive until then (closing the fds is safe), but
 * user space must not reuse them for another inference earlier.
 */
struct ethosu_uapi_cancel_inference_status {
	enum ethosu_uapi_status status;
};

#endif /* _UAPI_ETHOSU_H */
