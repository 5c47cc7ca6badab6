/** Tables of the evals migration (filled in by the evals work). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EvalsTables {}
