// The extension host's own memory after the Connections tree listed all 20,000 tables (the real VS Code host with
// the emulator behind it, the minified build staged as the test host, which alone hands out the tree), against the same
// host's memory just after activation; both after a full garbage collection.
import { runHostProbe } from './hostProbe';
import { printResults, type BenchResult } from './types';

export async function run(): Promise<BenchResult[]> {
  const r = await runHostProbe<{
    before: { rss: number; heap: number };
    firstPage: { rss: number; heap: number };
    after: { rss: number; heap: number };
    tables: number;
  }>('tree-host', 'treeHostProbe');
  const grew = r.after.rss - r.before.rss;
  return [
    {
      name: `tree (extension host): RSS after listing ${r.tables} tables`,
      value: r.after.rss,
      unit: 'MB',
      baseline: r.before.rss,
      baselineName: 'after activation',
      ratio: r.after.rss / r.before.rss,
      // Issue 19's budget: listing a huge schema may cost the host at most 100 MB.
      target: '≤ 100 MB more',
      met: grew <= 100,
    },
    {
      // Where the growth starts: the driver loaded and signed in, one page listed (the rest is paging).
      name: 'tree (extension host): RSS after the first page',
      value: r.firstPage.rss,
      unit: 'MB',
      baseline: r.before.rss,
      baselineName: 'after activation',
      ratio: r.firstPage.rss / r.before.rss,
      target: 'for reading',
      met: true,
    },
    {
      name: 'tree (extension host): heap after listing them',
      value: r.after.heap,
      unit: 'MB',
      baseline: r.before.heap,
      baselineName: 'after activation',
      ratio: r.after.heap / r.before.heap,
      target: '< 150 MB more',
      met: r.after.heap - r.before.heap < 150,
    },
  ];
}

if (require.main === module) void run().then(printResults);
