// The shape every benchmark reports, so `npm run bench` can print one table.
export interface BenchResult {
  /** What was measured, e.g. "tree: first page of 20,000 tables". */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same figure for the baseline measured in the same run (undefined for absolute figures). */
  readonly baseline?: number;
  readonly baselineName?: string;
  /** value / baseline (or the figure the target is stated in). */
  readonly ratio?: number;
  /** The target in words, e.g. "≤ 1.2×". */
  readonly target: string;
  readonly met: boolean;
}

export function printResults(results: readonly BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline === undefined ? '' : `${fmt(r.baseline)} ${r.unit}${r.baselineName ? ` (${r.baselineName})` : ''}`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.met ? 'met' : 'NOT MET',
  ]);
  const header = ['figure', 'value', 'baseline', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`,
  );
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
}
