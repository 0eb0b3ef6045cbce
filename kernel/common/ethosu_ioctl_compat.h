/* SPDX-License-Identifier: GPL-2.0-only */
/* Alternative encodings of some ioctls, accepted as aliases of the canonical ones. */
#ifndef ETHOSU_IOCTL_COMPAT_H
#define ETHOSU_IOCTL_COMPAT_H

unsigned int ethosu_ioctl_canonical(unsigned int cmd);

#endif /* ETHOSU_IOCTL_COMPAT_H */
