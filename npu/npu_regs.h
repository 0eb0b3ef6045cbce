/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * Ethos-U55/U65 command opcodes and register fields (architecture 1.x), as the public register
 * descriptions give them. cmd0 words carry a 16-bit immediate; cmd1 words (bit 14 set) are
 * followed by a 32-bit payload.
 */
#ifndef NPU_REGS_H
#define NPU_REGS_H

#define NPU_CMD1_FLAG 0x4000u
#define NPU_OPCODE_MASK 0x3ffu

/* cmd0 operations */
#define NPU_OP_STOP 0x000
#define NPU_OP_IRQ 0x001
#define NPU_OP_CONV 0x002
#define NPU_OP_DEPTHWISE 0x003
#define NPU_OP_POOL 0x005
#define NPU_OP_ELEMENTWISE 0x006
#define NPU_OP_DMA_START 0x010
#define NPU_OP_DMA_WAIT 0x011
#define NPU_OP_KERNEL_WAIT 0x012
#define NPU_OP_PMU_MASK 0x013

/* cmd0 registers */
#define NPU_SET_IFM_PAD_TOP 0x100
#define NPU_SET_IFM_PAD_LEFT 0x101
#define NPU_SET_IFM_PAD_RIGHT 0x102
#define NPU_SET_IFM_PAD_BOTTOM 0x103
#define NPU_SET_IFM_DEPTH_M1 0x104
#define NPU_SET_IFM_PRECISION 0x105
#define NPU_SET_IFM_UPSCALE 0x107
#define NPU_SET_IFM_ZERO_POINT 0x109
#define NPU_SET_IFM_WIDTH0_M1 0x10a
#define NPU_SET_IFM_HEIGHT0_M1 0x10b
#define NPU_SET_IFM_HEIGHT1_M1 0x10c
#define NPU_SET_IFM_REGION 0x10f
#define NPU_SET_OFM_WIDTH_M1 0x111
#define NPU_SET_OFM_HEIGHT_M1 0x112
#define NPU_SET_OFM_DEPTH_M1 0x113
#define NPU_SET_OFM_PRECISION 0x114
#define NPU_SET_OFM_BLK_DEPTH_M1 0x117
#define NPU_SET_OFM_ZERO_POINT 0x118
#define NPU_SET_OFM_WIDTH0_M1 0x11a
#define NPU_SET_OFM_HEIGHT0_M1 0x11b
#define NPU_SET_OFM_HEIGHT1_M1 0x11c
#define NPU_SET_OFM_REGION 0x11f
#define NPU_SET_KERNEL_WIDTH_M1 0x120
#define NPU_SET_KERNEL_HEIGHT_M1 0x121
#define NPU_SET_KERNEL_STRIDE 0x122
#define NPU_SET_ACC_FORMAT 0x124
#define NPU_SET_ACTIVATION 0x125
#define NPU_SET_ACTIVATION_MIN 0x126
#define NPU_SET_ACTIVATION_MAX 0x127
#define NPU_SET_WEIGHT_REGION 0x128
#define NPU_SET_SCALE_REGION 0x129
#define NPU_SET_DMA0_SRC_REGION 0x130
#define NPU_SET_DMA0_DST_REGION 0x131
#define NPU_SET_IFM2_BROADCAST 0x180
#define NPU_SET_IFM2_SCALAR 0x181
#define NPU_SET_IFM2_PRECISION 0x185
#define NPU_SET_IFM2_ZERO_POINT 0x189
#define NPU_SET_IFM2_WIDTH0_M1 0x18a
#define NPU_SET_IFM2_HEIGHT0_M1 0x18b
#define NPU_SET_IFM2_HEIGHT1_M1 0x18c
#define NPU_SET_IFM2_REGION 0x18f

