import { diag, type AttributeValue, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The view of a finished span that a `redact` hook may rewrite before export. */
export interface RedactableSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Mutable copy of the attributes; delete or replace entries, or return a new object. */
  attributes: Record<string, AttributeValue | undefined>;
}

export type RedactHook = (span: RedactableSpan) => void | Record<string, AttributeValue | undefined>;

/**
 * Runs the redact hook on each finished span and hands the rewritten copy to the next processor.
 * If the hook throws, the span is dropped rather than exported unredacted: a broken privacy hook
 * must fail closed.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(
    private readonly next: SpanProcessor,
    private readonly redact: RedactHook,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    let attributes: Record<string, AttributeValue | undefined>;
    try {
      const view: RedactableSpan = {
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        attributes: { ...span.attributes },
      };
      attributes = this.redact(view) ?? view.attributes;
    } catch (err) {
      diag.warn(`glassbox: redact hook threw; span '${span.name}' was dropped`, err);
      return;
    }
    const clean = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined));
    // A derived object: every other field and method still reads from the original span.
    this.next.onEnd(Object.create(span, { attributes: { value: Object.freeze(clean), enumerable: true } }) as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** Fans spans out to several processors (sdk-trace's MultiSpanProcessor is not public in 2.x). */
export class FanOutSpanProcessor implements SpanProcessor {
  constructor(private readonly processors: SpanProcessor[]) {}
  onStart(span: Span, ctx: Context): void {
    for (const p of this.processors) p.onStart(span, ctx);
  }
  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}
