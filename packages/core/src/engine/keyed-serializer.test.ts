import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from './keyed-serializer.js';

describe('KeyedSerializer', () => {
  it('runs one key in call order, even past a failure, and other keys alongside', async () => {
    const queue = new KeyedSerializer();
    const log: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = queue.run('m', async () => {
      log.push('m1 start');
      await new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      log.push('m1 end');
      throw new Error('m1 failed');
    });
    const second = queue.run('m', async () => log.push('m2'));
    await queue.run('other', async () => log.push('other'));
    releaseFirst();
    await expect(first).rejects.toThrow('m1 failed');
    await second;
    expect(log).toEqual(['m1 start', 'other', 'm1 end', 'm2']);
  });
});