/* cmd1 registers */
#define NPU_SET_IFM_BASE0 0x000
#define NPU_SET_IFM_STRIDE_X 0x004
#define NPU_SET_IFM_STRIDE_Y 0x005
#define NPU_SET_IFM_STRIDE_C 0x006
#define NPU_SET_OFM_BASE0 0x010
#define NPU_SET_OFM_STRIDE_X 0x014
#define NPU_SET_OFM_STRIDE_Y 0x015
#define NPU_SET_OFM_STRIDE_C 0x016
#define NPU_SET_WEIGHT_BASE 0x020
#define NPU_SET_WEIGHT_LENGTH 0x021
#define NPU_SET_SCALE_BASE 0x022
#define NPU_SET_SCALE_LENGTH 0x023
#define NPU_SET_OFM_SCALE 0x024
#define NPU_SET_OPA_SCALE 0x025
#define NPU_SET_OPB_SCALE 0x026
#define NPU_SET_DMA0_SRC 0x030
#define NPU_SET_DMA0_DST 0x031
#define NPU_SET_DMA0_LEN 0x032
#define NPU_SET_IFM2_BASE0 0x080
#define NPU_SET_IFM2_STRIDE_X 0x084
#define NPU_SET_IFM2_STRIDE_Y 0x085
#define NPU_SET_IFM2_STRIDE_C 0x086
#define NPU_SET_WEIGHT1_BASE 0x090
#define NPU_SET_WEIGHT1_LENGTH 0x091
#define NPU_SET_SCALE1_BASE 0x092
#define NPU_SET_SCALE1_LENGTH 0x093

/* Register fields */
#define NPU_PREC_SIGNED 0x1u
#define NPU_PREC_IFM_SIZE(p) (((p) >> 2) & 3u)		/* 0: 8 bit, 1: 16, 2: 32 */
#define NPU_PREC_OFM_SIZE(p) (((p) >> 1) & 3u)
#define NPU_PREC_BRICK 0x40u				/* NHCWB16 */
#define NPU_PREC_IFM_SCALE_MODE(p) (((p) >> 8) & 3u)
#define NPU_PREC_OFM_GLOBAL_SCALE 0x100u
#define NPU_PREC_ROUND(p) (((p) >> 14) & 3u)

#define NPU_ROUND_TFL 0
#define NPU_ROUND_TRUNCATE 1
#define NPU_ROUND_NATURAL 2

#define NPU_ACT_FUNC(a) ((a) & 0xfffu)
#define NPU_ACT_CLIP(a) (((a) >> 12) & 0xfu)
#define NPU_ACT_NONE 0
#define NPU_ACT_TANH 3
#define NPU_ACT_SIGMOID 4
#define NPU_ACT_LUT0 16
#define NPU_ACT_LUT7 23
#define NPU_CLIP_OFM 0
#define NPU_CLIP_U8 2
#define NPU_CLIP_S8 3
#define NPU_CLIP_S16 5

#define NPU_STRIDE_X_LO(k) ((k) & 1u)
#define NPU_STRIDE_Y_LO(k) (((k) >> 1) & 1u)
#define NPU_STRIDE_PART_KERNEL 0x4u
#define NPU_STRIDE_DIL_X(k) (((k) >> 3) & 1u)
#define NPU_STRIDE_DIL_Y(k) (((k) >> 4) & 1u)
#define NPU_STRIDE_X_HI(k) (((k) >> 6) & 7u)
#define NPU_STRIDE_Y_HI(k) (((k) >> 9) & 7u)

#define NPU_BCAST_H 0x1u
#define NPU_BCAST_W 0x2u
#define NPU_BCAST_C 0x4u
#define NPU_BCAST_REVERSED 0x40u
#define NPU_BCAST_SCALAR 0x80u

#define NPU_POOL_MAX 0
#define NPU_POOL_AVERAGE 1
#define NPU_POOL_REDUCE_SUM 2

#define NPU_EW_MUL 0
#define NPU_EW_ADD 1
#define NPU_EW_SUB 2
#define NPU_EW_MIN 3
#define NPU_EW_MAX 4
#define NPU_EW_LRELU 5
#define NPU_EW_ABS 6
#define NPU_EW_CLZ 7
#define NPU_EW_SHR 8
#define NPU_EW_SHL 9

#define NPU_DMA_REGION_INTERNAL 0x100u

/*
 * Ethos-U85 (architecture 2.x): the same opcodes plus the registers below, but other fields
 * in the precision, activation, kernel-stride, broadcast and scale registers.
 */
#define NPU_OP_RESIZE 0x007
#define NPU_SET_IFM_BROADCAST 0x108
#define NPU_SET_OFM_BLK_WIDTH_M1 0x115
#define NPU_SET_OFM_BLK_HEIGHT_M1 0x116
#define NPU_SET_WEIGHT_FORMAT 0x12e
#define NPU_SET_IFM_SCALE 0x025
#define NPU_SET_IFM2_SCALE 0x026
#define NPU_SET_OP_SCALAR 0x027

