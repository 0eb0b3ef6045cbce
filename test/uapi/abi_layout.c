// SPDX-License-Identifier: Apache-2.0
/*
 * Layout of every UAPI and rpmsg struct and the value of every ioctl command, against the
 * numbers of the ABI reference (sections 1.3, 1.4 and 2.1). Each check is a _Static_assert, so
 * merely compiling this file for a target (make abi-aarch64) proves the layout there, and a
 * counted run-time case, so the suite reports it. Needs no device.
 */
#include <stddef.h>

#include "ethosu_test.h"
#include "rpmsg/ethosu_rpmsg.h"

static void expect(int line, const char *what, unsigned long long got, unsigned long long want)
{
	if (got != want)
		t_fail(line, "%s is %llu (0x%llx), want %llu (0x%llx)", what, got, got, want, want);
}

#define VAL(expr, want)                                                                        \
	_Static_assert((unsigned long long)(expr) == (unsigned long long)(want),                \
		       #expr " != " #want);                                                    \
	expect(__LINE__, #expr, (unsigned long long)(expr), (unsigned long long)(want))
#define SIZE(type, want) VAL(sizeof(type), want)
#define ALIGN(type, want) VAL(_Alignof(type), want)
#define OFF(type, member, want) VAL(offsetof(type, member), want)
#define MSIZE(type, member, want) VAL(sizeof(((type *)0)->member), want)

#define CASE(name) t_begin("abi: %s", name)

static void uapi_constants(void)
{
	CASE("UAPI version and limits");
	VAL(ETHOSU_KERNEL_DRIVER_VERSION_MAJOR, 4);
	VAL(ETHOSU_KERNEL_DRIVER_VERSION_MINOR, 0);
	VAL(ETHOSU_KERNEL_DRIVER_VERSION_PATCH, 0);
	VAL(ETHOSU_IOCTL_BASE, 0x01);
	VAL(ETHOSU_FD_MAX, 16);
	VAL(ETHOSU_PMU_EVENT_MAX, 8);
	VAL(ETHOSU_NETWORK_DESC_MAX, 32);
	t_end();

	CASE("UAPI enums");
	SIZE(enum ethosu_uapi_status, 4);
	SIZE(enum ethosu_uapi_device_type, 4);
	SIZE(enum ethosu_uapi_network_type, 4);
	VAL(ETHOSU_UAPI_STATUS_OK, 0);
	VAL(ETHOSU_UAPI_STATUS_ERROR, 1);
	VAL(ETHOSU_UAPI_STATUS_RUNNING, 2);
	VAL(ETHOSU_UAPI_STATUS_REJECTED, 3);
	VAL(ETHOSU_UAPI_STATUS_ABORTED, 4);
	VAL(ETHOSU_UAPI_STATUS_ABORTING, 5);
	VAL(ETHOSU_UAPI_DEVICE_UNKNOWN, 0);
	VAL(ETHOSU_UAPI_DEVICE_SUBSYSTEM, 1);
	VAL(ETHOSU_UAPI_DEVICE_DIRECT, 2);
	VAL(ETHOSU_UAPI_NETWORK_USER_BUFFER, 1);
	VAL(ETHOSU_UAPI_NETWORK_INDEX, 2);
	t_end();
}

static void uapi_structs(void)
{
	CASE("struct ethosu_uapi_kernel_driver_version");
	SIZE(struct ethosu_uapi_kernel_driver_version, 12);
	ALIGN(struct ethosu_uapi_kernel_driver_version, 4);
	OFF(struct ethosu_uapi_kernel_driver_version, major, 0);
	OFF(struct ethosu_uapi_kernel_driver_version, minor, 4);
	OFF(struct ethosu_uapi_kernel_driver_version, patch, 8);
	t_end();

	CASE("struct ethosu_uapi_device_hw_id");
	SIZE(struct ethosu_uapi_device_hw_id, 28);
	OFF(struct ethosu_uapi_device_hw_id, version_status, 0);
	OFF(struct ethosu_uapi_device_hw_id, version_minor, 4);
	OFF(struct ethosu_uapi_device_hw_id, version_major, 8);
	OFF(struct ethosu_uapi_device_hw_id, product_major, 12);
	OFF(struct ethosu_uapi_device_hw_id, arch_patch_rev, 16);
	OFF(struct ethosu_uapi_device_hw_id, arch_minor_rev, 20);
	OFF(struct ethosu_uapi_device_hw_id, arch_major_rev, 24);
	t_end();

	CASE("struct ethosu_uapi_device_hw_cfg");
	SIZE(struct ethosu_uapi_device_hw_cfg, 16);
	OFF(struct ethosu_uapi_device_hw_cfg, macs_per_cc, 0);
	OFF(struct ethosu_uapi_device_hw_cfg, cmd_stream_version, 4);
	OFF(struct ethosu_uapi_device_hw_cfg, custom_dma, 8);
	OFF(struct ethosu_uapi_device_hw_cfg, type, 12);
	t_end();

	CASE("struct ethosu_uapi_device_capabilities");
	SIZE(struct ethosu_uapi_device_capabilities, 56);
	ALIGN(struct ethosu_uapi_device_capabilities, 4);
	OFF(struct ethosu_uapi_device_capabilities, hw_id, 0);
	OFF(struct ethosu_uapi_device_capabilities, hw_cfg, 28);
	OFF(struct ethosu_uapi_device_capabilities, driver_patch_rev, 44);
	OFF(struct ethosu_uapi_device_capabilities, driver_minor_rev, 48);
	OFF(struct ethosu_uapi_device_capabilities, driver_major_rev, 52);
	t_end();

	CASE("struct ethosu_uapi_buffer_create");
	SIZE(struct ethosu_uapi_buffer_create, 4);
	OFF(struct ethosu_uapi_buffer_create, size, 0);
	MSIZE(struct ethosu_uapi_buffer_create, size, 4);
	t_end();

	CASE("struct ethosu_uapi_network_create");
	SIZE(struct ethosu_uapi_network_create, 24);
	ALIGN(struct ethosu_uapi_network_create, 8);
	OFF(struct ethosu_uapi_network_create, type, 0);
	OFF(struct ethosu_uapi_network_create, network.data_ptr, 8);
	MSIZE(struct ethosu_uapi_network_create, network.data_ptr, 8);
	OFF(struct ethosu_uapi_network_create, network.size, 16);
	MSIZE(struct ethosu_uapi_network_create, network.size, 4);
	OFF(struct ethosu_uapi_network_create, index, 8);
	MSIZE(struct ethosu_uapi_network_create, index, 4);
	t_end();

	CASE("struct ethosu_uapi_network_info");
	SIZE(struct ethosu_uapi_network_info, 168);
	OFF(struct ethosu_uapi_network_info, desc, 0);
	MSIZE(struct ethosu_uapi_network_info, desc, 32);
	OFF(struct ethosu_uapi_network_info, ifm_count, 32);
	OFF(struct ethosu_uapi_network_info, ifm_size, 36);
	MSIZE(struct ethosu_uapi_network_info, ifm_size, 64);
	OFF(struct ethosu_uapi_network_info, ofm_count, 100);
	OFF(struct ethosu_uapi_network_info, ofm_size, 104);
	MSIZE(struct ethosu_uapi_network_info, ofm_size, 64);
	t_end();

	CASE("struct ethosu_uapi_pmu_config");
	SIZE(struct ethosu_uapi_pmu_config, 36);
	OFF(struct ethosu_uapi_pmu_config, events, 0);
	MSIZE(struct ethosu_uapi_pmu_config, events, 32);
	OFF(struct ethosu_uapi_pmu_config, cycle_count, 32);
	t_end();

	CASE("struct ethosu_uapi_pmu_counts");
	SIZE(struct ethosu_uapi_pmu_counts, 72);
	ALIGN(struct ethosu_uapi_pmu_counts, 8);
	OFF(struct ethosu_uapi_pmu_counts, events, 0);
	MSIZE(struct ethosu_uapi_pmu_counts, events, 64);
	OFF(struct ethosu_uapi_pmu_counts, cycle_count, 64);
	MSIZE(struct ethosu_uapi_pmu_counts, cycle_count, 8);
	t_end();

	CASE("struct ethosu_uapi_inference_create");
	SIZE(struct ethosu_uapi_inference_create, 172);
	ALIGN(struct ethosu_uapi_inference_create, 4);
	OFF(struct ethosu_uapi_inference_create, ifm_count, 0);
	OFF(struct ethosu_uapi_inference_create, ifm_fd, 4);
	MSIZE(struct ethosu_uapi_inference_create, ifm_fd, 64);
	OFF(struct ethosu_uapi_inference_create, ofm_count, 68);
	OFF(struct ethosu_uapi_inference_create, ofm_fd, 72);
	MSIZE(struct ethosu_uapi_inference_create, ofm_fd, 64);
	OFF(struct ethosu_uapi_inference_create, pmu_config, 136);
	t_end();

	CASE("struct ethosu_uapi_result_status");
	SIZE(struct ethosu_uapi_result_status, 112);
	ALIGN(struct ethosu_uapi_result_status, 8);
	OFF(struct ethosu_uapi_result_status, status, 0);
	OFF(struct ethosu_uapi_result_status, pmu_config, 4);
	OFF(struct ethosu_uapi_result_status, pmu_count, 40);
	OFF(struct ethosu_uapi_result_status, pmu_count.events, 40);
	OFF(struct ethosu_uapi_result_status, pmu_count.cycle_count, 104);
	t_end();

	CASE("struct ethosu_uapi_pmu_counts_u32");
	SIZE(struct ethosu_uapi_pmu_counts_u32, 40);
	OFF(struct ethosu_uapi_pmu_counts_u32, events, 0);
	MSIZE(struct ethosu_uapi_pmu_counts_u32, events, 32);
	OFF(struct ethosu_uapi_pmu_counts_u32, cycle_count, 32);
	MSIZE(struct ethosu_uapi_pmu_counts_u32, cycle_count, 8);
	t_end();

	CASE("struct ethosu_uapi_result_status_u32");
	SIZE(struct ethosu_uapi_result_status_u32, 80);
	ALIGN(struct ethosu_uapi_result_status_u32, 8);
	OFF(struct ethosu_uapi_result_status_u32, status, 0);
	OFF(struct ethosu_uapi_result_status_u32, pmu_config, 4);
	OFF(struct ethosu_uapi_result_status_u32, pmu_count, 40);
	OFF(struct ethosu_uapi_result_status_u32, pmu_count.cycle_count, 72);
	t_end();

	CASE("struct ethosu_uapi_cancel_inference_status");
	SIZE(struct ethosu_uapi_cancel_inference_status, 4);
	OFF(struct ethosu_uapi_cancel_inference_status, status, 0);
	t_end();
}

static void uapi_commands(void)
{
	static const struct {
		const char *name;
		unsigned long got, want;
	} cmds[] = {
		{ "PING", ETHOSU_IOCTL_PING, 0x00000100 },
		{ "CAPABILITIES_REQ", ETHOSU_IOCTL_CAPABILITIES_REQ, 0x80380102 },
		{ "DRIVER_VERSION_GET", ETHOSU_IOCTL_DRIVER_VERSION_GET, 0x800C0103 },
		{ "BUFFER_CREATE", ETHOSU_IOCTL_BUFFER_CREATE, 0x80040110 },
		{ "NETWORK_CREATE", ETHOSU_IOCTL_NETWORK_CREATE, 0x80180120 },
		{ "NETWORK_INFO", ETHOSU_IOCTL_NETWORK_INFO, 0x80A80121 },
		{ "INFERENCE_CREATE", ETHOSU_IOCTL_INFERENCE_CREATE, 0x80AC0130 },
		{ "INFERENCE_STATUS", ETHOSU_IOCTL_INFERENCE_STATUS, 0x80700131 },
		{ "INFERENCE_CANCEL", ETHOSU_IOCTL_INFERENCE_CANCEL, 0x80040132 },
		{ "ALT_DRIVER_VERSION_GET", ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, 0x800C0100 },
		{ "ALT_CAPABILITIES_REQ", ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, 0x80380101 },
		{ "ALT_PING", ETHOSU_IOCTL_ALT_PING, 0x00000102 },
		{ "ALT_INFERENCE_STATUS", ETHOSU_IOCTL_ALT_INFERENCE_STATUS, 0x80500131 },
	};
	unsigned int i;

	/* The same numbers again as compile-time checks, for cross compilers. */
	_Static_assert(ETHOSU_IOCTL_PING == 0x00000100, "PING");
	_Static_assert(ETHOSU_IOCTL_CAPABILITIES_REQ == 0x80380102, "CAPABILITIES_REQ");
	_Static_assert(ETHOSU_IOCTL_DRIVER_VERSION_GET == 0x800C0103, "DRIVER_VERSION_GET");
	_Static_assert(ETHOSU_IOCTL_BUFFER_CREATE == 0x80040110, "BUFFER_CREATE");
	_Static_assert(ETHOSU_IOCTL_NETWORK_CREATE == 0x80180120, "NETWORK_CREATE");
	_Static_assert(ETHOSU_IOCTL_NETWORK_INFO == 0x80A80121, "NETWORK_INFO");
	_Static_assert(ETHOSU_IOCTL_INFERENCE_CREATE == 0x80AC0130, "INFERENCE_CREATE");
	_Static_assert(ETHOSU_IOCTL_INFERENCE_STATUS == 0x80700131, "INFERENCE_STATUS");
	_Static_assert(ETHOSU_IOCTL_INFERENCE_CANCEL == 0x80040132, "INFERENCE_CANCEL");
	_Static_assert(ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET == 0x800C0100, "ALT_DRIVER_VERSION");
	_Static_assert(ETHOSU_IOCTL_ALT_CAPABILITIES_REQ == 0x80380101, "ALT_CAPABILITIES_REQ");
	_Static_assert(ETHOSU_IOCTL_ALT_PING == 0x00000102, "ALT_PING");
	_Static_assert(ETHOSU_IOCTL_ALT_INFERENCE_STATUS == 0x80500131, "ALT_INFERENCE_STATUS");

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		t_begin("abi: ioctl %s = 0x%08lx", cmds[i].name, cmds[i].want);
		expect(__LINE__, cmds[i].name, cmds[i].got, cmds[i].want);
		t_end();
	}
}

static void rpmsg_constants(void)
{
	static const uint8_t magic_le[4] = { 0x31, 0x76, 0x45, 0x41 };
	uint32_t magic = ETHOSU_RPMSG_MAGIC;

	CASE("rpmsg constants");
	VAL(ETHOSU_RPMSG_MAGIC, 0x41457631);
	VAL(ETHOSU_RPMSG_VERSION_MAJOR, 0);
	VAL(ETHOSU_RPMSG_VERSION_MINOR, 2);
	VAL(ETHOSU_RPMSG_VERSION_PATCH, 0);
	VAL(ETHOSU_RPMSG_BUFFER_MAX, 16);
	VAL(ETHOSU_RPMSG_PMU_MAX, 8);
	VAL(ETHOSU_RPMSG_DESC_MAX, 32);
	VAL(ETHOSU_RPMSG_ERR_MSG_MAX, 128);
	VAL(sizeof(ETHOSU_RPMSG_NAME), sizeof("ethos-u-0.0"));
	if (strcmp(ETHOSU_RPMSG_NAME, "ethos-u-0.0"))
		t_fail(__LINE__, "ETHOSU_RPMSG_NAME is \"%s\"", ETHOSU_RPMSG_NAME);
	/* 'A' 'E' 'v' '1' as a big-endian number: 31 76 45 41 in little-endian memory */
	if (memcmp(&magic, magic_le, 4))
		t_fail(__LINE__, "magic bytes in memory are not 31 76 45 41");
	t_end();

	CASE("rpmsg enums");
	VAL(ETHOSU_RPMSG_ERR, 1);
	VAL(ETHOSU_RPMSG_PING, 2);
	VAL(ETHOSU_RPMSG_PONG, 3);
	VAL(ETHOSU_RPMSG_INFERENCE_REQ, 4);
	VAL(ETHOSU_RPMSG_INFERENCE_RSP, 5);
	VAL(ETHOSU_RPMSG_VERSION_REQ, 6);
	VAL(ETHOSU_RPMSG_VERSION_RSP, 7);
	VAL(ETHOSU_RPMSG_CAPABILITIES_REQ, 8);
	VAL(ETHOSU_RPMSG_CAPABILITIES_RSP, 9);
	VAL(ETHOSU_RPMSG_NETWORK_INFO_REQ, 10);
	VAL(ETHOSU_RPMSG_NETWORK_INFO_RSP, 11);
	VAL(ETHOSU_RPMSG_CANCEL_INFERENCE_REQ, 12);
	VAL(ETHOSU_RPMSG_CANCEL_INFERENCE_RSP, 13);
	VAL(ETHOSU_RPMSG_MAX, 14);
	VAL(ETHOSU_RPMSG_STATUS_OK, 0);
	VAL(ETHOSU_RPMSG_STATUS_ERROR, 1);
	VAL(ETHOSU_RPMSG_STATUS_RUNNING, 2);
	VAL(ETHOSU_RPMSG_STATUS_REJECTED, 3);
	VAL(ETHOSU_RPMSG_STATUS_ABORTED, 4);
	VAL(ETHOSU_RPMSG_STATUS_ABORTING, 5);
	VAL(ETHOSU_RPMSG_ERR_GENERIC, 0);
	VAL(ETHOSU_RPMSG_ERR_UNSUPPORTED_TYPE, 1);
	VAL(ETHOSU_RPMSG_ERR_INVALID_PAYLOAD, 2);
	VAL(ETHOSU_RPMSG_ERR_INVALID_SIZE, 3);
	VAL(ETHOSU_RPMSG_ERR_INVALID_MAGIC, 4);
	VAL(ETHOSU_RPMSG_ERR_MAX, 5);
	VAL(ETHOSU_RPMSG_NETWORK_BUFFER, 1);
	VAL(ETHOSU_RPMSG_NETWORK_INDEX, 2);
	t_end();
}

static void rpmsg_structs(void)
{
	CASE("struct ethosu_rpmsg_header");
	SIZE(struct ethosu_rpmsg_header, 16);
	ALIGN(struct ethosu_rpmsg_header, 8);
	OFF(struct ethosu_rpmsg_header, magic, 0);
	OFF(struct ethosu_rpmsg_header, type, 4);
	OFF(struct ethosu_rpmsg_header, msg_id, 8);
	MSIZE(struct ethosu_rpmsg_header, msg_id, 8);
	t_end();

	CASE("struct ethosu_rpmsg_buffer");
	SIZE(struct ethosu_rpmsg_buffer, 8);
	OFF(struct ethosu_rpmsg_buffer, ptr, 0);
	MSIZE(struct ethosu_rpmsg_buffer, ptr, 4);
	OFF(struct ethosu_rpmsg_buffer, size, 4);
	t_end();

	CASE("struct ethosu_rpmsg_network_buffer");
	SIZE(struct ethosu_rpmsg_network_buffer, 12);
	OFF(struct ethosu_rpmsg_network_buffer, type, 0);
	OFF(struct ethosu_rpmsg_network_buffer, buffer, 4);
	OFF(struct ethosu_rpmsg_network_buffer, buffer.ptr, 4);
	OFF(struct ethosu_rpmsg_network_buffer, buffer.size, 8);
	OFF(struct ethosu_rpmsg_network_buffer, index, 4);
	t_end();

	CASE("struct ethosu_rpmsg_inference_req");
	SIZE(struct ethosu_rpmsg_inference_req, 288);
	OFF(struct ethosu_rpmsg_inference_req, ifm_count, 0);
	OFF(struct ethosu_rpmsg_inference_req, ifm, 4);
	MSIZE(struct ethosu_rpmsg_inference_req, ifm, 128);
	OFF(struct ethosu_rpmsg_inference_req, ofm_count, 132);
	OFF(struct ethosu_rpmsg_inference_req, ofm, 136);
	MSIZE(struct ethosu_rpmsg_inference_req, ofm, 128);
	OFF(struct ethosu_rpmsg_inference_req, network, 264);
	OFF(struct ethosu_rpmsg_inference_req, pmu_event_config, 276);
	MSIZE(struct ethosu_rpmsg_inference_req, pmu_event_config, 8);
	OFF(struct ethosu_rpmsg_inference_req, pmu_cycle_counter_enable, 284);
	t_end();

	CASE("struct ethosu_rpmsg_inference_rsp");
	SIZE(struct ethosu_rpmsg_inference_rsp, 160);
	ALIGN(struct ethosu_rpmsg_inference_rsp, 8);
	OFF(struct ethosu_rpmsg_inference_rsp, ofm_count, 0);
	OFF(struct ethosu_rpmsg_inference_rsp, ofm_size, 4);
	MSIZE(struct ethosu_rpmsg_inference_rsp, ofm_size, 64);
	OFF(struct ethosu_rpmsg_inference_rsp, status, 68);
	OFF(struct ethosu_rpmsg_inference_rsp, pmu_event_config, 72);
	MSIZE(struct ethosu_rpmsg_inference_rsp, pmu_event_config, 8);
	OFF(struct ethosu_rpmsg_inference_rsp, pmu_event_count, 80);
	MSIZE(struct ethosu_rpmsg_inference_rsp, pmu_event_count, 64);
	OFF(struct ethosu_rpmsg_inference_rsp, pmu_cycle_counter_enable, 144);
	OFF(struct ethosu_rpmsg_inference_rsp, pmu_cycle_counter_count, 152);
	MSIZE(struct ethosu_rpmsg_inference_rsp, pmu_cycle_counter_count, 8);
	t_end();

	CASE("struct ethosu_rpmsg_network_info_req");
	SIZE(struct ethosu_rpmsg_network_info_req, 12);
	OFF(struct ethosu_rpmsg_network_info_req, network, 0);
	t_end();

	CASE("struct ethosu_rpmsg_network_info_rsp");
	SIZE(struct ethosu_rpmsg_network_info_rsp, 172);
	OFF(struct ethosu_rpmsg_network_info_rsp, desc, 0);
	MSIZE(struct ethosu_rpmsg_network_info_rsp, desc, 32);
	OFF(struct ethosu_rpmsg_network_info_rsp, ifm_count, 32);
	OFF(struct ethosu_rpmsg_network_info_rsp, ifm_size, 36);
	OFF(struct ethosu_rpmsg_network_info_rsp, ofm_count, 100);
	OFF(struct ethosu_rpmsg_network_info_rsp, ofm_size, 104);
	OFF(struct ethosu_rpmsg_network_info_rsp, status, 168);
	t_end();

	CASE("struct ethosu_rpmsg_version_rsp");
	SIZE(struct ethosu_rpmsg_version_rsp, 4);
	OFF(struct ethosu_rpmsg_version_rsp, major, 0);
	OFF(struct ethosu_rpmsg_version_rsp, minor, 1);
	OFF(struct ethosu_rpmsg_version_rsp, patch, 2);
	OFF(struct ethosu_rpmsg_version_rsp, _reserved, 3);
	t_end();

	CASE("struct ethosu_rpmsg_capabilities_rsp");
	SIZE(struct ethosu_rpmsg_capabilities_rsp, 52);
	OFF(struct ethosu_rpmsg_capabilities_rsp, version_status, 0);
	OFF(struct ethosu_rpmsg_capabilities_rsp, version_minor, 4);
	OFF(struct ethosu_rpmsg_capabilities_rsp, version_major, 8);
	OFF(struct ethosu_rpmsg_capabilities_rsp, product_major, 12);
	OFF(struct ethosu_rpmsg_capabilities_rsp, arch_patch_rev, 16);
	OFF(struct ethosu_rpmsg_capabilities_rsp, arch_minor_rev, 20);
	OFF(struct ethosu_rpmsg_capabilities_rsp, arch_major_rev, 24);
	OFF(struct ethosu_rpmsg_capabilities_rsp, driver_patch_rev, 28);
	OFF(struct ethosu_rpmsg_capabilities_rsp, driver_minor_rev, 32);
	OFF(struct ethosu_rpmsg_capabilities_rsp, driver_major_rev, 36);
	OFF(struct ethosu_rpmsg_capabilities_rsp, macs_per_cc, 40);
	OFF(struct ethosu_rpmsg_capabilities_rsp, cmd_stream_version, 44);
	OFF(struct ethosu_rpmsg_capabilities_rsp, custom_dma, 48);
	t_end();

	CASE("struct ethosu_rpmsg_cancel_inference_req");
	SIZE(struct ethosu_rpmsg_cancel_inference_req, 8);
	OFF(struct ethosu_rpmsg_cancel_inference_req, inference_handle, 0);
	MSIZE(struct ethosu_rpmsg_cancel_inference_req, inference_handle, 8);
	t_end();

	CASE("struct ethosu_rpmsg_cancel_inference_rsp");
	SIZE(struct ethosu_rpmsg_cancel_inference_rsp, 4);
	OFF(struct ethosu_rpmsg_cancel_inference_rsp, status, 0);
	t_end();

	CASE("struct ethosu_rpmsg_err");
	SIZE(struct ethosu_rpmsg_err, 132);
	OFF(struct ethosu_rpmsg_err, type, 0);
	OFF(struct ethosu_rpmsg_err, msg, 4);
	MSIZE(struct ethosu_rpmsg_err, msg, 128);
	t_end();

	CASE("struct ethosu_rpmsg");
	SIZE(struct ethosu_rpmsg, 304);
	ALIGN(struct ethosu_rpmsg, 8);
	OFF(struct ethosu_rpmsg, header, 0);
	OFF(struct ethosu_rpmsg, error, 16);
	OFF(struct ethosu_rpmsg, inf_req, 16);
	OFF(struct ethosu_rpmsg, inf_rsp, 16);
	OFF(struct ethosu_rpmsg, net_info_req, 16);
	OFF(struct ethosu_rpmsg, net_info_rsp, 16);
	OFF(struct ethosu_rpmsg, cap_rsp, 16);
	OFF(struct ethosu_rpmsg, cancel_req, 16);
	OFF(struct ethosu_rpmsg, cancel_rsp, 16);
	OFF(struct ethosu_rpmsg, version_rsp, 16);
	t_end();

	/* The driver copies the firmware's description straight into the UAPI struct. */
	CASE("network description sizes agree");
	VAL(sizeof(((struct ethosu_rpmsg_network_info_rsp *)0)->desc),
	    sizeof(((struct ethosu_uapi_network_info *)0)->desc));
	VAL(ETHOSU_RPMSG_BUFFER_MAX, ETHOSU_FD_MAX);
	VAL(ETHOSU_RPMSG_PMU_MAX, ETHOSU_PMU_EVENT_MAX);
	t_end();
}

int main(void)
{
	uapi_constants();
	uapi_structs();
	uapi_commands();
	rpmsg_constants();
	rpmsg_structs();
	return t_exit();
}
