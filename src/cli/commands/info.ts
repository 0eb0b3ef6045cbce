// SPDX-License-Identifier: Apache-2.0
// ethosu info: the driver version and capabilities of every Ethos-U device node.

import { deviceArg, flag, parse, str } from '../args.js';
import type { Context } from '../context.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { capabilityRows, table, toJson, version } from '../format.js';
import type { CliLibrary } from '../library.js';
import type { Capabilities, SemanticVersion } from '../../types.js';

export const summary = 'show the driver version and NPU capabilities of each device';

export const help = `Usage: ethosu info [--device PATH|N] [--json]

Show the kernel driver version and the NPU capabilities of every Ethos-U
device node (/dev/ethosu*), or of one.

Options:
  -d, --device PATH|N  only this device (a path, or N for /dev/ethosuN)
                       sim:NPU (e.g. sim:u55-128) is a simulated device, no kernel needed
      --json           print JSON instead of text
  -h, --help           show this help
`;

interface DeviceReport {
  path: string;
  driverVersion?: SemanticVersion;
  capabilities?: Capabilities;
  error?: { code: string; message: string };
}

function describe(lib: CliLibrary, target: string | number): DeviceReport {
  let path = typeof target === 'number' ? `/dev/ethosu${target}` : target;
  try {
    const dev = lib.Device.open(target);
    try {
      path = dev.path;
      return { path, driverVersion: dev.driverVersion, capabilities: dev.capabilities() };
    } finally {
      dev.close();
    }
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.code !== 'string') throw err;
    return { path, error: { code: e.code, message: String(e.message) } };
  }
}

export async function run(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parse('info', argv, {
    device: { type: 'string', short: 'd' },
    json: { type: 'boolean' },
  });
  const device = deviceArg(str(values.device));
  const json = flag(values.json);

  const lib = await ctx.library();
  const targets: (string | number)[] = device === undefined ? lib.Device.list() : [device];
  const reports = targets.map((t) => describe(lib, t));
  const failed = reports.length === 0 || reports.some((r) => r.error !== undefined);

  if (json) {
    ctx.stdout.write(toJson({ library: ctx.version, devices: reports }) + '\n');
  } else {
    ctx.stdout.write(`ethos-u library ${ctx.version}\n`);
    for (const r of reports) {
      ctx.stdout.write(`\n${r.path}\n`);
      if (r.error !== undefined) {
        ctx.stdout.write(`  error: ${r.error.message}\n`);
        continue;
      }
      const rows: [string, string][] = [['kernel driver', version(r.driverVersion!)]];
      rows.push(...capabilityRows(r.capabilities!));
      ctx.stdout.write(table(rows) + '\n');
    }
  }
  if (reports.length === 0) {
    ctx.stderr.write('ethosu: no Ethos-U device found (/dev/ethosu*)\n');
    ctx.stderr.write('Is the ethosu kernel module loaded, and the firmware running?\n');
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