/* IFM/IFM2/OFM_PRECISION */
#define NPU85_PREC_IFM_SIZE(p) (((p) >> 2) & 3u)	/* 0: 8 bit ... 3: 64 */
#define NPU85_PREC_OFM_SIZE(p) (((p) >> 1) & 3u)
#define NPU85_PREC_FORMAT(p) (((p) >> 6) & 3u)		/* 0 NHWC, 1 NHCWB16 */
#define NPU85_PREC_OFM_GLOBAL_SCALE 0x100u
#define NPU85_PREC_OFM_REVERSE(p) (((p) >> 9) & 3u)
#define NPU85_PREC_OFM_TRANSPOSE(p) (((p) >> 11) & 7u)
#define NPU85_PREC_STORAGE(p) (((p) >> 14) & 3u)
#define NPU85_STORAGE_TILE2X2 0
#define NPU85_STORAGE_TILE3X1 1
#define NPU85_STORAGE_CHAINED 2	/* region register = chain buffer */
#define NPU85_STORAGE_NONE 3	/* IFM: the scalar OP_SCALAR; OFM: no output */

/* OFM/IFM/IFM2_SCALE immediates: shift, double-rounding position, rounding mode. */
#define NPU85_SCALE_SHIFT(i) ((i) & 0x3fu)
#define NPU85_SCALE_DBL_RND(i) (((i) >> 6) & 0x1fu)
#define NPU85_SCALE_OFM_ROUND(i) (((i) >> 13) & 7u)
#define NPU85_SCALE_IFM_ROUND(i) (((i) >> 13) & 1u)
#define NPU85_ROUND_DBL_SYMMETRIC 0
#define NPU85_ROUND_NATURAL 1
#define NPU85_ROUND_DBL_ASYMMETRIC 2
#define NPU85_ROUND_SYMMETRIC 3
#define NPU85_ROUND_TRUNCATE_ZERO 4
#define NPU85_ROUND_TRUNCATE_LOWER 5

/* ACTIVATION */
#define NPU85_ACT_FUNC(a) ((a) & 0x1fu)
#define NPU85_ACT_TABLE(a) (((a) >> 5) & 7u)
#define NPU85_ACT_NO_CLIP 0x1000u	/* clip range NONE: ACTIVATION_MIN/MAX off */
#define NPU85_ACT_NONE 0
#define NPU85_ACT_LUT_U8_U8 1
#define NPU85_ACT_LUT_S8_S8 4
#define NPU85_ACT_LUT_S8_S16 5
#define NPU85_ACT_LUT_S8_S32 7
#define NPU85_ACT_LUT_S16_S16 8
#define NPU85_ACT_LUT_S16_S32 9
#define NPU85_ACT_TANH 10
#define NPU85_ACT_SIGMOID 11
#define NPU85_LUT_BYTES 2048	/* LUT memory: 8 slots of 256 bytes */

/* ACC_FORMAT */
#define NPU85_ACC_48BIT(a) ((a) & 3u)
#define NPU85_ACC_INPUT(a) (((a) >> 4) & 3u)
#define NPU85_ACC_OUTPUT_OFF 0x40u
#define NPU85_ACC_MICROBLOCK(a) (((a) >> 8) & 7u)

/* KERNEL_STRIDE */
#define NPU85_STRIDE_X_HI(k) (((k) >> 6) & 1u)
#define NPU85_STRIDE_Y_HI(k) (((k) >> 9) & 1u)
#define NPU85_STRIDE_DECOMP_4X4 0x20u

/* IFM/IFM2_BROADCAST: 1 H, 2 W, 4 C, 8 scalar */
#define NPU85_BCAST_MODE(b) ((b) & 0xfu)
#define NPU85_BCAST_SCALAR 8

/* WEIGHT_FORMAT */
#define NPU85_WEIGHT_FAST 0x1u
#define NPU85_WEIGHT_SPARSE 0x10u

#define NPU85_POOL_SUM 3
#define NPU85_POOL_NONE 4
#define NPU85_POOL_MIN 5
#define NPU85_POOL_ARGMAX_X 6
#define NPU85_POOL_ARGMAX_Y 7

/* More weight streams (one per core, up to four) */
#define NPU_SET_WEIGHT2_BASE 0x092
#define NPU_SET_WEIGHT2_LENGTH 0x093
#define NPU_SET_WEIGHT3_BASE 0x094
#define NPU_SET_WEIGHT3_LENGTH 0x095

#endif
