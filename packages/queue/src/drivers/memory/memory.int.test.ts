import * as vitest from 'vitest';
import { memoryDriver } from '../../index.js';
import { queueConformance } from '../../testing/index.js';

queueConformance('memory', () => memoryDriver(), vitest);
