import type { TokenUsage } from './semantics.js';

/**
 * Built-in list prices in USD per 1M tokens [input, output], as published by the providers
 * (OpenAI, Anthropic, Google) in 2025–2026. Keys are model-name prefixes; the longest matching
 * prefix wins, so dated snapshots ("gpt-4o-mini-2024-07-18") and provider prefixes
 * ("openai/gpt-4o") resolve to their family. Unknown models get no cost rather than a guess.
 */
export const PRICES_PER_MILLION: Record<string, readonly [number, number]> = {
  'gpt-4o': [2.5, 10],
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-4-turbo': [10, 30],
  'gpt-4': [30, 60],
  'gpt-3.5-turbo': [0.5, 1.5],
  'gpt-5': [1.25, 10],
  'gpt-5-mini': [0.25, 2],
  'gpt-5-nano': [0.05, 0.4],
  o1: [15, 60],
  'o1-mini': [1.1, 4.4],
  o3: [2, 8],
  'o3-mini': [1.1, 4.4],
  'o4-mini': [1.1, 4.4],
  'text-embedding-3-small': [0.02, 0],
  'text-embedding-3-large': [0.13, 0],
  'claude-3-haiku': [0.25, 1.25],
  'claude-3-5-haiku': [0.8, 4],
  'claude-haiku-4-5': [1, 5],
  'claude-3-5-sonnet': [3, 15],
  'claude-3-7-sonnet': [3, 15],
  'claude-sonnet-4': [3, 15],
  'claude-3-opus': [15, 75],
  'claude-opus-4': [15, 75],
  'gemini-1.5-flash': [0.075, 0.3],
  'gemini-1.5-pro': [1.25, 5],
  'gemini-2.0-flash': [0.1, 0.4],
  'gemini-2.5-flash': [0.3, 2.5],
  'gemini-2.5-pro': [1.25, 10],
};

export interface Cost {
  input_cost: number;
  output_cost: number;
  total_cost: number;
}

const KEYS = Object.keys(PRICES_PER_MILLION).sort((a, b) => b.length - a.length);
const cache = new Map<string, readonly [number, number] | null>();

export function priceOf(model: string): readonly [number, number] | undefined {
  let hit = cache.get(model);
  if (hit === undefined) {
    const name = model.toLowerCase().replace(/^.*\//, '');
    const key = KEYS.find((k) => name === k || name.startsWith(`${k}-`) || name.startsWith(`${k}@`));
    hit = key ? PRICES_PER_MILLION[key] : null;
    if (cache.size < 1000) cache.set(model, hit);
  }
  return hit ?? undefined;
}

/** Cost of one call, rounded to 1e-12 USD so that sums print cleanly; undefined for unknown models. */
export function costOf(model: string | undefined, usage: TokenUsage | undefined): Cost | undefined {
  if (!model || !usage) return undefined;
  const price = priceOf(model);
  if (!price) return undefined;
  const input_cost = round((usage.input_tokens * price[0]) / 1e6);
  const output_cost = round((usage.output_tokens * price[1]) / 1e6);
  return { input_cost, output_cost, total_cost: round(input_cost + output_cost) };
}

export function round(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}
