// SPDX-License-Identifier: Apache-2.0
// Ownership of one file descriptor by a native object: closed exactly once, by close() or, as a
// backstop, by the finalizer. While a worker thread uses the fd (Hold), close() only marks the
// object closed; the fd itself goes when the worker is done, so its number is never reused under
// a running ioctl.
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
  ~FdObject() { CloseNow(); }

 protected:
  // The fd, or an ERR_ETHOSU_CLOSED error thrown when the object was closed.
  int OpenFd(Napi::Env env) const {
    if (!IsOpen()) {
      throw LibError(env, "ERR_ETHOSU_CLOSED",
                     std::string(what_) + " is closed: create a new one instead of reusing it");
    }
    return fd_;
  }
  // Takes ownership of `fd` (called once, from the constructor of the wrapping object).
  void Adopt(int fd) {
    CloseNow();
    fd_ = fd;
  }
  bool IsOpen() const { return fd_ >= 0 && !closing_; }
  int RawFd() const { return IsOpen() ? fd_ : -1; }

  // The open fd for a worker thread; each Hold() needs one Unhold() on the JS thread after.
  int Hold(Napi::Env env) {
    int fd = OpenFd(env);
    ++holds_;
    return fd;
  }
  void Unhold() {
    if (--holds_ == 0 && closing_) CloseNow();
  }

  void CloseFd() {
    if (holds_ > 0) {
      closing_ = true;
    } else {
      CloseNow();
    }
  }

 private:
  // close(2) is not retried on EINTR: on Linux the fd is released whatever it returns.
  void CloseNow() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    closing_ = false;
  }

  int fd_;
  const char* what_;
  int holds_ = 0;
  bool closing_ = false;
};

}  // namespace ethosu
