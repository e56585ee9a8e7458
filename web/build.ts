/**
 * Builds the console: esbuild bundles web/src/main.tsx (Preact, Chartist,
 * the CSS) into content-hashed files under dist/assets/, and writes
 * dist/index.html pointing at them. Minified, no source maps, nothing
 * fetched from a CDN at run time. `npm run build:web`; the local runtime
 * calls buildConsole() itself when dist/ is missing.
 *
 * The build goes to a fresh folder that replaces dist/ only when complete:
 * a server reading dist/ never sees half a build.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DIST_DIR = path.join(WEB_DIR, 'dist');
/** The budget of issue 14: all script of the console, minified. */
export const SCRIPT_BUDGET_BYTES = 250 * 1024;

export interface BuiltConsole {
  outDir: string;
  /** Paths under outDir, e.g. assets/main-3FJ2K4QX.js. */
  files: string[];
  scriptBytes: number;
  styleBytes: number;
}

function indexHtml(script: string, style: string): string {
  // Chinese by default; the app sets <html lang> to the chosen language once it runs.
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>中小企业公共服务对接平台</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/${style}">
<script type="module" src="/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>本平台需要启用 JavaScript。This console needs JavaScript.</noscript>
</body>
</html>
`;
}

export async function buildConsole(opts: { outDir?: string } = {}): Promise<BuiltConsole> {
  const outDir = path.resolve(opts.outDir ?? DEFAULT_DIST_DIR);
  const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  await fs.rm(staging, { recursive: true, force: true });
  try {
    const result = await build({
      absWorkingDir: path.dirname(WEB_DIR),
      entryPoints: { main: path.join(WEB_DIR, 'src', 'main.tsx') },
      outdir: path.join(staging, 'assets'),
      entryNames: '[name]-[hash]',
      chunkNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      bundle: true,
      // Chartist is a chunk of its own, fetched by the pages that draw charts.
      splitting: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      // Browsers of the last few years; module scripts are the floor anyway.
      target: ['chrome111', 'edge111', 'firefox114', 'safari16.4'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      define: { 'process.env.NODE_ENV': '"production"' },
      // Licences of Preact and Chartist go to a file next to the bundle, not into every download.
      legalComments: 'linked',
      // Chinese text as UTF-8 (3 bytes a character), not \uXXXX escapes (6): module scripts are always read as UTF-8.
      charset: 'utf8',
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = Object.keys(result.metafile.outputs).map((p) => path.relative(staging, path.resolve(path.dirname(WEB_DIR), p)));
    // The page loads main's script; the Chartist chunk (a dynamic import's own entry in the metafile) follows on demand.
    const mainEntry = path.relative(path.dirname(WEB_DIR), path.join(WEB_DIR, 'src', 'main.tsx')).split(path.sep).join('/');
    const entry = Object.entries(result.metafile.outputs).find(([p, o]) => o.entryPoint === mainEntry && p.endsWith('.js'));
    const script = entry && path.relative(staging, path.resolve(path.dirname(WEB_DIR), entry[0]));
    const style = outputs.find((p) => p.endsWith('.css'));
    if (!script || !style) throw new Error(`the console build produced no script or no stylesheet: ${outputs.join(', ')}`);
    const posix = (p: string) => p.split(path.sep).join('/');
    await fs.writeFile(path.join(staging, 'index.html'), indexHtml(posix(script), posix(style)));

    const sizeOf = async (ext: string) => {
      let total = 0;
      for (const p of outputs.filter((o) => o.endsWith(ext))) total += (await fs.stat(path.join(staging, p))).size;
      return total;
    };
    const scriptBytes = await sizeOf('.js');
    const styleBytes = await sizeOf('.css');
    if (scriptBytes > SCRIPT_BUDGET_BYTES) {
      throw new Error(`the console's script is ${scriptBytes} bytes, over the budget of ${SCRIPT_BUDGET_BYTES}`);
    }

    await fs.rm(outDir, { recursive: true, force: true });
    await fs.rename(staging, outDir);
    return { outDir, files: ['index.html', ...outputs.map(posix)].sort(), scriptBytes, styleBytes };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outArg = process.argv.indexOf('--out');
  buildConsole(outArg > 0 && process.argv[outArg + 1] ? { outDir: process.argv[outArg + 1]! } : {}).then(
    (b) => {
      console.log(`console built in ${path.relative(process.cwd(), b.outDir) || '.'}: script ${(b.scriptBytes / 1024).toFixed(1)} KB, style ${(b.styleBytes / 1024).toFixed(1)} KB`);
      for (const f of b.files) console.log(`  ${f}`);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
