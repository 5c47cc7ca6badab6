import { MlflowError } from '../server/errors.js';

/**
 * Page tokens as the Python server writes them: base64 of `{"offset": N}`. Clients treat them as
 * opaque, so a token from either server works on the other.
 */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** The offset a token stands for; no token (or an empty one) means the first page. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidToken(token);
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidToken(token);
  return offset;
}

const invalidToken = (token: string) =>
  MlflowError.invalidParameter(`Invalid page token '${token}': it must be a next_page_token returned by a previous search`);

/**
 * A page from rows fetched with `limit + 1` at `offset`: the extra row only tells that another page
 * exists, so the last page never carries a token.
 */
export function pageOf<T>(rows: T[], limit: number, offset: number): { items: T[]; nextPageToken?: string } {
  return rows.length > limit ? { items: rows.slice(0, limit), nextPageToken: encodePageToken(offset + limit) } : { items: rows };
}
