/* SPDX-License-Identifier: GPL-2.0-only */
/* Building and validating ethos-u rpmsg messages (wire protocol 0.2.0). */
#ifndef ETHOSU_RPMSG_MSG_H
#define ETHOSU_RPMSG_MSG_H

#include <linux/types.h>

#include "rpmsg/ethosu_rpmsg.h"

struct device;

void ethosu_rpmsg_header_init(struct ethosu_rpmsg_header *hdr, u32 type, u64 msg_id);
u32 ethosu_rpmsg_rsp_type(u32 req_type);
int ethosu_rpmsg_validate(struct device *dev, const void *data, int len,
			  struct ethosu_rpmsg *rpmsg);

#endif /* ETHOSU_RPMSG_MSG_H */
