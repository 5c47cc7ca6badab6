/**
 * An error reported by the tracking server (MLflow's `{error_code, message}` body) or by the SDK's
 * own HTTP layer (`CONNECTION_ERROR` when the server cannot be reached).
 *
 * @example
 * ```ts
 * try { await run.logParam('lr', 0.2); await run.flush(); }
 * catch (e) { if (e instanceof GlassboxError && e.errorCode === 'INVALID_PARAMETER_VALUE') ... }
 * ```
 */
export class GlassboxError extends Error {
  override name = 'GlassboxError';
  constructor(
    /** MLflow error code, e.g. RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE, CONNECTION_ERROR. */
    readonly errorCode: string,
    message: string,
    /** HTTP status, when there was a response. */
    readonly status?: number,
  ) {
    super(message);
  }
}
