// SPDX-License-Identifier: GPL-2.0-only
/* Alternative encodings of some ioctls, accepted as aliases of the canonical ones. */

#include <linux/kernel.h>

#include "uapi/ethosu.h"
#include "ethosu_ioctl_compat.h"

/*
 * The upstream G3 header was never published, so two details of its ABI are guesses: the nr
 * numbering of DRIVER_VERSION_GET / CAPABILITIES_REQ / PING, and whether INFERENCE_STATUS
 * carries 64-bit or 32-bit PMU counts (112 or 80 bytes). The UAPI header picks one of each; a
 * library built against the other guess must still work, so its encodings land on the same
 * handlers. None of these values collides with another command.
 */
static const struct {
	unsigned int alias;
	unsigned int cmd;
} ethosu_ioctl_aliases[] = {
	{ ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, ETHOSU_IOCTL_DRIVER_VERSION_GET },
	{ ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, ETHOSU_IOCTL_CAPABILITIES_REQ },
	{ ETHOSU_IOCTL_ALT_PING, ETHOSU_IOCTL_PING },
	/* The handler writes the 80-byte layout, counts truncated to 32 bits */
	{ ETHOSU_IOCTL_ALT_INFERENCE_STATUS, ETHOSU_IOCTL_INFERENCE_STATUS },
};

unsigned int ethosu_ioctl_canonical(unsigned int cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ethosu_ioctl_aliases); i++)
		if (ethosu_ioctl_aliases[i].alias == cmd)
			return ethosu_ioctl_aliases[i].cmd;

	return cmd;
}
