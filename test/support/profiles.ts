import { type EngineState, emptyEngineState } from '../../main/engine/engine-state.js';
import { applyEvent, type ProfileMap } from '../../main/engine/profile/profile-aggregator.js';
import type { CheckpointStats, ProfileStore } from '../../main/engine/store/profile-store.js';
import { StoreSnapshot } from '../../main/engine/store/store-snapshot.js';
import type { C360Event } from '../../shared/events.js';

/** Profiles of a list of events, applied one by one as the engine applies them. */
export function profilesOf(events: Iterable<C360Event>): ProfileMap {
  const map: ProfileMap = new Map();
  for (const e of events) applyEvent(map, e);
  return map;
}

/** An engine state holding the profiles of `events`. */
export function stateOf(events: Iterable<C360Event>): EngineState {
  const state = emptyEngineState();
  for (const e of events) applyEvent(state.profiles, e);
  return state;
}

/** Writes `state` as one checkpoint, as the session does. */
export async function checkpointOf(store: ProfileStore, state: EngineState): Promise<CheckpointStats> {
  return store.write(new StoreSnapshot(state));
}
