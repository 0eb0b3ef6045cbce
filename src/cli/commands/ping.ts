// SPDX-License-Identifier: Apache-2.0
// ethosu ping: send a PING to the firmware of one device.

import { deviceArg, flag, parse, str } from '../args.js';
import type { Context } from '../context.js';
import { EXIT_OK } from '../errors.js';
import { toJson } from '../format.js';

export const summary = 'send a ping message to the NPU firmware';

export const help = `Usage: ethosu ping [--device PATH|N] [--json]

Send a PING message to the firmware behind a device. The kernel queues the
message and returns; an error means the message could not be sent.

Options:
  -d, --device PATH|N  the device (default /dev/ethosu0; N means /dev/ethosuN)
                       sim:NPU (e.g. sim:u55-128) is a simulated device, no kernel needed
      --json           print JSON instead of text
  -h, --help           show this help
`;

export async function run(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parse('ping', argv, {
    device: { type: 'string', short: 'd' },
    json: { type: 'boolean' },
  });
  const target = deviceArg(str(values.device));
  const lib = await ctx.library();
  const dev = lib.Device.open(target);
  try {
    await dev.ping();
    ctx.stdout.write(
      flag(values.json)
        ? toJson({ device: dev.path, ping: 'sent' }) + '\n'
        : `${dev.path}: ping sent\n`,
    );
  } finally {
    dev.close();
  }
  return EXIT_OK;
}
