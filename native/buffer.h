// SPDX-License-Identifier: Apache-2.0
// An Ethos-U buffer fd and its shared mapping, exposed to JavaScript as an ArrayBuffer: the
// mapping itself (zero copy), or, where external buffers are not allowed, a JS-owned copy that is
// synchronised explicitly around inferences.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

#include "fd_object.h"

namespace ethosu {

// The mmap of a buffer fd. Shared by the Buffer object and the external ArrayBuffer (which can
// outlive it when user code keeps a view, or a libuv worker still reads it): unmapped only when
// the last holder lets go. close() retires it first.
struct Mapping {
  void* addr;
  size_t size;
  int refs;

  // Puts zero pages over the device memory at the same address: the DMA buffer is let go at
  // once, and a stale reader reads zeros instead of faulting.
  void Retire();
  void Unmap();
  void Release();
};

class Buffer : public Napi::ObjectWrap<Buffer>, private FdObject {
 public:
  static Napi::Function Define(Napi::Env env);
  // Maps `fd` and wraps it; owns `fd` from the call on, also when it throws.
  static Napi::Value Create(Napi::Env env, int fd, uint32_t size, bool copy_mode);

  explicit Buffer(const Napi::CallbackInfo& info);
  ~Buffer() override;

 private:
  struct Init {
    int fd;
    Mapping* mapping;
    bool copy_mode;
  };

  Napi::Value GetFd(const Napi::CallbackInfo& info);
  Napi::Value GetSize(const Napi::CallbackInfo& info);
  Napi::Value GetData(const Napi::CallbackInfo& info);
  Napi::Value GetZeroCopy(const Napi::CallbackInfo& info);
  void SyncToDevice(const Napi::CallbackInfo& info);
  void SyncFromDevice(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  Napi::ArrayBuffer MakeArrayBuffer(Napi::Env env, bool copy_mode);
  Napi::ArrayBuffer CopyArrayBuffer(Napi::Env env);
  void CheckCopyIntact(Napi::Env env, Napi::ArrayBuffer ab) const;

  Mapping* mapping_ = nullptr;
  size_t size_ = 0;
  bool zero_copy_ = false;
  Napi::Reference<Napi::ArrayBuffer> data_;
};

}  // namespace ethosu
