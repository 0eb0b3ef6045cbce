// SPDX-License-Identifier: Apache-2.0
#include "device.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <vector>

#include "addon_data.h"
#include "async_job.h"
#include "buffer.h"
#include "convert.h"
#include "network.h"

namespace ethosu {

Napi::Function Device::Define(Napi::Env env) {
  return DefineClass(env, "Device",
                     {
                         InstanceAccessor<&Device::GetFd>("fd"),
                         InstanceAccessor<&Device::GetPath>("path"),
                         InstanceMethod<&Device::Close>("close"),
                         InstanceMethod<&Device::Ping>("ping"),
                         InstanceMethod<&Device::DriverVersion>("driverVersion"),
                         InstanceMethod<&Device::Capabilities>("capabilities"),
                         InstanceMethod<&Device::CreateBuffer>("createBuffer"),
                         InstanceMethod<&Device::CreateNetwork>("createNetwork"),
                         InstanceMethod<&Device::CreateNetworkIndex>("createNetworkIndex"),
                         InstanceMethod<&Device::LoadNetwork>("loadNetwork"),
                     });
}

Napi::Value Device::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(env, "open(path): path must be a string");
  }
  std::string path = info[0].As<Napi::String>();
  if (path.empty() || path.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(env, "open(path): path must be a non-empty string without NUL");
  }
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw SysError(env, "open", errno, path);
  Init init{fd, path};
  try {
    return NewInternal(env, GetAddonData(env)->device_ctor, &init);
  } catch (...) {
    if (init.fd >= 0) ::close(init.fd);  // the constructor did not take it
    throw;
  }
}

Device::Device(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Device>(info), FdObject(-1, "Device") {
  if (!IsInternalCall(info)) {
    throw Napi::TypeError::New(info.Env(), "Device objects are created by open(path)");
  }
  Init* init = info[1].As<Napi::External<Init>>().Data();
  Adopt(init->fd);
  init->fd = -1;
  path_ = init->path;
}

Napi::Value Device::GetFd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), RawFd());
}

Napi::Value Device::GetPath(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), path_);
}

void Device::Close(const Napi::CallbackInfo&) { CloseFd(); }

void Device::NumberedIoctl(Napi::Env env, const char* name, unsigned long primary,
                           unsigned long alternative, void* arg) {
  int fd = OpenFd(env);
  unsigned long cmd = numbering_ == Numbering::kPrimary ? primary : alternative;
  if (Ioctl(fd, cmd, arg) == 0) {
    numbering_known_ = true;
    return;
  }
  int err = errno;
  if (err == ENOTTY && !numbering_known_) {
    if (Ioctl(fd, alternative, arg) == 0) {
      numbering_ = Numbering::kAlternative;
      numbering_known_ = true;
      return;
    }
    err = errno;
  }
  throw SysError(env, std::string("ioctl(") + name + ")", err, path_);
}

// PING, on a worker thread: with the numbering not yet known, an ENOTTY retries the other one.
class PingJob : public AsyncJob {
 public:
  PingJob(Napi::Env env, Device* dev, int fd, Numbering numbering, bool known)
      : AsyncJob(env, "EthosUPing", dev->Value()),
        dev_(dev),
        fd_(fd),
        numbering_(numbering),
        known_(known) {}

 private:
  static unsigned long Cmd(Numbering n) {
    return n == Numbering::kPrimary ? ETHOSU_IOCTL_PING : ETHOSU_IOCTL_ALT_PING;
  }
  void Execute() override {
    if (Ioctl(fd_, Cmd(numbering_), nullptr) == 0) return;
    int err = errno;
    if (err == ENOTTY && !known_) {
      Numbering other =
          numbering_ == Numbering::kPrimary ? Numbering::kAlternative : Numbering::kPrimary;
      if (Ioctl(fd_, Cmd(other), nullptr) == 0) {
        numbering_ = other;
        return;
      }
      err = errno;
    }
    Fail("ioctl(PING)", err);
  }
  void Release() override { dev_->ReleaseFd(); }
  const std::string& Path() const override { return dev_->path(); }
  Napi::Value Resolve(Napi::Env env) override {
    dev_->LearnNumbering(numbering_);
    return env.Undefined();
  }

  Device* dev_;
  int fd_;
  Numbering numbering_;
  bool known_;
};

Napi::Value Device::Ping(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = Hold(env);
  return AsyncJob::Start<PingJob>([this] { Unhold(); }, env, this, fd, numbering_,
                                  numbering_known_);
}

Napi::Value Device::DriverVersion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // Zeroed first: legacy kernels answer unknown ioctls with 0 and leave it untouched, which
  // reads as version 0.0.0.
  ethosu_uapi_kernel_driver_version v{};
  NumberedIoctl(env, "DRIVER_VERSION_GET", ETHOSU_IOCTL_DRIVER_VERSION_GET,
                ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, &v);
  Napi::Object out = Napi::Object::New(env);
  out.Set("major", v.major);
  out.Set("minor", v.minor);
  out.Set("patch", v.patch);
  return out;
}

Napi::Value Device::Capabilities(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ethosu_uapi_device_capabilities c{};
  NumberedIoctl(env, "CAPABILITIES_REQ", ETHOSU_IOCTL_CAPABILITIES_REQ,
                ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, &c);
  Napi::Object out = Napi::Object::New(env);
  out.Set("versionStatus", c.hw_id.version_status);
  out.Set("versionMinor", c.hw_id.version_minor);
  out.Set("versionMajor", c.hw_id.version_major);
  out.Set("productMajor", c.hw_id.product_major);
  out.Set("archPatchRev", c.hw_id.arch_patch_rev);
  out.Set("archMinorRev", c.hw_id.arch_minor_rev);
  out.Set("archMajorRev", c.hw_id.arch_major_rev);
  out.Set("macsPerClockCycle", c.hw_cfg.macs_per_cc);
  out.Set("cmdStreamVersion", c.hw_cfg.cmd_stream_version);
  out.Set("customDma", c.hw_cfg.custom_dma);
  out.Set("type", c.hw_cfg.type);
  out.Set("driverPatchRev", c.driver_patch_rev);
  out.Set("driverMinorRev", c.driver_minor_rev);
  out.Set("driverMajorRev", c.driver_major_rev);
  return out;
}

