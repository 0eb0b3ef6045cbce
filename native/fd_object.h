// SPDX-License-Identifier: Apache-2.0
// Ownership of one file descriptor by a native object: closed exactly once, by close() or, as a
// backstop, by the finalizer.
#pragma once

#include <napi.h>
#include <unistd.h>

#include <string>

#include "errors.h"

namespace ethosu {

class FdObject {
 public:
  FdObject(int fd, const char* what) : fd_(fd), what_(what) {}
  FdObject(const FdObject&) = delete;
  FdObject& operator=(const FdObject&) = delete;
  ~FdObject() { CloseFd(); }

 protected:
  // The fd, or an ERR_ETHOSU_CLOSED error thrown when the object was closed.
  int OpenFd(Napi::Env env) const {
    if (fd_ < 0) {
      throw LibError(env, "ERR_ETHOSU_CLOSED",
                     std::string(what_) + " is closed: create a new one instead of reusing it");
    }
    return fd_;
  }
  // Takes ownership of `fd` (called once, from the constructor of the wrapping object).
  void Adopt(int fd) {
    CloseFd();
    fd_ = fd;
  }
  bool IsOpen() const { return fd_ >= 0; }
  int RawFd() const { return fd_; }

  // close(2) is not retried on EINTR: on Linux the fd is released whatever it returns.
  void CloseFd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  const char* what_;
};

}  // namespace ethosu
