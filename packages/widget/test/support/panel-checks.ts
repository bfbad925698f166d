// What the widget's browser tests check on a screen: axe's serious and critical violations, and a
// screenshot of the panel for docs/images (with its times pinned, so the images don't change by the minute).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** docs/images, where the screenshots shown in docs/widget.md live. */
export const IMAGES_DIR = fileURLToPath(new URL('../../../../docs/images/', import.meta.url));

type AxeRun = (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;

/** axe-core over the page (it reads open shadow roots; the page must have loaded it): the serious and critical violations, named by `screen`. */
export async function audit(page: Page, screen: string): Promise<string[]> {
  const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run: AxeRun } }).axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** Saves a screenshot of the widget panel as docs/images/widget-<name>.png, with its times pinned to 9:41 AM. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(IMAGES_DIR, { recursive: true });
  const times = page.locator('.qc-panel time');
  const real = await times.evaluateAll((nodes) => nodes.map((n) => [n.textContent ?? '', (n.textContent = '9:41 AM')][0]!));
  await page.locator('.qc-panel').screenshot({ path: `${IMAGES_DIR}widget-${name}.png`, animations: 'disabled', caret: 'hide' });
  await times.evaluateAll((nodes, texts) => nodes.forEach((n, i) => (n.textContent = texts[i] ?? n.textContent)), real);
}
