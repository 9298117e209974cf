/**
 * node:util `parseArgs` with our error handling: unknown options, missing values and bad numbers
 * become usage errors (exit code 2) that name the option.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `args` strictly against `options`; throws a usage error naming the command. */
export function parseCommandArgs(command: string, args: readonly string[], options: Options): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw usageError(`chipq ${command}: ${message}`);
  }
}

/** A string option's value, or undefined. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** An integer option within [min, max]; `fallback` when absent. */
export function integerOption(
  parsed: ParsedArgs,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = stringOption(parsed, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
    throw usageError(
      `expected an integer between ${min} and ${max} for --${name}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** A number option within [min, max], or undefined when absent. */
export function numberOption(parsed: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw usageError(
      `expected a number between ${min} and ${max} for --${name}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
