import * as vitest from 'vitest';
import { queueConformance } from '../../testing/index.js';
import { memoryDriver } from '../../index.js';

queueConformance('memory', () => memoryDriver(), vitest);
