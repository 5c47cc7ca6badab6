import type { Generated, Selectable } from 'kysely';

/** Tables of migrations/2026_11_26_0006_auth.ts. Times are epoch milliseconds. */
export interface AuthTables {
  users: {
    user_id: Generated<number>;
    username: string;
    /** scrypt$N$r$p$salt$hash, see src/server/auth/secrets.ts. */
    password_hash: string;
    /** 0/1 */
    is_admin: number;
    created_at: number;
  };
  api_tokens: {
    token_id: string;
    user_id: number;
    /** SHA-256 hex of the whole token; the token itself is shown once and never stored. */
    token_hash: string;
    name: string | null;
    created_at: number;
  };
  permissions: {
    user_id: number;
    /** 'experiment' | 'registered_model' */
    resource_type: string;
    resource_id: string;
    permission: string;
  };
}

export type UserRow = Selectable<AuthTables['users']>;
