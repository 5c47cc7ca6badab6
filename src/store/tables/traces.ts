/** Tables of the traces migration (filled in by the traces work). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TracesTables {}
