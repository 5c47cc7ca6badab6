/** Parallel-coordinates geometry: one axis per dimension, each scaled to its own min..max. */
export interface Axis {
  name: string;
  /** Numeric axes are scaled linearly; categorical ones spread their sorted values evenly. */
  position(value: string | number | undefined): number | undefined;
  ticks: { label: string; at: number }[];
}

export function buildAxis(name: string, values: (string | number | undefined)[]): Axis {
  const present = values.filter((v): v is string | number => v !== undefined && v !== '');
  const numeric = present.length > 0 && present.every((v) => Number.isFinite(Number(v)));
  if (numeric) {
    const nums = present.map(Number);
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    const span = max - min || 1;
    return {
      name,
      position: (v) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : max === min ? 0.5 : (Number(v) - min) / span),
      ticks: max === min ? [{ label: String(min), at: 0.5 }] : [{ label: String(Number(min.toPrecision(4))), at: 0 }, { label: String(Number(max.toPrecision(4))), at: 1 }],
    };
  }
  const cats = [...new Set(present.map(String))].sort();
  const at = (i: number) => (cats.length === 1 ? 0.5 : i / (cats.length - 1));
  return {
    name,
    position: (v) => (v === undefined || !cats.includes(String(v)) ? undefined : at(cats.indexOf(String(v)))),
    ticks: cats.map((c, i) => ({ label: c, at: at(i) })),
  };
}
