// SPDX-License-Identifier: Apache-2.0
// CLI dispatch, help, errors and exit codes; the info and ping commands. The real library runs
// over the mock binding (helpers/cli-context.ts).

import { describe, expect, it } from 'vitest';

import { runCli } from '../../src/cli/cli.js';
import { EthosUError } from '../../src/errors.js';
import { CliWorld, cliContext } from './helpers/cli-context.js';

describe('dispatch and help', () => {
  it('prints usage on stderr and exits 2 without a command', async () => {
    const ctx = cliContext();
    expect(await runCli([], ctx)).toBe(2);
    expect(ctx.err.text).toMatch(/^Usage: ethosu <command> \[options\]/);
    expect(ctx.out.text).toBe('');
  });

  it('--help lists every command and exits 0', async () => {
    const ctx = cliContext();
    expect(await runCli(['--help'], ctx)).toBe(0);
    for (const cmd of ['info', 'run', 'ping', 'bench']) {
      expect(ctx.out.text).toMatch(new RegExp(`^  ${cmd}\\s+\\S`, 'm'));
    }
  });

  it('--help works for every command, anywhere on the line, without touching the device', async () => {
    for (const argv of [
      ['info', '--help'],
      ['run', '-h'],
      ['ping', '--device', '/dev/nothing', '--help'],
      ['bench', '--count', 'x', '--help'],
      ['help', 'run'],
    ]) {
      const ctx = cliContext();
      expect(await runCli(argv, ctx), argv.join(' ')).toBe(0);
      expect(ctx.out.text).toMatch(/^Usage: ethosu (info|run|ping|bench)/);
      expect(ctx.world.opened).toHaveLength(0);
    }
  });

  it('--version prints the package version', async () => {
    const ctx = cliContext();
    expect(await runCli(['--version'], ctx)).toBe(0);
    expect(ctx.out.text).toBe('0.1.0\n');
  });

  it('an unknown command is a usage error with a hint', async () => {
    const ctx = cliContext();
    expect(await runCli(['frobnicate'], ctx)).toBe(2);
    expect(ctx.err.text).toBe("ethosu: unknown command 'frobnicate'\nTry 'ethosu --help'.\n");
  });

  it('help for an unknown command is a usage error', async () => {
    const ctx = cliContext();
    expect(await runCli(['help', 'nope'], ctx)).toBe(2);
    expect(ctx.err.text).toMatch(/^ethosu: unknown command 'nope'\n/);
  });

  it('does not treat Object.prototype names as commands', async () => {
    const ctx = cliContext();
    expect(await runCli(['constructor'], ctx)).toBe(2);
    expect(ctx.err.text).toMatch(/unknown command 'constructor'/);
  });

  it('an unknown option is one line plus a hint, no stack trace', async () => {
    const ctx = cliContext();
    expect(await runCli(['info', '--bogus'], ctx)).toBe(2);
    expect(ctx.err.text).toBe("ethosu: unknown option '--bogus'\nTry 'ethosu info --help'.\n");
  });

  it('a missing option value is a usage error', async () => {
    const ctx = cliContext();
    expect(await runCli(['ping', '--device'], ctx)).toBe(2);
    expect(ctx.err.text).toMatch(/^ethosu: option '-d, --device <value>' argument missing\n/);
  });

  it('an extra positional argument is a usage error', async () => {
    const ctx = cliContext();
    expect(await runCli(['ping', 'extra'], ctx)).toBe(2);
    expect(ctx.err.text).toMatch(/^ethosu: ping: unexpected argument 'extra'\n/);
  });
});

describe('errors', () => {
  it('a device that does not exist: exit 1 and the library message on one line', async () => {
    const ctx = cliContext();
    expect(await runCli(['ping', '--device', '/dev/ethosu9'], ctx)).toBe(1);
    expect(ctx.err.text).toBe(
      'ethosu: open failed on /dev/ethosu9: No such file or directory (ENOENT).\n',
    );
  });

  it('library errors about user input exit 2', async () => {
    const ctx = cliContext();
    ctx.lib.Device.list = () => {
      throw new EthosUError('bad model', { code: 'ERR_ETHOSU_TFLITE' });
    };
    expect(await runCli(['info'], ctx)).toBe(2);
    expect(ctx.err.text).toBe('ethosu: bad model\n');
  });

  it('ETHOSU_DEBUG=1 adds the stack trace', async () => {
    const ctx = cliContext(new CliWorld(), { env: { ETHOSU_DEBUG: '1' } });
    expect(await runCli(['ping', '--device', '/dev/ethosu9'], ctx)).toBe(1);
    expect(ctx.err.text).toMatch(/^EthosUError: open failed on \/dev\/ethosu9/m);
    expect(ctx.err.text).toMatch(/\n\s+at /);
  });

  it('an unexpected exception is reported as an internal error without a stack', async () => {
    const ctx = cliContext();
    ctx.lib.Device.list = () => {
      throw new TypeError('boom');
    };
    expect(await runCli(['info'], ctx)).toBe(1);
    expect(ctx.err.text).toBe(
      'ethosu: internal error: boom\nRun with ETHOSU_DEBUG=1 for details.\n',
    );
  });
});

