/** Tables of the registry migration (filled in by the registry work). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RegistryTables {}
