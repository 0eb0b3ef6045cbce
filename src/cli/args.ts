// SPDX-License-Identifier: Apache-2.0
// node:util parseArgs with the CLI's own error messages, plus the value parsers the commands
// share. Every problem becomes a UsageError (exit code 2).

import { parseArgs, type ParseArgsConfig } from 'node:util';

import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** parseArgs in strict mode; its errors are reworded as usage errors. */
export function parse(command: string, argv: string[], options: Options, positionals = 0): Parsed {
  let result: Parsed;
  try {
    result = parseArgs({ args: argv, options, strict: true, allowPositionals: true }) as Parsed;
  } catch (err) {
    const e = err as Error & { code?: string };
    throw new UsageError(reword(e.message, e.code));
  }
  if (result.positionals.length > positionals) {
    const extra = result.positionals[positionals] as string;
    throw new UsageError(`${command}: unexpected argument '${extra}'`);
  }
  return result;
}

function reword(message: string, code: string | undefined): string {
  // Node's messages name the option and say what is wrong; drop its advice about '--'.
  const first = message.split('\n')[0] ?? message;
  const clean = first.replace(/\. To specify a positional argument.*$/, '');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const m = /Unknown option '([^']+)'/.exec(clean);
    if (m) return `unknown option '${m[1]}'`;
  }
  return clean.replace(/^Option '([^']+)'/, "option '$1'");
}

/**
 * Takes out an option that has two values ("--pmu COUNTER EVENT"), which parseArgs cannot
 * express. "--pmu=C:E" and "--pmu C:E" are accepted too.
 */
export function extractPairs(
  argv: string[],
  names: readonly string[],
  what: string,
): { rest: string[]; pairs: [string, string][] } {
  const rest: string[] = [];
  const pairs: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!names.includes(name)) {
      rest.push(arg);
      continue;
    }
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const first = inline ?? argv[i + 1];
    const sep = first === undefined ? -1 : first.search(/[:=]/);
    if (first !== undefined && sep > 0) {
      pairs.push([first.slice(0, sep), first.slice(sep + 1)]);
      if (inline === undefined) i += 1;
      continue;
    }
    const second = inline === undefined ? argv[i + 2] : argv[i + 1];
    if (first === undefined || second === undefined || second.startsWith('-')) {
      throw new UsageError(`option '${name}' takes two values: ${what}`);
    }
    pairs.push([first, second]);
    i += inline === undefined ? 2 : 1;
  }
  return { rest, pairs };
}

/** A non-negative integer written in decimal (or 0x hex), within [min, max]. */
export function integer(value: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  const text = value.trim();
  const n = /^0x[0-9a-f]+$/i.test(text)
    ? Number.parseInt(text, 16)
    : /^\d+$/.test(text)
      ? Number(text)
      : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min}..${max}`;
    throw new UsageError(`${what} must be an integer ${range}, got '${value}'`);
  }
  return n;
}

/** --device: a path, or a number meaning /dev/ethosuN. */
export function deviceArg(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new UsageError('--device needs a path or an index');
  return /^\d+$/.test(value) ? integer(value, '--device index', 0, 63) : value;
}

export function str(v: Parsed['values'][string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function strs(v: Parsed['values'][string]): string[] {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

export function flag(v: Parsed['values'][string]): boolean {
  return v === true;
}
