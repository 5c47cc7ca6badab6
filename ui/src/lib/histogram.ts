/** Bins scores in [min, max] into `bins` equal buckets for a distribution chart. */
export function histogram(values: number[], bins = 10, min = 0, max = 1): { from: number; to: number; count: number }[] {
  const width = (max - min) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const i = Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)));
    out[i].count++;
  }
  return out;
}