Napi::Value Device::CreateBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  uint32_t size = ToU32(env, info[0], "size", 1);
  bool copy_mode = info.Length() > 1 && info[1].ToBoolean();
  ethosu_uapi_buffer_create req{};
  req.size = size;
  int buf_fd = Ioctl(fd, ETHOSU_IOCTL_BUFFER_CREATE, &req);
  if (buf_fd < 0) throw SysError(env, "ioctl(BUFFER_CREATE)", errno, path_);
  return Buffer::Create(env, buf_fd, size, copy_mode);  // owns buf_fd, even when it throws
}

Napi::Value Device::NetworkFromCreate(Napi::Env env, ethosu_uapi_network_create* req) {
  int fd = OpenFd(env);
  int net_fd = Ioctl(fd, ETHOSU_IOCTL_NETWORK_CREATE, req);
  // A faulting copy makes the upstream handler return a positive byte count, not an fd.
  if (net_fd < 0) throw SysError(env, "ioctl(NETWORK_CREATE)", errno, path_);
  return Network::Create(env, net_fd);
}

Napi::Value Device::CreateNetwork(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OpenFd(env);
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "createNetwork(data): data must be a Uint8Array");
  }
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  if (data.ByteLength() == 0 || data.ByteLength() > std::numeric_limits<uint32_t>::max()) {
    throw Napi::RangeError::New(env, "createNetwork(data): data must hold 1 to 4294967295 bytes");
  }
  ethosu_uapi_network_create req{};
  req.type = ETHOSU_UAPI_NETWORK_USER_BUFFER;
  req.network.data_ptr = reinterpret_cast<uintptr_t>(data.Data());
  req.network.size = static_cast<uint32_t>(data.ByteLength());
  return NetworkFromCreate(env, &req);
}

Napi::Value Device::CreateNetworkIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OpenFd(env);
  ethosu_uapi_network_create req{};
  req.type = ETHOSU_UAPI_NETWORK_INDEX;
  req.index = ToU32(env, info[0], "index", 0);
  return NetworkFromCreate(env, &req);
}

// The model bytes are copied first: the caller's array may change or go while the worker runs.
class LoadNetworkJob : public AsyncJob {
 public:
  LoadNetworkJob(Napi::Env env, Device* dev, int fd, std::vector<uint8_t> model, uint32_t index)
      : AsyncJob(env, "EthosULoadNetwork", dev->Value()),
        dev_(dev),
        fd_(fd),
        model_(std::move(model)),
        index_(index) {}

 private:
  void Execute() override {
    ethosu_uapi_network_create req{};
    if (model_.empty()) {
      req.type = ETHOSU_UAPI_NETWORK_INDEX;
      req.index = index_;
    } else {
      req.type = ETHOSU_UAPI_NETWORK_USER_BUFFER;
      req.network.data_ptr = reinterpret_cast<uintptr_t>(model_.data());
      req.network.size = static_cast<uint32_t>(model_.size());
    }
    net_fd_ = Ioctl(fd_, ETHOSU_IOCTL_NETWORK_CREATE, &req);
    if (net_fd_ < 0) {
      Fail("ioctl(NETWORK_CREATE)", errno);
      return;
    }
    if (Ioctl(net_fd_, ETHOSU_IOCTL_NETWORK_INFO, &info_) < 0) {
      Fail("ioctl(NETWORK_INFO)", errno);
      ::close(net_fd_);
      net_fd_ = -1;
    }
  }
  void Release() override { dev_->ReleaseFd(); }
  const std::string& Path() const override { return dev_->path(); }
  Napi::Value Resolve(Napi::Env env) override {
    Napi::Object out = Napi::Object::New(env);
    int fd = net_fd_;
    net_fd_ = -1;
    out.Set("network", Network::Create(env, fd));  // owns fd, even when it throws
    out.Set("info", Network::InfoObject(env, info_));
    return out;
  }

 public:
  ~LoadNetworkJob() override {
    if (net_fd_ >= 0) ::close(net_fd_);
  }

 private:
  Device* dev_;
  int fd_;
  std::vector<uint8_t> model_;
  uint32_t index_;
  int net_fd_ = -1;
  ethosu_uapi_network_info info_{};
};

Napi::Value Device::LoadNetwork(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OpenFd(env);
  std::vector<uint8_t> model;
  uint32_t index = 0;
  if (info.Length() > 0 && info[0].IsTypedArray() &&
      info[0].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
    if (data.ByteLength() == 0 || data.ByteLength() > std::numeric_limits<uint32_t>::max()) {
      throw Napi::RangeError::New(env, "loadNetwork(data): data must hold 1 to 4294967295 bytes");
    }
    model.assign(data.Data(), data.Data() + data.ByteLength());
  } else if (info.Length() > 0 && info[0].IsNumber()) {
    index = ToU32(env, info[0], "index", 0);
  } else {
    throw Napi::TypeError::New(env, "loadNetwork(src): src must be a Uint8Array or an index");
  }
  int fd = Hold(env);
  return AsyncJob::Start<LoadNetworkJob>([this] { Unhold(); }, env, this, fd, std::move(model),
                                         index);
}

}  // namespace ethosu
