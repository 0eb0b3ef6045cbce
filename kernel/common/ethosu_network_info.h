/* SPDX-License-Identifier: GPL-2.0-only */
/* NETWORK_INFO: ask the firmware what a network's inputs and outputs are. */
#ifndef ETHOSU_NETWORK_INFO_H
#define ETHOSU_NETWORK_INFO_H

#include <linux/compiler_types.h>

struct ethosu_network;

long ethosu_network_info_ioctl(struct ethosu_network *net, void __user *udata);

#endif /* ETHOSU_NETWORK_INFO_H */
