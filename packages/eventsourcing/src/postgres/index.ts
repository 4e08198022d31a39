export { migrate, migrationSql } from './schema.js';
export { PostgresEventStore, type PostgresEventStoreOptions, postgresEventStore } from './store.js';
export { PostgresCheckpointStore } from './checkpoints.js';
