import { join } from 'node:path';
import { startTestServer } from '../tests/helpers/server.js';
import { ensureUiBuilt, launchChromium } from '../tests/e2e/browser.js';
import { postTrace, wideTrace } from '../tests/e2e/seed.js';

/**
 * Time to first render of the trace page in Chromium for traces of 1,000, 10,000 and 100,000 spans:
 * from navigation until the first span row is on screen, and until the selected span's details
 * show. Printed beside a same-run baseline: the time the page's own API call (traces/get) takes
 * from the browser, so the ratio shows what rendering adds to fetching.
 */
const SIZES = (process.env.BENCH_UI_SIZES ?? '1000,10000,100000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? 3);

ensureUiBuilt();
const server = await startTestServer('sqlite');
const { body } = await server.api('POST', '/api/2.0/mlflow/experiments/create', { name: 'ui-bench' });
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log('spans      api fetch (ms)   first row (ms)   details shown (ms)   DOM rows');
for (const n of SIZES) {
  const spans = wideTrace(n);
  const traceId = await postTrace(server, body.experiment_id, spans);
  const fetchMs: number[] = [];
  const firstRowMs: number[] = [];
  const detailMs: number[] = [];
  let rows = 0;
  for (let r = 0; r < ROUNDS; r++) {
    await page.goto(`${server.url}/experiments`);
    await page.getByRole('link', { name: 'ui-bench' }).waitFor();
    fetchMs.push(
      await page.evaluate(async (id) => {
        const t0 = performance.now();
        const res = await fetch(`/ajax-api/3.0/mlflow/traces/get?trace_id=${id}&allow_partial=True`);
        await res.json();
        return performance.now() - t0;
      }, traceId),
    );
    const t0 = Date.now();
    await page.goto(`${server.url}/traces/${traceId}`, { waitUntil: 'commit' });
    await page.getByRole('treeitem').first().waitFor({ timeout: 120_000 });
    firstRowMs.push(Date.now() - t0);
    await page.getByText('Inputs / Outputs').waitFor();
    detailMs.push(Date.now() - t0);
    rows = await page.getByRole('treeitem').count();
  }
  console.log(
    `${String(n).padEnd(10)} ${median(fetchMs).toFixed(0).padStart(14)} ${median(firstRowMs).toFixed(0).padStart(16)} ${median(detailMs).toFixed(0).padStart(20)} ${String(rows).padStart(10)}`,
  );
}
console.log(`(median of ${ROUNDS} rounds; DOM rows stays small because the tree is virtualised; screenshot in tests/e2e/screenshots is from the e2e suite)`);
await page.screenshot({ path: join('tests/e2e/screenshots', 'bench-trace-largest.png') }).catch(() => undefined);
await browser.close();
await server.close();
