// SPDX-License-Identifier: Apache-2.0
// An inference fd: INFERENCE_STATUS, INFERENCE_CANCEL and waiting for completion.
#pragma once

#include <napi.h>

#include "fd_object.h"

namespace ethosu {

class Poller;

class Inference : public Napi::ObjectWrap<Inference>, private FdObject {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps `fd`; owns it from the call on.
  static Napi::Value Create(Napi::Env env, int fd);

  explicit Inference(const Napi::CallbackInfo& info);
  ~Inference() override;

  // A cancel job is done with the fd.
  void ReleaseFd();

 private:
  struct Init {
    int fd;
  };

  Napi::Value GetFd(const Napi::CallbackInfo& info);
  Napi::Value Status(const Napi::CallbackInfo& info);
  // cancel(): Promise<status>, the kernel's answer (OK = the firmware accepted).
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  // wait(timeoutMs): Promise<boolean>, true = done, false = timed out; negative = no timeout.
  Napi::Value Wait(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  Poller* poller_ = nullptr;
  bool status_u32_ = false;  // the kernel only knows the 32-bit-counter INFERENCE_STATUS
};

}  // namespace ethosu
