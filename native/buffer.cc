// SPDX-License-Identifier: Apache-2.0
#include "buffer.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "addon_data.h"
#include "errors.h"

namespace ethosu {

void Mapping::Retire() {
  if (addr == nullptr) return;
  // Atomic replacement: no instant where the range is unmapped. Should it fail, the device
  // mapping just stays until the last holder lets go.
  ::mmap(addr, size, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

void Mapping::Unmap() {
  if (addr != nullptr) ::munmap(addr, size);
  addr = nullptr;
}

void Mapping::Release() {
  if (--refs > 0) return;
  Unmap();
  delete this;
}

Napi::Function Buffer::Define(Napi::Env env) {
  return DefineClass(env, "Buffer",
                     {
                         InstanceAccessor<&Buffer::GetFd>("fd"),
                         InstanceAccessor<&Buffer::GetSize>("size"),
                         InstanceAccessor<&Buffer::GetData>("data"),
                         InstanceAccessor<&Buffer::GetZeroCopy>("zeroCopy"),
                         InstanceMethod<&Buffer::SyncToDevice>("syncToDevice"),
                         InstanceMethod<&Buffer::SyncFromDevice>("syncFromDevice"),
                         InstanceMethod<&Buffer::Close>("close"),
                     });
}

Napi::Value Buffer::Create(Napi::Env env, int fd, uint32_t size, bool copy_mode) {
  void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (addr == MAP_FAILED) {
    int err = errno;
    ::close(fd);
    throw SysError(env, "mmap", err);
  }
  Init init{fd, new Mapping{addr, size, 1}, copy_mode};
  try {
    return NewInternal(env, GetAddonData(env)->buffer_ctor, &init);
  } catch (...) {
    // Whatever the constructor did not take over is released here.
    if (init.fd >= 0) ::close(init.fd);
    if (init.mapping != nullptr) init.mapping->Release();
    throw;
  }
}

// Backing-store release of the external ArrayBuffer: drops its hold on the mapping.
static void FinalizeExternal(napi_env, void*, void* hint) {
  static_cast<Mapping*>(hint)->Release();
}

Buffer::Buffer(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Buffer>(info), FdObject(-1, "Buffer") {
  Napi::Env env = info.Env();
  if (!IsInternalCall(info)) {
    throw Napi::TypeError::New(env, "Buffer objects are created by Device.createBuffer()");
  }
  Init* init = info[1].As<Napi::External<Init>>().Data();
  Adopt(init->fd);
  init->fd = -1;
  mapping_ = init->mapping;
  init->mapping = nullptr;
  size_ = mapping_->size;
  try {
    data_ = Napi::Persistent(MakeArrayBuffer(env, init->copy_mode));
  } catch (...) {
    mapping_->Release();  // no destructor runs for a constructor that throws
    mapping_ = nullptr;
    throw;
  }
}

Napi::ArrayBuffer Buffer::MakeArrayBuffer(Napi::Env env, bool copy_mode) {
  if (!copy_mode) {
    napi_value value;
    napi_status status = napi_create_external_arraybuffer(env, mapping_->addr, size_,
                                                          FinalizeExternal, mapping_, &value);
    if (status == napi_ok) {
      ++mapping_->refs;
      zero_copy_ = true;
      return Napi::ArrayBuffer(env, value);
    }
    // Only a runtime that forbids external buffers (e.g. Electron's sandbox) falls back.
    if (status != napi_no_external_buffers_allowed) NAPI_THROW_IF_FAILED(env, status, {});
  }
  return CopyArrayBuffer(env);
}

Buffer::~Buffer() {
  // Backstop only: close() is the normal path. An external ArrayBuffer still referenced by user
  // code keeps the mapping alive; the fd can go now.
  data_.Reset();
  if (mapping_ != nullptr) mapping_->Release();
  mapping_ = nullptr;
}

Napi::ArrayBuffer Buffer::CopyArrayBuffer(Napi::Env env) {
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, size_);
  std::memcpy(ab.Data(), mapping_->addr, size_);
  return ab;
}

Napi::Value Buffer::GetFd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), RawFd());
}

Napi::Value Buffer::GetSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(size_));
}

Napi::Value Buffer::GetData(const Napi::CallbackInfo& info) {
  OpenFd(info.Env());
  return data_.Value();
}

Napi::Value Buffer::GetZeroCopy(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), zero_copy_);
}

void Buffer::CheckCopyIntact(Napi::Env env, Napi::ArrayBuffer ab) const {
  // A JS-owned copy can be detached by transferring it (postMessage): never memcpy into it then.
  if (ab.ByteLength() != size_) {
    throw LibError(env, "ERR_ETHOSU_DETACHED",
                   "The buffer's ArrayBuffer was detached (transferred to another thread?): its "
                   "data can no longer be exchanged with the device; create a new buffer");
  }
}

void Buffer::SyncToDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OpenFd(env);
  if (zero_copy_) return;
  Napi::ArrayBuffer ab = data_.Value();
  CheckCopyIntact(env, ab);
  std::memcpy(mapping_->addr, ab.Data(), size_);
}

void Buffer::SyncFromDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OpenFd(env);
  if (zero_copy_) return;
  Napi::ArrayBuffer ab = data_.Value();
  CheckCopyIntact(env, ab);
  std::memcpy(ab.Data(), mapping_->addr, size_);
}

void Buffer::Close(const Napi::CallbackInfo&) {
  if (!IsOpen()) return;
  // No detach: a libuv worker may hold the ArrayBuffer's address (fs.write, zlib), and a detach
  // would let the memory go under it. Stale views read zeros from now on; the mapping goes when
  // the ArrayBuffer is collected.
  Napi::ArrayBuffer ab = data_.Value();
  if (zero_copy_) {
    mapping_->Retire();
  } else if (!ab.IsDetached() && ab.ByteLength() == size_) {
    std::memset(ab.Data(), 0, size_);
  }
  data_.Reset();
  mapping_->Release();
  mapping_ = nullptr;
  CloseFd();
}

}  // namespace ethosu
