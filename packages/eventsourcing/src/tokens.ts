import { token } from '@ody/core';
import type { ProjectionRunner } from './projections/async.js';
import type { EventStore as EventStoreType } from './store/types.js';

/** The event store contract (memory, file, PostgreSQL, … stores implement it). */
export type EventStore = EventStoreType;
/** DI token of the application's event store: `app.get(EventStore)`, `@inject(EventStore)`. */
export const EventStore = token<EventStoreType>('@ody/eventsourcing/EventStore');

/** The async projection runners the plugin started, by projection name. */
export type Projections = ReadonlyMap<string, ProjectionRunner>;
/** DI token of the running projections (status, rebuild). */
export const Projections = token<Projections>('@ody/eventsourcing/Projections');
