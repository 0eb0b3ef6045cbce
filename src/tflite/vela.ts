// SPDX-License-Identifier: Apache-2.0
// Which NPU a Vela command stream was compiled for. Model metadata such as
// "OfflineMemoryAllocation" does not name the NPU, but the `ethos-u` operator's command-stream
// tensor does: it is the Cortex-M core driver's "custom operator payload" (FourCC "COP1"),
// whose OPTIMIZER_CONFIG driver action carries the NPU CONFIG and ID register values that Vela
// compiled for (the core driver refuses to run a stream whose values do not match the NPU).
//
// CONFIG: macs_per_cc (log2) in bits 0-3, product in bits 28-31 (0 = U55, 1 = U65, 2 = U85).
// ID: arch_major_rev in bits 28-31 (1 for U55/U65, 2 for U85).
// Anything that does not decode to a known NPU and MAC count gives undefined: never a guess.

const FOURCC = 0x31504f43; // 'C' 'O' 'P' '1' read as a little-endian u32

const enum DriverAction {
  OptimizerConfig = 1,
  CommandStream = 2,
  ReadApbReg = 3,
  DumpShram = 4,
  Nop = 5,
}

interface Product {
  name: string;
  archMajor: number;
  macs: readonly number[];
}

// MAC configurations Vela accepts per product (its --accelerator-config choices).
const PRODUCTS: readonly (Product | undefined)[] = [
  { name: 'ethos-u55', archMajor: 1, macs: [32, 64, 128, 256] },
  { name: 'ethos-u65', archMajor: 1, macs: [256, 512] },
  { name: 'ethos-u85', archMajor: 2, macs: [128, 256, 512, 1024, 2048] },
];

/** Every NPU configuration Vela compiles for, e.g. "ethos-u55-128", with its MAC count. */
export function velaConfigurations(): { name: string; macs: number }[] {
  return PRODUCTS.flatMap((p) =>
    p === undefined ? [] : p.macs.map((macs) => ({ name: `${p.name}-${macs}`, macs })),
  );
}

/** Returns e.g. "ethos-u55-128" for a COP1 payload, or undefined when it cannot tell. */
export function velaTargetFromPayload(payload: Uint8Array): string | undefined {
  if (payload.length < 4 || payload.length % 4 !== 0) return undefined;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const words = payload.length / 4;
  if (view.getUint32(0, true) !== FOURCC) return undefined;

  let w = 1;
  while (w < words) {
    const word = view.getUint32(w * 4, true);
    const action = word & 0xff;
    switch (action) {
      case DriverAction.OptimizerConfig: {
        if (w + 3 > words) return undefined;
        return decodeConfig(view.getUint32((w + 1) * 4, true), view.getUint32((w + 2) * 4, true));
      }
      case DriverAction.CommandStream: {
        const length = (((word >>> 8) & 0xff) << 16) | (word >>> 16);
        w += 1 + length;
        break;
      }
      case DriverAction.ReadApbReg:
      case DriverAction.DumpShram:
      case DriverAction.Nop:
        w += 1;
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

function decodeConfig(config: number, id: number): string | undefined {
  const product = PRODUCTS[config >>> 28];
  if (product === undefined) return undefined;
  if (id >>> 28 !== product.archMajor) return undefined;
  const macs = 1 << (config & 0xf);
  if (!product.macs.includes(macs)) return undefined;
  return `${product.name}-${macs}`;
}
