import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = join(repo, 'tests/e2e/screenshots');

/** Builds ui/dist when missing (npm install's prepare step normally has). */
export function ensureUiBuilt() {
  if (!existsSync(join(repo, 'ui/dist/index.html'))) {
    execFileSync('npx', ['vite', 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
}

/** Debian's Chromium, headless, with the flags this closed-network machine needs (toolchain.md §5). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
