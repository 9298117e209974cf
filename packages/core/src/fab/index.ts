/**
 * `@chipq/core/fab`: formats the fab's defect tools read. KLARF 1.8 today (the service's
 * `/lots/.../klarf` and `chipq inspect --klarf` write the same file from the same dies).
 */
export type { KlarfDetection, KlarfDie } from './klarf-writer.js';
export { writeKlarf } from './klarf-writer.js';
