// SPDX-License-Identifier: Apache-2.0
// Argument checks shared by the native classes: bad input is a TypeError or RangeError, never a
// silent truncation.
#pragma once

#include <napi.h>

#include <cstdint>
#include <limits>
#include <string>

namespace ethosu {

// A u32 from a JS number: an integer in [min, 2^32 - 1], else a RangeError naming `what`.
inline uint32_t ToU32(Napi::Env env, const Napi::Value& v, const char* what, uint32_t min = 0) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(what) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= std::numeric_limits<uint32_t>::max()) ||
      d != static_cast<double>(static_cast<uint64_t>(d))) {
    throw Napi::RangeError::New(env, std::string(what) + " must be an integer from " +
                                         std::to_string(min) + " to 4294967295");
  }
  return static_cast<uint32_t>(d);
}

}  // namespace ethosu
