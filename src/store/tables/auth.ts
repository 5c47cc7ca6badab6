/** Tables of the auth migration (filled in by the auth work). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthTables {}
