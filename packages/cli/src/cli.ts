/**
 * The `chipq` executable: runs the command line and exits with its code. Everything else lives
 * in main.ts so tests can run commands in process.
 */
import { processIo } from './cli-io.js';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), processIo());
