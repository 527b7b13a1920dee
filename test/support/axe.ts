/// <reference lib="dom" />
// The automated accessibility check of the browser tests: axe-core (the npm package, read from
// node_modules, no network) runs in the page and answers its violations; `serious` and
// `critical` ones fail a test, the rest are reported.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; failureSummary?: string; html: string }[];
}

/** Runs axe-core on the page as it is now (WCAG 2.x A/AA rules and axe's best practices). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  // The app's Content-Security-Policy (script-src 'self') refuses an injected <script> tag, as it
  // should; evaluating through the browser's debugging protocol is not subject to it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<any> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as AxeViolation[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        failureSummary: n.failureSummary,
        html: n.html.slice(0, 200),
      })),
    }));
  });
}

export const isBlocking = (v: AxeViolation) => v.impact === 'serious' || v.impact === 'critical';

/** One line per violation and up to three of its elements, for a test's report. */
export function describeViolations(where: string, violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${where}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length}×)\n` +
        v.nodes
          .slice(0, 3)
          .map((n) => `    ${n.target.join(' ')}  ${n.html}`)
          .join('\n'),
    )
    .join('\n');
}
