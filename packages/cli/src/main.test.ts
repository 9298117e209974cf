// Every help text ends with one newline, so the shell prompt starts on a line of its own.
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { main } from './main.js';

function bufferIo(): CliIo & { out: () => string } {
  let text = '';
  const sink = { write: (chunk: string) => (text += chunk) };
  return { stdout: sink, stderr: sink, env: {}, cwd: process.cwd(), out: () => text };
}

describe('chipq help', () => {
  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [[]],
    [['inspect', '--help']],
    [['models', '--help']],
    [['health', '--help']],
  ])('chipq %s ends with exactly one newline', async (argv) => {
    const io = bufferIo();
    expect(await main(argv, io)).toBe(0);
    expect(io.out()).toMatch(/[^\n]\n$/);
  });
});
