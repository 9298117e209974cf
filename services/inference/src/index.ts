/**
 * @chipq/inference-service as a library: start the service in process (tests, the bench, an
 * embedding application) or build the Hono app from services you create.
 */
export { createApp } from './app.js';
export type { AppDeps, AppServices } from './app-services.js';
export { createAppServices } from './app-services.js';
export type { LogLevel, ServiceConfig } from './config/load-config.js';
export { ConfigError, loadConfig } from './config/load-config.js';
export type { OpenDatabaseOptions, OpenedDatabase } from './db/open-database.js';
export { openDatabase } from './db/open-database.js';
export type { Listening } from './listen.js';
export { listen } from './listen.js';
export { openApiDocument } from './openapi/openapi-document.js';
export type { RunningService, StartServiceOptions } from './start-service.js';
export { startService } from './start-service.js';
