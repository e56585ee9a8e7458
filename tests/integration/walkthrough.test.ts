/**
 * The README walk-through (scripts/walkthrough.sh), run as written, twice in
 * a row, against a local runtime started empty (as `DEMO=0 npm start`) on
 * loopback: both runs end with a completed, rated match. The README shows
 * the script's steps; a check here keeps the two the same.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '#local/runtime.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/walkthrough.sh');

let dir: string;
let rt: Runtime;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'walkthrough-'));
  rt = await startRuntime({ dataDir: dir, port: 0, host: '127.0.0.1', demo: false, logLevel: 'SILENT' });
});

afterAll(async () => {
  await rt?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** The script's output, one line per step that prints. */
async function walk(): Promise<string[]> {
  const { stdout } = await run('bash', [SCRIPT], { cwd: ROOT, env: { ...process.env, API: rt.url }, timeout: 90_000 });
  return stdout.trim().split('\n');
}

describe('the README walk-through', () => {
  it('runs as written twice in a row, each time to a confirmed, delivered, completed and rated match', async () => {
    for (let i = 0; i < 2; i++) {
      const out = await walk();
      // approve provider, offering id, queue length, approve, accept, accept, contact, deliver, confirm, rating, inbox titles
      expect(out[0]).toBe('APPROVED');
      expect(out[1]).toMatch(/^of_/);
      expect(Number(out[2])).toBeGreaterThanOrEqual(1);
      expect(out.slice(3, 11)).toEqual(['APPROVED', 'APPROVED', 'CONFIRMED', 'Li Na', 'DELIVERED', 'COMPLETED', '5', expect.any(String)]);
    }
  }, 200_000);

  it('is shown in the README as the script runs it', async () => {
    const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
    const script = await fs.readFile(SCRIPT, 'utf8');
    // The steps after the script's own preamble (shebang, comments, `set`) appear verbatim in the README.
    const steps = script.slice(script.indexOf('API=${API:-'));
    expect(readme).toContain(steps.trim());
  });
});
