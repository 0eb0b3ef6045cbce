# SPDX-License-Identifier: Apache-2.0
# Cross-compiling for 64-bit Arm Linux (Cortex-A boards, the arm64 guest) with Debian's
# gcc-aarch64-linux-gnu / g++-aarch64-linux-gnu and libc6-dev-arm64-cross (scripts/setup):
#   cmake -B out/cmake-arm64 --toolchain cmake/aarch64-linux-gnu.cmake [-DKDIR=<arm64 headers>]
# Another triplet or sysroot: -DETHOSU_CROSS_COMPILE=<prefix> -DCMAKE_SYSROOT=<dir>.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(ETHOSU_CROSS_COMPILE "aarch64-linux-gnu-" CACHE STRING "Cross tool prefix (also Kbuild's)")
# Kbuild's name for the architecture, for the kernel_modules target.
set(ETHOSU_KERNEL_ARCH arm64)

set(CMAKE_C_COMPILER "${ETHOSU_CROSS_COMPILE}gcc")
set(CMAKE_CXX_COMPILER "${ETHOSU_CROSS_COMPILE}g++")

# Debian's multiarch cross libraries and headers live here; programs come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# With qemu-user installed, ctest runs the cross-built programs on this host.
find_program(ETHOSU_QEMU_AARCH64 qemu-aarch64)
if(ETHOSU_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${ETHOSU_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu")
endif()
