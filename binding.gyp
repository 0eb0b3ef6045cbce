# SPDX-License-Identifier: Apache-2.0
{
  "targets": [
    {
      "target_name": "ethosu",
      "sources": [
        "native/addon.cc",
        "native/buffer.cc",
        "native/device.cc",
        "native/errors.cc",
        "native/inference.cc",
        "native/ioctl.cc",
        "native/network.cc",
        "native/poller.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "kernel/include"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS != 'linux'", {"type": "none"}]
      ]
    }
  ]
}
