import type { Selectable } from 'kysely';

/** Tables of migrations/2026_11_26_0004_registry.ts. Times are epoch milliseconds. */
export interface RegistryTables {
  registered_models: {
    name: string;
    creation_timestamp: number;
    last_updated_timestamp: number;
    description: string | null;
    user_id: string | null;
  };
  registered_model_tags: { name: string; key: string; value: string };
  registered_model_aliases: { name: string; alias: string; version: number };
  model_versions: {
    name: string;
    version: number;
    creation_timestamp: number;
    last_updated_timestamp: number;
    description: string | null;
    user_id: string | null;
    /** 'None' | 'Staging' | 'Production' | 'Archived', or 'Deleted_Internal' for a tombstone. */
    current_stage: string;
    source: string;
    run_id: string | null;
    run_link: string | null;
    status: string;
    status_message: string | null;
    model_id: string | null;
  };
  model_version_tags: { name: string; version: number; key: string; value: string };
}

export type RegisteredModelRow = Selectable<RegistryTables['registered_models']>;
export type ModelVersionRow = Selectable<RegistryTables['model_versions']>;
