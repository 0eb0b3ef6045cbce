// SPDX-License-Identifier: Apache-2.0
#include "errors.h"

#include <cerrno>
#include <cstring>

namespace ethosu {

namespace {

struct ErrnoEntry {
  int err;
  const char* name;
};

// The errnos the driver, mmap, open and poll can produce; the rest fall back to glibc.
constexpr ErrnoEntry kErrnoNames[] = {
    {EPERM, "EPERM"},     {ENOENT, "ENOENT"},       {EINTR, "EINTR"},
    {EIO, "EIO"},         {ENXIO, "ENXIO"},         {EBADF, "EBADF"},
    {EAGAIN, "EAGAIN"},   {ENOMEM, "ENOMEM"},       {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},   {EBUSY, "EBUSY"},         {ENODEV, "ENODEV"},
    {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},       {EINVAL, "EINVAL"},
    {ENFILE, "ENFILE"},   {EMFILE, "EMFILE"},       {ENOTTY, "ENOTTY"},
    {ENOSPC, "ENOSPC"},   {ERANGE, "ERANGE"},       {ETIME, "ETIME"},
    {EPROTO, "EPROTO"},   {EMSGSIZE, "EMSGSIZE"},   {EBADMSG, "EBADMSG"},
    {ENOSYS, "ENOSYS"},   {EOVERFLOW, "EOVERFLOW"}, {ETIMEDOUT, "ETIMEDOUT"},
    {EROFS, "EROFS"},     {ELOOP, "ELOOP"},         {ENAMETOOLONG, "ENAMETOOLONG"},
};

// What a user can do about a failure; keyed by the call (prefix match) and errno.
struct Hint {
  const char* syscall;  // nullptr matches any call
  int err;
  const char* text;
};

constexpr Hint kHints[] = {
    {"open", ENOENT,
     "The device node does not exist: check that the ethosu kernel module is loaded and the NPU "
     "firmware is running (ls /dev/ethosu*)."},
    {"open", EACCES,
     "Permission denied: run as a user in the group that owns the device, or add a udev rule "
     "granting access."},
    {"open", EPERM, "Permission denied: the process may not open this device."},
    {"open", ENODEV, "The device is gone: the NPU subsystem was removed or is being restarted."},
    {"open", ENXIO, "The device is gone: the NPU subsystem was removed or is being restarted."},
    {"open", EISDIR, "The path is a directory, not an Ethos-U device node."},
    {nullptr, EMFILE,
     "The process has too many open files: close unused buffers, networks and "
     "inferences, or raise the limit (ulimit -n)."},
    {nullptr, ENFILE,
     "Too many open files in the system, or the network has more than 16 inputs "
     "or outputs."},
    {"ioctl(DRIVER_VERSION_GET)", ENOTTY,
     "The device does not answer the Ethos-U version request: it is not an Ethos-U device, or its "
     "kernel driver speaks an ABI this library does not know."},
    {nullptr, ENOTTY,
     "The device does not know this command: it is not an Ethos-U device, or its kernel driver "
     "speaks another ABI."},
    {"ioctl(BUFFER_CREATE)", ENOMEM,
     "The NPU's DMA memory is exhausted: close buffers you no longer need or use smaller ones."},
    {"ioctl(BUFFER_CREATE)", EINVAL, "The buffer size must be at least 1 byte."},
    {"ioctl(NETWORK_CREATE)", EINVAL,
     "The kernel rejected the network: the model bytes are empty or the network type is invalid."},
    {"ioctl(NETWORK_CREATE)", ENOMEM,
     "The NPU's DMA memory cannot hold the model: close other networks or buffers."},
    {"ioctl(NETWORK_INFO)", EBADF,
     "The firmware could not use this network: the model is not a valid TFLite file, or there is "
     "no built-in network with this index."},
    {"ioctl(NETWORK_INFO)", EMSGSIZE, "The firmware returned a malformed network description."},
    {nullptr, ETIME,
     "The NPU firmware did not answer in time: it may be hung or restarting; retry, and check the "
     "kernel log (dmesg)."},
    {"ioctl(INFERENCE_CREATE)", EINVAL,
     "One of the input or output buffers is not an Ethos-U buffer (closed, or from another "
     "device)."},
    {"ioctl(INFERENCE_CREATE)", EFAULT,
     "The kernel refused the buffer lists: at most 16 inputs and 16 outputs are allowed."},
    {"ioctl(INFERENCE_CANCEL)", EIO,
     "The firmware did not acknowledge the cancel in time and is being restarted; the inference "
     "ends with an error."},
    {nullptr, EFAULT,
     "The firmware connection failed while the kernel waited for an answer: the NPU subsystem may "
     "be restarting; retry later."},
    {nullptr, ENODEV,
     "The NPU subsystem went away (removed or restarting): reopen the device when it is back."},
    {nullptr, EINTR, "The call was interrupted by a signal: retry it."},
    {nullptr, EAGAIN, "The device is busy: retry."},
    {"mmap", ENOMEM, "The buffer cannot be mapped: the address space or memory limit is reached."},
    {"mmap", EINVAL, "The kernel refused to map the buffer with this size."},
    {nullptr, EBADF, "The file descriptor is not valid any more: was the object closed?"},
};

bool HintMatches(const Hint& h, const std::string& syscall, int err) {
  if (h.err != err) return false;
  if (h.syscall == nullptr) return true;
  return syscall.compare(0, std::strlen(h.syscall), h.syscall) == 0;
}

}  // namespace

std::string ErrnoName(int err) {
  for (const auto& e : kErrnoNames) {
    if (e.err == err) return e.name;
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  if (const char* name = strerrorname_np(err)) return name;
#endif
  return "E" + std::to_string(err);
}

Napi::Error SysError(Napi::Env env, const std::string& syscall, int err, const std::string& path) {
  std::string code = ErrnoName(err);
  std::string message = syscall + " failed";
  if (!path.empty()) message += " on " + path;
  message += ": ";
  message += std::strerror(err);
  message += " (" + code + ").";
  for (const auto& h : kHints) {
    if (HintMatches(h, syscall, err)) {
      message += " ";
      message += h.text;
      break;
    }
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  // Negative, as in Node's own system errors (util.getSystemErrorName(err.errno) works).
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("syscall", Napi::String::New(env, syscall));
  if (!path.empty()) error.Set("path", Napi::String::New(env, path));
  return error;
}

Napi::Error LibError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

}  // namespace ethosu
