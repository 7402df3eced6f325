// Starts the real `emmaus serve` binary on a free port with a throwaway data directory, and stops it again.
import { execFileSync, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 30_000;
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+/;

async function requireBinary() {
  const bin = process.env.EMMAUS_BIN;
  if (!bin) {
    throw new Error(
      'EMMAUS_BIN is not set. Point it at a built emmaus binary, e.g.\n' +
        '  EMMAUS_BIN=~/.cache/emmaus/target/debug/emmaus npm run e2e',
    );
  }
  try {
    await access(bin, constants.X_OK);
  } catch {
    throw new Error(`EMMAUS_BIN=${bin} does not exist or is not executable.`);
  }
  return bin;
}

async function requireSite(siteDir) {
  try {
    await access(join(siteDir, 'index.html'));
  } catch {
    throw new Error(`${siteDir}/index.html is missing; run \`npm run build\` before \`npm run e2e\`.`);
  }
}

/** A port nobody listens on right now (there is a small window before the server takes it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Resolves with the server's base URL once it prints it; rejects with everything it said if it does not.
 * Without EMMAUS_E2E_SITE_DIR the binary serves the copy of the app embedded at build time, which is what
 * people run (scripts/test builds the app first, then the binary); with it, the folder is served instead.
 */
export async function startServer(siteDir = process.env.EMMAUS_E2E_SITE_DIR, { port = 0 } = {}) {
  const bin = await requireBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'emmaus-e2e-data-'));
  // Printed sessions are set in these (Debian's fonts-dejavu-core, which scripts/test installs), as
  // scripts/serve installs them.
  execFileSync(bin, ['fonts', 'add', '--data-dir', dataDir, '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf']);
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir];
  if (siteDir) {
    await requireSite(siteDir);
    args.push('--site-dir', siteDir);
  }
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  let output = '';
  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(killTimer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const url = await new Promise((resolve, reject) => {
    let stdoutLine = '';
    const fail = (reason) => {
      clearTimeout(timer);
      reject(new Error(`${reason}\ncommand: ${bin} ${args.join(' ')}\n--- server output ---\n${output || '(none)'}`));
    };
    const timer = setTimeout(() => fail(`emmaus did not print its URL within ${READY_TIMEOUT_MS / 1000} s.`), READY_TIMEOUT_MS);

    // Both streams are always drained, before and after startup, so a chatty server never blocks on a full pipe.
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      stdoutLine += chunk;
      const lines = stdoutLine.split('\n');
      stdoutLine = lines.pop() ?? '';
      // A trailing partial line only counts if the port is clearly complete (something follows it).
      for (const line of [...lines, stdoutLine.replace(/\d+$/, '')]) {
        const match = URL_PATTERN.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[0]);
          return;
        }
      }
    });
    child.once('error', (error) => fail(`could not start emmaus: ${error.message}`));
    exitPromise.then(({ code, signal }) => fail(`emmaus exited early (code ${code}, signal ${signal}).`));
  }).catch(async (error) => {
    await stop();
    throw error;
  });

  /**
   * The one-time setup code. `emmaus serve` prints `setup_code=…` at start while setup is open; an older binary only
   * prints it when the first-run page asks (`GET /api/auth/setup`), so that is the fallback.
   */
  const setupCode = async () => {
    const find = () => [...stripAnsi(output).matchAll(SETUP_CODE)].at(-1)?.[1];
    const deadline = Date.now() + 5_000;
    let asked = false;
    while (Date.now() < deadline) {
      const code = find();
      if (code) return code;
      if (!asked && Date.now() > deadline - 4_000) {
        asked = true;
        await fetch(`${url}/api/auth/setup`).catch(() => {});
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no setup_code= line in the server output:\n${output}`);
  };

  return { url, stop, output: () => output, setupCode, dataDir, bin };
}

const SETUP_CODE = /setup_code="?([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})/g;

// Log lines are coloured when the binary thinks it may; the code must be found either way.
function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
