// @chipq/sdk: the typed client of the chipq inference service (CONVENTIONS.md §1).
export type { components, paths } from '../gen/openapi.js';
