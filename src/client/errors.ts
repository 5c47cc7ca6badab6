/**
 * An error reported by the tracking server (MLflow's `{error_code, message}` body) or by the client
 * itself: `CONNECTION_ERROR` when the server cannot be reached or does not answer in time (then
 * `status` is undefined and `cause` holds the network error), `INVALID_PARAMETER_VALUE` for bad
 * settings. Exported by `glassbox` as `GlassboxError` and by `glassbox/prompts` as `MlflowRestError`.
 *
 * @example
 * ```ts
 * try { await run.logParam('lr', 0.2).flush(); }
 * catch (e) { if (e instanceof GlassboxError && e.code === 'INVALID_PARAMETER_VALUE') ... }
 * ```
 */
export class GlassboxError extends Error {
  override name = 'GlassboxError';
  constructor(
    /** MLflow error code, e.g. RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE, CONNECTION_ERROR. */
    readonly code: string,
    message: string,
    /** HTTP status, when there was a response. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The same as `code`: the name the SDK and the prompt client have always used. */
  get errorCode(): string {
    return this.code;
  }
}

// MLflow's client-side code for an error answer whose body is not MLflow JSON: rest_utils.py's
// get_error_code, the inverse of ERROR_CODE_TO_HTTP_STATUS with its three overrides (400, 404, 500).
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  501: 'NOT_IMPLEMENTED',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function codeFromStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? 'INTERNAL_ERROR';
}

/**
 * What went wrong on the network, in words that help: undici reports every failure as
 * "fetch failed" and puts the useful part (`connect ECONNREFUSED 127.0.0.1:5000`) one level down.
 */
export function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = (err as { cause?: { message?: string; code?: string } }).cause;
  return inner?.message || inner?.code || err.message;
}
