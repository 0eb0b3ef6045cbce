// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile-time checks of the binary layouts user space and the firmware rely on: struct sizes,
 * key offsets and ioctl command values. A header edit that changes any of them breaks the build
 * instead of silently breaking compatibility. No code.
 */

#include <linux/build_bug.h>
#include <linux/stddef.h>

#include "uapi/ethosu.h"
#include "rpmsg/ethosu_rpmsg.h"

/* UAPI v4 structs (identical on x86_64, aarch64 and armhf) */
static_assert(sizeof(enum ethosu_uapi_status) == 4);
static_assert(sizeof(struct ethosu_uapi_kernel_driver_version) == 12);
static_assert(sizeof(struct ethosu_uapi_device_hw_id) == 28);
static_assert(offsetof(struct ethosu_uapi_device_hw_id, version_major) == 8);
static_assert(offsetof(struct ethosu_uapi_device_hw_id, arch_major_rev) == 24);
static_assert(sizeof(struct ethosu_uapi_device_hw_cfg) == 16);
static_assert(offsetof(struct ethosu_uapi_device_hw_cfg, type) == 12);
static_assert(sizeof(struct ethosu_uapi_device_capabilities) == 56);
static_assert(offsetof(struct ethosu_uapi_device_capabilities, hw_cfg) == 28);
static_assert(offsetof(struct ethosu_uapi_device_capabilities, driver_patch_rev) == 44);
static_assert(offsetof(struct ethosu_uapi_device_capabilities, driver_minor_rev) == 48);
static_assert(offsetof(struct ethosu_uapi_device_capabilities, driver_major_rev) == 52);
static_assert(sizeof(struct ethosu_uapi_buffer_create) == 4);
static_assert(sizeof(struct ethosu_uapi_network_create) == 24);
static_assert(offsetof(struct ethosu_uapi_network_create, network.data_ptr) == 8);
static_assert(offsetof(struct ethosu_uapi_network_create, network.size) == 16);
static_assert(offsetof(struct ethosu_uapi_network_create, index) == 8);
static_assert(sizeof(struct ethosu_uapi_network_info) == 168);
static_assert(offsetof(struct ethosu_uapi_network_info, ifm_count) == 32);
static_assert(offsetof(struct ethosu_uapi_network_info, ifm_size) == 36);
static_assert(offsetof(struct ethosu_uapi_network_info, ofm_count) == 100);
static_assert(offsetof(struct ethosu_uapi_network_info, ofm_size) == 104);
static_assert(sizeof(struct ethosu_uapi_pmu_config) == 36);
static_assert(offsetof(struct ethosu_uapi_pmu_config, cycle_count) == 32);
static_assert(sizeof(struct ethosu_uapi_pmu_counts) == 72);
static_assert(offsetof(struct ethosu_uapi_pmu_counts, cycle_count) == 64);
static_assert(sizeof(struct ethosu_uapi_inference_create) == 172);
static_assert(offsetof(struct ethosu_uapi_inference_create, ofm_count) == 68);
static_assert(offsetof(struct ethosu_uapi_inference_create, ofm_fd) == 72);
static_assert(offsetof(struct ethosu_uapi_inference_create, pmu_config) == 136);
static_assert(sizeof(struct ethosu_uapi_result_status) == 112);
static_assert(offsetof(struct ethosu_uapi_result_status, pmu_config) == 4);
static_assert(offsetof(struct ethosu_uapi_result_status, pmu_count) == 40);
static_assert(sizeof(struct ethosu_uapi_pmu_counts_u32) == 40);
static_assert(offsetof(struct ethosu_uapi_pmu_counts_u32, cycle_count) == 32);
static_assert(sizeof(struct ethosu_uapi_result_status_u32) == 80);
static_assert(offsetof(struct ethosu_uapi_result_status_u32, pmu_count) == 40);
static_assert(offsetof(struct ethosu_uapi_result_status_u32, pmu_count.cycle_count) == 72);
static_assert(sizeof(struct ethosu_uapi_cancel_inference_status) == 4);

