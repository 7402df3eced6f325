// Reports the JavaScript a first visit to a route downloads before it can render, gzipped: the entry chunk with
// everything it imports statically, plus the route's own lazy chunk and its static imports (shared chunks once).
// Reads Vite's build manifest. Usage: node scripts/initial-js.mjs DIST ROUTE_SOURCE... (e.g. src/pages/SignInPage.tsx)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const [dist, ...routes] = process.argv.slice(2);
if (!dist || routes.length === 0) {
  console.error('usage: initial-js.mjs DIST ROUTE_SOURCE...');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entry) {
  console.error('the manifest names no entry chunk');
  process.exit(1);
}

function closure(key, into) {
  if (into.has(key)) return into;
  const chunk = manifest[key];
  if (!chunk) {
    console.error(`${key} is not in the build manifest`);
    process.exit(1);
  }
  into.add(key);
  for (const imported of chunk.imports ?? []) closure(imported, into);
  return into;
}

const gzipped = (key) => gzipSync(readFileSync(join(dist, manifest[key].file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const shell = closure(entry, new Set());
console.log(`${'route chunk'.padEnd(40)}${'initial JS (gzip)'.padStart(20)}${'files'.padStart(8)}`);
for (const route of routes) {
  const files = closure(route, new Set(shell));
  const total = [...files].reduce((sum, key) => sum + gzipped(key), 0);
  console.log(`${route.padEnd(40)}${kb(total).padStart(20)}${String(files.size).padStart(8)}`);
}
