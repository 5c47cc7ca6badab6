import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureUiBuilt, launchChromium, SCREENSHOTS } from './browser.js';
import { seed } from './seed.js';
import { startFakeJudge, type FakeJudge } from '../helpers/judge-fake.js';

let server: TestServer;
let browser: Browser;
let page: Page;
let data: Awaited<ReturnType<typeof seed>>;
let judge: FakeJudge;

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
const go = async (path: string) => {
  await page.goto(server.url + path);
};

describe('web UI in Chromium against a seeded server', () => {
  beforeAll(async () => {
    ensureUiBuilt();
    server = await startTestServer('sqlite');
    data = await seed(server);
    judge = await startFakeJudge();
    // Evaluation jobs started from the page build their judge from the server's environment.
    process.env.GLASSBOX_JUDGE_BASE_URL = judge.baseURL;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await judge?.close();
    delete process.env.GLASSBOX_JUDGE_BASE_URL;
  });

  test('experiments page lists experiments and filters them with the MLflow grammar', async () => {
    await go('/');
    await page.getByRole('link', { name: 'support-bot' }).waitFor();
    const row = page.locator('tr', { has: page.getByRole('link', { name: 'support-bot' }) });
    await row.locator('td').nth(3).getByText('4').waitFor(); // traces
    expect(await row.locator('td').nth(2).textContent()).toBe('2'); // runs
    await shot('experiments');
    await page.getByLabel('Experiment filter').fill("name = 'nothing-like-this'");
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No experiments match').waitFor();
    expect(page.url()).toContain('filter=');
  });

  test('runs page shows metrics and params as columns, sorts, and compares selected runs on charts', async () => {
    await go(`/experiments/${data.experimentId}/runs`);
    await page.getByRole('link', { name: 'train-0' }).waitFor();
    expect(await page.locator('th', { hasText: 'loss' }).count()).toBe(1);
    await shot('runs');
    await page.getByLabel('Run filter').fill('metrics.loss >>> 1');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('INVALID_PARAMETER_VALUE');
    await go(`/experiments/${data.experimentId}/runs`);
    await page.getByLabel('Select train-0').check();
    await page.getByLabel('Select train-1').check();
    await page.getByRole('button', { name: /Compare 2/ }).click();
    await page.getByTestId('chart-loss').locator('.recharts-line').first().waitFor();
    expect(await page.getByTestId('chart-loss').locator('.recharts-line').count()).toBe(2);
    expect(await page.getByTestId('parallel').locator('polyline').count()).toBe(2);
    await shot('compare-runs');
  });

  test('run page charts metrics and previews artifacts', async () => {
    await go(`/runs/${data.runIds[0]}`);
    await page.getByRole('heading', { name: 'Artifacts' }).waitFor();
    await page.getByRole('link', { name: /notes/ }).click();
    await page.getByRole('link', { name: /summary\.txt/ }).click();
    await page.getByText('Loss went down nicely.').waitFor();
    await page.getByRole('link', { name: /data/ }).click();
    await page.getByRole('link', { name: /eval\.csv/ }).click();
    await page.locator('td', { hasText: '0.9' }).waitFor();
    await shot('run');
  });

  test('traces page lists traces with status and tokens, and quick filters narrow them', async () => {
    await go(`/experiments/${data.experimentId}/traces`);
    await page.locator('tbody tr').nth(3).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(4);
    await shot('traces');
    await page.getByRole('table', { name: 'Traces' }).focus();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/traces\/tr-/);
    await page.goBack();
    await page.getByLabel('Status').selectOption('ERROR');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    expect(page.url()).toContain('status=ERROR');
  });

  test('trace page shows the span tree, chat messages of the LLM span, and takes human feedback', async () => {
    await go(`/traces/${data.traces[0]}`);
    await page.getByRole('treeitem').first().waitFor();
    expect(await page.getByRole('treeitem').count()).toBe(3);
    await page.locator('[data-span-name="chat gpt-4o-mini"]').click();
    await page.locator('.chat-msg.role-assistant', { hasText: 'In SQLite by default.' }).waitFor();
    expect(page.url()).toContain('span=');
    await page.getByText('Supported by docs/storage.md.').waitFor();
    await shot('trace');
    await page.getByRole('tree').press('ArrowUp');
    await page.getByRole('tree').press('ArrowUp');
    expect(await page.locator('[aria-selected="true"]').getAttribute('data-span-name')).toBe('answer_question');
    await page.getByLabel('Feedback name').fill('helpful');
    await page.getByRole('button', { name: 'Add feedback' }).click();
    await page.locator('.doc', { hasText: 'helpful' }).waitFor();
  });

  test('a 10,000-span trace opens with only the visible rows rendered', async () => {
    await go(`/traces/${data.wide}`);
    await page.getByRole('treeitem').first().waitFor();
    const rendered = await page.getByRole('treeitem').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    await page.getByRole('tree').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('[data-span-name="step-9998"]').waitFor();
    await shot('trace-10k');
  });

  test('two traces compare span by span with differences flagged', async () => {
    await go(`/compare?a=${data.traces[0]}&b=${data.traces[1]}`);
    await page.getByTestId('aligned').locator('tbody tr').nth(2).waitFor();
    expect(await page.getByTestId('aligned').locator('.badge', { hasText: 'outputs' }).count()).toBeGreaterThanOrEqual(1);
    await shot('compare-traces');
  });

  test('prompts page lists prompts and diffs two versions side by side', async () => {
    await go('/prompts');
    await page.getByRole('link', { name: 'qa-prompt' }).click();
    await page.getByTestId('template').waitFor();
    await page.getByTestId('used-by').getByText(/and 1 trace(?!s)/).waitFor();
    await page.getByLabel('Diff against').selectOption('1');
    await page.getByTestId('diff').waitFor();
    expect(await page.getByTestId('diff').textContent()).toContain('citing {{context}}');
    await page.getByLabel('Alias', { exact: true }).fill('production');
    await page.getByRole('button', { name: 'Set alias' }).click();
    await page.locator('.badge', { hasText: '@production' }).waitFor();
    await shot('prompt');
  });

  test('monitoring page charts volume, errors, latency, tokens and assessment means', async () => {
    await go(`/experiments/${data.experimentId}/monitoring`);
    await page.getByTestId('monitor-Trace volume').locator('.recharts-bar-rectangle').first().waitFor();
    await page.getByTestId('monitor-Assessment means').waitFor();
    await shot('monitoring');
  });

  test('the theme toggle switches to dark and is remembered', async () => {
    await go('/experiments');
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    await shot('experiments-theme');
  });

  test('evaluations page starts a judge job, shows its progress, summary and distributions, and compares two jobs', async () => {
    await go(`/experiments/${data.experimentId}/evaluations`);
    await page.getByRole('button', { name: 'Start evaluation' }).click();
    await page.locator('tbody tr .badge', { hasText: 'SUCCEEDED' }).first().waitFor({ timeout: 20_000 });
    await page.getByLabel('Run name').fill('second');
    await page.getByRole('button', { name: 'Start evaluation' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr .badge')].filter((b) => b.textContent === 'SUCCEEDED').length === 2, null, { timeout: 20_000 });
    await shot('evaluations');
    await page.locator('tbody tr').last().locator('a').first().click(); // the first job: the second skipped what it had judged
    await page.locator('td', { hasText: 'groundedness' }).first().waitFor();
    await page.getByTestId('dist-latency').waitFor();
    expect(await page.getByTestId('results').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot('evaluation');
    await page.goBack();
    await page.locator('tbody input[type=checkbox]').nth(0).check();
    await page.locator('tbody input[type=checkbox]').nth(1).check();
    await page.getByRole('button', { name: 'Compare 2 selected' }).click();
    await page.getByTestId('eval-compare').locator('td', { hasText: 'latency' }).waitFor();
    await shot('evaluations-compare');
  }, 90_000);

  test('a running evaluation can be re-judged and cancelled from its page', async () => {
    judge.latencyMs = 1500; // records run in parallel: each judge call must outlast the clicks that reach Cancel
    try {
      await go(`/experiments/${data.experimentId}/evaluations`);
      await page.getByLabel('Run name').fill('to-cancel');
      await page.getByLabel('Re-judge').check();
      await page.getByRole('button', { name: 'Start evaluation' }).click();
      await page.locator('tbody tr .badge', { hasText: /PENDING|RUNNING/ }).first().waitFor({ timeout: 20_000 });
      await page.locator('tbody tr').first().locator('a').first().click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.locator('h1 .badge', { hasText: 'CANCELLED' }).waitFor({ timeout: 20_000 });
      await page.getByText('start the same evaluation again to resume it').waitFor();
      expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
      await shot('evaluation-cancelled');
    } finally {
      judge.latencyMs = 0;
    }
  }, 60_000);
});