/* ioctl command values: the ABI itself, "wrong" upstream direction bits included */
static_assert(ETHOSU_IOCTL_PING == 0x00000100);
static_assert(ETHOSU_IOCTL_CAPABILITIES_REQ == 0x80380102);
static_assert(ETHOSU_IOCTL_DRIVER_VERSION_GET == 0x800C0103);
static_assert(ETHOSU_IOCTL_BUFFER_CREATE == 0x80040110);
static_assert(ETHOSU_IOCTL_NETWORK_CREATE == 0x80180120);
static_assert(ETHOSU_IOCTL_NETWORK_INFO == 0x80A80121);
static_assert(ETHOSU_IOCTL_INFERENCE_CREATE == 0x80AC0130);
static_assert(ETHOSU_IOCTL_INFERENCE_STATUS == 0x80700131);
static_assert(ETHOSU_IOCTL_INFERENCE_CANCEL == 0x80040132);
static_assert(ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET == 0x800C0100);
static_assert(ETHOSU_IOCTL_ALT_CAPABILITIES_REQ == 0x80380101);
static_assert(ETHOSU_IOCTL_ALT_PING == 0x00000102);
static_assert(ETHOSU_IOCTL_ALT_INFERENCE_STATUS == 0x80500131);

/* rpmsg wire protocol 0.2.0 */
static_assert(sizeof(struct ethosu_rpmsg_header) == 16);
static_assert(offsetof(struct ethosu_rpmsg_header, msg_id) == 8);
static_assert(sizeof(struct ethosu_rpmsg_buffer) == 8);
static_assert(sizeof(struct ethosu_rpmsg_network_buffer) == 12);
static_assert(offsetof(struct ethosu_rpmsg_network_buffer, buffer) == 4);
static_assert(offsetof(struct ethosu_rpmsg_network_buffer, index) == 4);
static_assert(sizeof(struct ethosu_rpmsg_inference_req) == 288);
static_assert(offsetof(struct ethosu_rpmsg_inference_req, ofm_count) == 132);
static_assert(offsetof(struct ethosu_rpmsg_inference_req, ofm) == 136);
static_assert(offsetof(struct ethosu_rpmsg_inference_req, network) == 264);
static_assert(offsetof(struct ethosu_rpmsg_inference_req, pmu_event_config) == 276);
static_assert(offsetof(struct ethosu_rpmsg_inference_req, pmu_cycle_counter_enable) == 284);
static_assert(sizeof(struct ethosu_rpmsg_inference_rsp) == 160);
static_assert(offsetof(struct ethosu_rpmsg_inference_rsp, status) == 68);
static_assert(offsetof(struct ethosu_rpmsg_inference_rsp, pmu_event_config) == 72);
static_assert(offsetof(struct ethosu_rpmsg_inference_rsp, pmu_event_count) == 80);
static_assert(offsetof(struct ethosu_rpmsg_inference_rsp, pmu_cycle_counter_enable) == 144);
static_assert(offsetof(struct ethosu_rpmsg_inference_rsp, pmu_cycle_counter_count) == 152);
static_assert(sizeof(struct ethosu_rpmsg_network_info_req) == 12);
static_assert(sizeof(struct ethosu_rpmsg_network_info_rsp) == 172);
static_assert(offsetof(struct ethosu_rpmsg_network_info_rsp, ifm_count) == 32);
static_assert(offsetof(struct ethosu_rpmsg_network_info_rsp, ofm_count) == 100);
static_assert(offsetof(struct ethosu_rpmsg_network_info_rsp, status) == 168);
static_assert(sizeof(struct ethosu_rpmsg_version_rsp) == 4);
static_assert(sizeof(struct ethosu_rpmsg_capabilities_rsp) == 52);
static_assert(offsetof(struct ethosu_rpmsg_capabilities_rsp, custom_dma) == 48);
static_assert(sizeof(struct ethosu_rpmsg_cancel_inference_req) == 8);
static_assert(sizeof(struct ethosu_rpmsg_cancel_inference_rsp) == 4);
static_assert(sizeof(struct ethosu_rpmsg_err) == 132);
static_assert(offsetof(struct ethosu_rpmsg_err, msg) == 4);
static_assert(sizeof(struct ethosu_rpmsg) == 304);
static_assert(offsetof(struct ethosu_rpmsg, inf_req) == 16);

/* What the driver copies between the two sides must fit both */
static_assert(ETHOSU_FD_MAX == ETHOSU_RPMSG_BUFFER_MAX);
static_assert(ETHOSU_PMU_EVENT_MAX == ETHOSU_RPMSG_PMU_MAX);
static_assert(ETHOSU_NETWORK_DESC_MAX == ETHOSU_RPMSG_DESC_MAX);
static_assert(sizeof_field(struct ethosu_uapi_network_info, desc) ==
	      sizeof_field(struct ethosu_rpmsg_network_info_rsp, desc));
static_assert(sizeof_field(struct ethosu_uapi_network_info, ifm_size) ==
	      sizeof_field(struct ethosu_rpmsg_network_info_rsp, ifm_size));
