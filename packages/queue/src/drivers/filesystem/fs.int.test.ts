import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vitest from 'vitest';
import { queueConformance } from '../../testing/index.js';
import { filesystemDriver } from './driver.js';

const root = mkdtempSync(join(tmpdir(), 'ody-queue-conf-'));
vitest.afterAll(() => rmSync(root, { recursive: true, force: true }));

queueConformance('filesystem (durable)', () => filesystemDriver({ dir: root }), vitest);
queueConformance('filesystem (durable: false)', () => filesystemDriver({ dir: root, durable: false }), vitest);
