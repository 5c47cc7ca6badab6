/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

// List prices of common judge models (per 1M tokens), so "cost so far" means something without
// configuration. Unknown models cost 0 unless the caller passes a price.
const KNOWN: Record<string, ModelPrice> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5-mini': { input: 0.25, output: 2 },
};

/**
 * Cost in USD of one call; dated model names (`gpt-4o-mini-2024-07-18`) use their base price.
 *
 * @example
 * judgeCost('gpt-4o-mini', 1000, 200); // 0.00027
 */
export function judgeCost(model: string, inputTokens: number, outputTokens: number, price?: ModelPrice): number {
  const p = price ?? KNOWN[model] ?? KNOWN[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')];
  if (!p) return 0;
  return (inputTokens * p.input + outputTokens * p.output) / 1_000_000;
}
