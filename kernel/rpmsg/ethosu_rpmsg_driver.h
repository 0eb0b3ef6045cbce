/* SPDX-License-Identifier: GPL-2.0-only */
/* The rpmsg driver binding one ethosu device to each "ethos-u-0.0" endpoint of a subsystem. */
#ifndef ETHOSU_RPMSG_DRIVER_H
#define ETHOSU_RPMSG_DRIVER_H

struct ethosu_device;

int ethosu_rpmsg_register(void);
void ethosu_rpmsg_unregister(void);
void ethosu_rpmsg_request_recovery(struct ethosu_device *edev);

#endif /* ETHOSU_RPMSG_DRIVER_H */
