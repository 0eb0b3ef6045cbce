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
        "native/poller.cc",
        "native/sim/sim.cc",
        "native/sim/sim_npu.c",
        "npu/npu_conv.c",
        "npu/npu_dma.c",
        "npu/npu_elementwise.c",
        "npu/npu_fm.c",
        "npu/npu_hw.c",
        "npu/npu_model.c",
        "npu/npu_pool.c",
        "npu/npu_run.c",
        "npu/npu_scale.c",
        "npu/npu_weights.c"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "kernel/include"
      ],
      # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: in a worker thread being terminated, JavaScript
      # cannot take an exception; without it node-addon-api rethrows in C++ and aborts the process.
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS != 'linux'", {"type": "none"}]
      ]
    }
  ]
}
