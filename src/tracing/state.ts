import { trace, type Span, type Tracer } from '@opentelemetry/api';

/**
 * The SDK's process-wide settings. Tracing is global by nature (OTel's own API is a set of
 * globals), so this is the one mutable module; everything else reads it through `sdk()`.
 * Before `init()` the tracer is the global OTel tracer, so an application that already runs OTel
 * gets our spans in its own pipeline without calling `init()` at all.
 */
export interface SdkState {
  tracer: Tracer;
  /** false: inputs, outputs and messages are never recorded (privacy). */
  captureContent: boolean;
  /** Run id of the innermost active run, recorded on root spans as mlflow.sourceRun. */
  activeRunId?: string;
}

export const TRACER_NAME = 'glassbox';

const state: SdkState = { tracer: trace.getTracer(TRACER_NAME), captureContent: true };

export function sdk(): Readonly<SdkState> {
  return state;
}

export function configureSdk(patch: Partial<SdkState>): void {
  Object.assign(state, patch);
}

/**
 * The topmost Glassbox span of each trace still in progress, keyed by OTel trace id: prompt links
 * are attached to it (MLflow links prompts to the trace, which it reads from the root span).
 */
export const traceRoots = new Map<string, Span>();
