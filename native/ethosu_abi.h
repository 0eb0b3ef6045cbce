// SPDX-License-Identifier: Apache-2.0
// The one place the addon includes the kernel's UAPI header (no second copy of the ABI).
#pragma once

#include <cstdint>

extern "C" {
#include "uapi/ethosu.h"
}

namespace ethosu {

// Ioctl numbering of DRIVER_VERSION_GET, CAPABILITIES_REQ and PING: the header's primary encoding,
// or the alternative one (see the header). Settled per device when the version is read.
enum class Numbering { kPrimary, kAlternative };

// ioctl() retried on EINTR: every command is safe to repeat when it was interrupted before the
// kernel did anything. Returns the ioctl result, errno set on -1.
int Ioctl(int fd, unsigned long cmd, void* arg);

}  // namespace ethosu
