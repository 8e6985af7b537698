// What every route plugin is given: the store, the configuration and the ingest group commit.
import type { HeraldConfig } from '../config/config.js';
import type { GroupCommit } from '../ingest/group-commit.js';
import type { Store } from '../store/store.js';

export interface ApiContext {
  store: Store;
  config: HeraldConfig;
  groupCommit: GroupCommit;
}
