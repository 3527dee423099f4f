// `outpost-server` entry point (`npm run outpost-server -- <command>`; `npm run server` = `start`).
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
