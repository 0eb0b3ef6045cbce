// SPDX-License-Identifier: Apache-2.0
#include <sys/ioctl.h>

#include <cerrno>

#include "ethosu_abi.h"

namespace ethosu {

int Ioctl(int fd, unsigned long cmd, void* arg) {
  int ret;
  do {
    ret = ::ioctl(fd, cmd, arg);
  } while (ret < 0 && errno == EINTR);
  return ret;
}

}  // namespace ethosu
