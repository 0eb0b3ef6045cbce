/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * The only environment the model needs: fixed-width integers, bool, size_t and two byte helpers.
 * In the kernel they come from <linux/types.h>; in user space from the compiler's freestanding
 * headers, so no libc is linked in either case.
 */
#ifndef NPU_SHIM_H
#define NPU_SHIM_H

#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
#endif

#define NPU_S64_MIN (-0x7fffffffffffffffll - 1)
#define NPU_S64_MAX 0x7fffffffffffffffll

static inline void npu_memset(void *dst, u8 v, size_t n)
{
	u8 *d = dst;

	while (n--)
		*d++ = v;
}

static inline void npu_memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
}

/* 64-bit division: 32-bit kernels have no plain 64-bit divide. */
static inline u64 npu_div_u64(u64 a, u32 b)
{
#ifdef __KERNEL__
	return div_u64(a, b);
#else
	return a / b;
#endif
}

static inline u32 npu_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

#endif
