#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { main } from './program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

main(process.argv.slice(2), version).then(
  (code) => {
    process.exitCode = code;
    // An app ody loaded may leave handles open (a driver's socket); do not hang on them.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
