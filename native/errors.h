// SPDX-License-Identifier: Apache-2.0
// Errors thrown to JavaScript: an Error with syscall, errno, code (errno name) and a message that
// says what failed, why, and what to do.
#pragma once

#include <napi.h>

#include <string>

namespace ethosu {

// Builds the error for a failed system call; `path` is the device path when there is one.
Napi::Error SysError(Napi::Env env, const std::string& syscall, int err,
                     const std::string& path = std::string());

// A library-level error with a 'ERR_ETHOSU_...' code.
Napi::Error LibError(Napi::Env env, const char* code, const std::string& message);

// The errno name ('EINVAL') for a positive errno value, or "E<number>" when unknown.
std::string ErrnoName(int err);

}  // namespace ethosu
