// SPDX-License-Identifier: Apache-2.0
// Command dispatch: "ethosu <command> [options]", --help everywhere, and the mapping of
// failures to messages and exit codes. main.ts wires it to the process.

import * as bench from './commands/bench.js';
import * as info from './commands/info.js';
import * as ping from './commands/ping.js';
import * as run from './commands/run.js';
import type { Context } from './context.js';
import { EXIT_OK, UsageError, report } from './errors.js';

interface Command {
  summary: string;
  help: string;
  run(ctx: Context, argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = { info, run, ping, bench };

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((n) => `  ${n.padEnd(width)}  ${(COMMANDS[n] as Command).summary}`);
  return `Usage: ethosu <command> [options]

Run inferences on Arm Ethos-U NPUs through /dev/ethosuN.

Commands:
${lines.join('\n')}

Options:
  -h, --help     show help (also "ethosu <command> --help")
  -V, --version  show the version

Environment:
  ETHOSU_DEBUG=1  print stack traces with errors
`;
}

const isHelp = (a: string) => a === '--help' || a === '-h';

/** Runs the CLI; returns the exit code. Nothing here calls process.exit. */
export async function runCli(argv: string[], ctx: Context): Promise<number> {
  const debug = ctx.env.ETHOSU_DEBUG === '1';
  const [first, ...rest] = argv;
  let name: string | undefined;
  try {
    if (first === undefined) {
      ctx.stderr.write(usage());
      return 2;
    }
    if (isHelp(first)) {
      ctx.stdout.write(usage());
      return EXIT_OK;
    }
    if (first === '--version' || first === '-V') {
      ctx.stdout.write(`${ctx.version}\n`);
      return EXIT_OK;
    }
    if (first === 'help') {
      const topic = rest[0];
      const cmd = topic === undefined ? undefined : COMMANDS[topic];
      if (topic !== undefined && cmd === undefined) {
        throw new UsageError(`unknown command '${topic}'`, "Try 'ethosu --help'.");
      }
      ctx.stdout.write(cmd?.help ?? usage());
      return EXIT_OK;
    }
    const cmd = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (cmd === undefined) {
      const what = first.startsWith('-')
        ? `unknown option '${first}'`
        : `unknown command '${first}'`;
      throw new UsageError(what, "Try 'ethosu --help'.");
    }
    name = first;
    // --help anywhere before "--" shows the command's help and nothing else.
    const end = rest.indexOf('--');
    if ((end < 0 ? rest : rest.slice(0, end)).some(isHelp)) {
      ctx.stdout.write(cmd.help);
      return EXIT_OK;
    }
    return await cmd.run(ctx, rest);
  } catch (err) {
    const { lines, exitCode } = report(err, name, debug);
    ctx.stderr.write(lines.join('\n') + '\n');
    return exitCode;
  }
}
