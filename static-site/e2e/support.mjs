// What the browser tests share: axe-core run on a page as it is, a response's session cookies and JSON, and signing in
// through the sign-in page.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation, naming each. The page's
 * context must bypass the site's CSP, which admits only the site's own scripts.
 */
export async function audit(page, what) {
  await page.evaluate(AXE);
  const { violations, checked } = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document);
    return {
      checked: result.passes.length,
      violations: result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    };
  });
  assert.ok(checked > 10, `${what}: axe checked only ${checked} rules`);
  assert.deepEqual(violations, [], `${what}: ${violations.join('\n')}`);
}

/** The cookies a response sets, as one Cookie header, and the CSRF token among them. */
export function session(response) {
  const pairs = response.headers.getSetCookie().map((line) => line.split(';')[0]);
  const csrf = pairs.find((pair) => pair.startsWith('__Host-emmaus-csrf='))?.split('=')[1];
  return { cookie: pairs.join('; '), csrf };
}

/** A response's JSON (null when empty), failing with its status and text when it is not a success. */
export async function json(response, what) {
  const text = await response.text();
  assert.ok(response.ok, `${what}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Signs `who` in through the sign-in page and waits for the home page to greet them. */
export async function signIn(page, url, who) {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('greeting').filter({ hasText: who.name }).waitFor();
}
