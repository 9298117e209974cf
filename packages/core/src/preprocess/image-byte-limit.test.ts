import { describe, expect, it } from 'vitest';
import { checkImageBytes } from './image-byte-limit.js';

describe('checkImageBytes', () => {
  it('lets an image of exactly the limit through', () => {
    expect(() => checkImageBytes(100, 100)).not.toThrow();
  });

  it.each([
    [{}, 'image has 101 bytes, more than the limit of 100', 'image'],
    [{ field: 'reference', file: '/tmp/ref.png' }, 'reference file /tmp/ref.png has 101 bytes', 'reference'],
    [{ field: 'items.2.image', setting: 'IMAGE_MAX_SIZE' }, 'limit of 100 (IMAGE_MAX_SIZE)', 'items.2.image'],
  ])('names the input in IMAGE_TOO_LARGE (%o)', (subject, message, field) => {
    expect(() => checkImageBytes(101, 100, subject)).toThrow(
      expect.objectContaining({
        code: 'IMAGE_TOO_LARGE',
        message: expect.stringContaining(message),
        details: { field, limit: 100, actual: 101 },
      }),
    );
  });
});