describe('info', () => {
  it('describes every device node', async () => {
    const ctx = cliContext(new CliWorld(['U55', 'U65']));
    expect(await runCli(['info'], ctx)).toBe(0);
    const text = ctx.out.text;
    expect(text).toMatch(/^ethos-u library 0\.1\.0\n/);
    expect(text).toContain('\n/dev/ethosu0\n');
    expect(text).toContain('\n/dev/ethosu1\n');
    expect(text).toMatch(/kernel driver\s+4\.0\.0/);
    expect(text).toMatch(/NPU\s+Ethos-U55/);
    expect(text).toMatch(/NPU\s+Ethos-U65/);
    expect(text).toMatch(/MACs\/cycle\s+128 \(macs_per_cc 7\)\n/);
    expect(text).toMatch(/MACs\/cycle\s+256 \(macs_per_cc 8\)\n/);
    expect(text).toMatch(/firmware NPU driver\s+0\.16\.0/);
    expect(text).toMatch(/device type\s+subsystem/);
  });

  it('--json gives every device with version and capabilities', async () => {
    const world = new CliWorld(['U55', 'U85']);
    const ctx = cliContext(world);
    expect(await runCli(['info', '--json'], ctx)).toBe(0);
    const out = JSON.parse(ctx.out.text);
    expect(out.library).toBe('0.1.0');
    expect(out.devices).toHaveLength(2);
    expect(out.devices[0].path).toBe('/dev/ethosu0');
    expect(out.devices[0].driverVersion).toEqual({ major: 4, minor: 0, patch: 0 });
    expect(out.devices[0].capabilities.npu).toBe('U55');
    expect(out.devices[1].capabilities.npu).toBe('U85');
    expect(out.devices[1].capabilities.hwId.architecture.major).toBe(2);
    expect(world.opened.every((d) => d.closed)).toBe(true);
  });

  it('--device limits the report to one device, by index or path', async () => {
    for (const dev of ['1', '/dev/ethosu1']) {
      const ctx = cliContext(new CliWorld(['U55', 'U65']));
      expect(await runCli(['info', '--json', '-d', dev], ctx)).toBe(0);
      const out = JSON.parse(ctx.out.text);
      expect(out.devices.map((d: { path: string }) => d.path)).toEqual(['/dev/ethosu1']);
    }
  });

  it('no device at all: exit 1 with a hint', async () => {
    const ctx = cliContext(new CliWorld([]));
    expect(await runCli(['info'], ctx)).toBe(1);
    expect(ctx.err.text).toMatch(/^ethosu: no Ethos-U device found \(\/dev\/ethosu\*\)\n/);
  });

  it('a device that fails to open is reported and makes the exit status 1', async () => {
    const ctx = cliContext(new CliWorld(['U55']));
    expect(await runCli(['info', '--json', '--device', '/dev/ethosu7'], ctx)).toBe(1);
    const out = JSON.parse(ctx.out.text);
    expect(out.devices[0]).toEqual({
      path: '/dev/ethosu7',
      error: {
        code: 'ENOENT',
        message: 'open failed on /dev/ethosu7: No such file or directory (ENOENT).',
      },
    });
  });

  it('rejects a device index out of range', async () => {
    const ctx = cliContext();
    expect(await runCli(['info', '--device', '99'], ctx)).toBe(2);
    expect(ctx.err.text).toMatch(/^ethosu: --device index must be an integer 0\.\.63, got '99'/);
  });
});

describe('ping', () => {
  it('pings /dev/ethosu0 by default', async () => {
    const ctx = cliContext();
    expect(await runCli(['ping'], ctx)).toBe(0);
    expect(ctx.out.text).toBe('/dev/ethosu0: ping sent\n');
    expect(ctx.world.device('/dev/ethosu0')?.pings).toBe(1);
    expect(ctx.world.device('/dev/ethosu0')?.closed).toBe(true);
  });

  it('pings the chosen device, with JSON output', async () => {
    const ctx = cliContext();
    expect(await runCli(['ping', '-d', '1', '--json'], ctx)).toBe(0);
    expect(JSON.parse(ctx.out.text)).toEqual({ device: '/dev/ethosu1', ping: 'sent' });
    expect(ctx.world.device('/dev/ethosu1')?.pings).toBe(1);
  });
});
