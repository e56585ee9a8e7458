/**
 * The console's build: content-hashed script and style, an index.html that
 * names them, the whole script under the 250 KB budget, and a build that
 * replaces the previous one whole.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConsole, SCRIPT_BUDGET_BYTES } from '#web/build.ts';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'web-build-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('buildConsole', () => {
  it('writes hashed assets under the script budget and an index.html that loads them from its own origin', async () => {
    const out = path.join(dir, 'dist');
    await fs.mkdir(out, { recursive: true });
    await fs.writeFile(path.join(out, 'stale.js'), 'left from an older build');
    const built = await buildConsole({ outDir: out });

    expect(built.scriptBytes).toBeGreaterThan(10_000);
    expect(built.scriptBytes).toBeLessThanOrEqual(SCRIPT_BUDGET_BYTES);
    const scripts = built.files.filter((f) => f.endsWith('.js'));
    for (const f of [...scripts, ...built.files.filter((f) => f.endsWith('.css'))]) expect(f).toMatch(/^assets\/[a-z]+-[A-Z0-9]{8}\.(js|css)$/);
    const html = await fs.readFile(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('<html lang="zh-CN">');
    const src = /<script type="module" src="\/(assets\/main-[A-Z0-9]{8}\.js)"><\/script>/.exec(html)?.[1];
    expect(src && scripts).toContain(src);
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/main-[A-Z0-9]{8}\.css">/);
    expect(html).not.toMatch(/https?:\/\//);
    await expect(fs.access(path.join(out, 'stale.js'))).rejects.toThrow();
  }, 60_000);
});
