// SPDX-License-Identifier: Apache-2.0
// A DMA buffer shared with the NPU. `data` is the device memory itself (no copy) unless the
// runtime forbids that, in which case it is a copy the library exchanges around inferences.

import { call, type NativeBuffer } from './binding.js';
import { closedError } from './errors.js';
import type { Device } from './device.js';

let warnedNoZeroCopy = false;

function warnNoZeroCopy(): void {
  if (warnedNoZeroCopy) return;
  warnedNoZeroCopy = true;
  process.emitWarning(
    'This runtime does not allow external ArrayBuffers, so Ethos-U buffer data is copied to ' +
      'and from the device around each inference (zeroCopy: false).',
    { type: 'EthosUWarning', code: 'ETHOSU_NO_ZERO_COPY' },
  );
}

/**
 * A DMA buffer shared with the NPU (named so it never shadows Node's global Buffer).
 */
export class DmaBuffer implements Disposable {
  readonly device: Device;
  readonly size: number;
  readonly fd: number;
  /** false when data is a copy (see the class comment). */
  readonly zeroCopy: boolean;
  #native: NativeBuffer | undefined;
  #data: Uint8Array;

  /** @internal Created by Device.createBuffer(). */
  constructor(device: Device, native: NativeBuffer, copyRequested = false) {
    this.device = device;
    this.#native = native;
    this.size = native.size;
    this.fd = native.fd;
    this.zeroCopy = native.zeroCopy;
    const ab = call(() => native.data);
    // A zero-copy ArrayBuffer is external: Node itself marks those untransferable (postMessage
    // copies it on Node 20 and throws DataCloneError on 22+), so no mapping is moved to another
    // thread. markAsUntransferable() must not be added: on Node 24 it also sets a detach key,
    // and Node's environment teardown then aborts the process (v8::FromJust) when it detaches
    // an external ArrayBuffer still alive at exit or at worker termination.
    if (!this.zeroCopy && !copyRequested) warnNoZeroCopy();
    this.#data = new Uint8Array(ab);
  }

  get closed(): boolean {
    return this.#native === undefined;
  }

  /**
   * The buffer's bytes. After close() this throws, and views taken before read zeros (the device
   * memory is gone; the zeros stay mapped while anything, even a libuv worker, still uses them).
   */
  get data(): Uint8Array {
    if (this.#native === undefined) throw closedError('DmaBuffer');
    return this.#data;
  }

  /** Zero-fills the buffer. */
  clear(): void {
    this.data.fill(0);
  }

  /** @internal The open native buffer, or ERR_ETHOSU_CLOSED. */
  get native(): NativeBuffer {
    if (this.#native === undefined) throw closedError('DmaBuffer');
    return this.#native;
  }

  close(): void {
    const native = this.#native;
    if (native === undefined) return;
    this.#native = undefined;
    native.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
