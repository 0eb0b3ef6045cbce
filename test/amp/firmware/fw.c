// SPDX-License-Identifier: Apache-2.0
/*
 * The AMP test firmware: a minimal Cortex-M image whose point is its resource table, the
 * contract with the remoteproc driver. The code only parks the core (no Cortex-M is emulated:
 * the rig checks what the host side does with this image). Built by scripts/build-amp from
 * test/amp/layout.env; variants (one -D each):
 *   RSC_NONE      no .resource_table section at all
 *   RSC_BADOFFSET a table whose last entry offset points past its end
 *   RSC_SMALLMAP  an RSC_MAPPING with room for 1 range (the guest bus has 2)
 */
#include <stddef.h>
#include <stdint.h>

/* Resource types of the remoteproc resource table (version 1) */
#define RSC_CARVEOUT 0
#define RSC_TRACE 2
#define RSC_VDEV 3
#define RSC_MAPPING 129 /* vendor: RSC_VENDOR_START + 1 */
#define VIRTIO_ID_RPMSG 7
#define VIRTIO_RPMSG_F_NS 0
#define FW_RSC_ADDR_ANY 0xffffffffu

#define NUM_VRINGS 2
#define VRING_ALIGN 0x100
#define VRING_NUM 8
#define TRACE_LEN 1024

#ifdef RSC_SMALLMAP
#define MAPPING_RANGES 1
#else
#define MAPPING_RANGES 2
#endif

struct mapping_range {
	uint32_t da;
	uint32_t pa;
	uint32_t len;
} __attribute__((packed));

struct rsc_mapping {
	uint32_t type;
	uint8_t num_ranges;
	struct mapping_range range[MAPPING_RANGES];
	uint8_t pad[3]; /* the next entry 4-byte aligned */
} __attribute__((packed));

struct rsc_trace {
	uint32_t type;
	uint32_t da;
	uint32_t len;
	uint32_t reserved;
	char name[32];
};

struct vring_rsc {
	uint32_t da;
	uint32_t align;
	uint32_t num;
	uint32_t notifyid;
	uint32_t pa;
};

struct rsc_vdev {
	uint32_t type;
	uint32_t id;
	uint32_t notifyid;
	uint32_t dfeatures;
	uint32_t gfeatures;
	uint32_t config_len;
	uint8_t status;
	uint8_t num_of_vrings;
	uint8_t reserved[2];
	struct vring_rsc vring[NUM_VRINGS];
};

struct rsc_carveout {
	uint32_t type;
	uint32_t da;
	uint32_t pa;
	uint32_t len;
	uint32_t flags;
	uint32_t reserved;
	char name[32];
};

#define NUM_ENTRIES 4

struct resource_table {
	uint32_t ver;
	uint32_t num;
	uint32_t reserved[2];
	uint32_t offset[NUM_ENTRIES];
	struct rsc_mapping mapping;
	struct rsc_trace trace;
	struct rsc_vdev vdev;
	struct rsc_carveout carveout;
};

/* The trace buffer, in "shared" memory: the host reads it as remoteproc's trace0 */
__attribute__((section(".trace"), used, aligned(8))) char trace_buf[TRACE_LEN] = TRACE_TEXT "\n";

#ifndef RSC_NONE
__attribute__((section(".resource_table"), used, aligned(8)))
struct resource_table resource_table = {
	.ver = 1,
	.num = NUM_ENTRIES,
	.offset = {
		offsetof(struct resource_table, mapping),
		offsetof(struct resource_table, trace),
		offsetof(struct resource_table, vdev),
#ifdef RSC_BADOFFSET
		sizeof(struct resource_table) + 64,
#else
		offsetof(struct resource_table, carveout),
#endif
	},
	/* The host fills the ranges from the parent bus's dma-ranges */
	.mapping = { .type = RSC_MAPPING, .num_ranges = MAPPING_RANGES },
	.trace = {
		.type = RSC_TRACE,
		.da = (uint32_t)(uintptr_t)trace_buf,
		.len = TRACE_LEN,
		.name = "trace0",
	},
	.vdev = {
		.type = RSC_VDEV,
		.id = VIRTIO_ID_RPMSG,
		.dfeatures = 1u << VIRTIO_RPMSG_F_NS,
		.num_of_vrings = NUM_VRINGS,
		.vring = {
			{ .da = FW_RSC_ADDR_ANY, .align = VRING_ALIGN, .num = VRING_NUM },
			{ .da = FW_RSC_ADDR_ANY, .align = VRING_ALIGN, .num = VRING_NUM },
		},
	},
	/* The tensor arena: the host gives its memory-region of the same name */
	.carveout = {
		.type = RSC_CARVEOUT,
		.da = FW_RSC_ADDR_ANY,
		.pa = FW_RSC_ADDR_ANY,
		.len = 0x1000,
		.name = "ethosu-arena",
	},
};
#endif

extern uint32_t __stack_top;

void reset_handler(void);

/* Parks the core: the rig emulates no Cortex-M instruction. */
void reset_handler(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

__attribute__((section(".vectors"), used)) const uintptr_t vectors[2] = {
	(uintptr_t)&__stack_top,
	(uintptr_t)reset_handler,
};
