import * as vitest from 'vitest';
import { eventStoreConformance } from '../testing/index.js';
import { memoryEventStore } from './store.js';

eventStoreConformance('memory', () => memoryEventStore(), vitest);
