/**
 * Stack traces of a bundled Lambda that name the TypeScript source (file,
 * line, column), read through the bundle's source map only when a stack is
 * first written, never at init.
 *
 * Why not `--enable-source-maps`: with it, Node reads and decodes the whole
 * map while it loads the bundle, at every cold start, whether or not an error
 * ever happens (measured: about a fifth of a function's module init). Here
 * the hook costs nothing at init; the first stack a container formats (an
 * error logged, an uncaught exception) reads `index.mjs.map` beside the
 * bundle and decodes it with Node's own `SourceMap` (node:module, the same
 * decoder `--enable-source-maps` uses; `findEntry` on Node 20 and 22), and
 * later stacks reuse it.
 *
 * V8 calls `Error.prepareStackTrace` when an error's `stack` is first read
 * (Powertools' logger reads it to log an error; the Lambda runtime to report
 * an uncaught one), so errors that are thrown and caught as control flow
 * (a 404, a conditional-check failure) never pay for the map.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The file this module runs from: the bundle (index.mjs) once bundled, this .ts file under tsx or vitest. */
const SELF = import.meta.url;

type Mapper = (site: NodeJS.CallSite) => string | undefined;

/**
 * Maps the frames of `bundleUrl` (a file: URL) through `<bundle>.map`; the
 * map is read and decoded on the first call, and a missing or unreadable map
 * leaves frames as they are (a stack trace must never fail for want of it).
 */
export function bundleFrameMapper(bundleUrl: string, readMap: (path: string) => string = (p) => readFileSync(p, 'utf8')): Mapper {
  let map: SourceMap | null | undefined;
  return (site) => {
    if (site.getFileName() !== bundleUrl) return undefined;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (line === null || column === null) return undefined;
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readMap(`${fileURLToPath(bundleUrl)}.map`)));
      } catch {
        map = null;
      }
    }
    if (!map) return undefined;
    // findEntry takes and returns 0-based lines and columns (a call site's are 1-based), and answers the
    // nearest mapping at or before the position, {} if none: one from an earlier line is not this frame's.
    const entry = map.findEntry(line - 1, column - 1) as Partial<{ generatedLine: number; originalSource: string; originalLine: number; originalColumn: number }>;
    if (entry.generatedLine !== line - 1 || !entry.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    // Sources are relative to the map (esbuild writes them so), resolved as --enable-source-maps resolves them.
    const source = fileURLToPath(new URL(entry.originalSource, bundleUrl));
    const where = `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return site.toString().replace(`${bundleUrl}:${line}:${column}`, where);
  };
}

/** `prepareStackTrace` formatting like V8's default (`Name: message` then one `    at` line per frame), each frame mapped when it can be. */
export function stackFormatter(mapFrame: Mapper): (error: Error, sites: NodeJS.CallSite[]) => string {
  return (error, sites) => {
    let head: string;
    try {
      head = String(error);
    } catch {
      head = '<error>';
    }
    const frames = sites.map((site) => {
      let text: string | undefined;
      try {
        text = mapFrame(site);
      } catch {
        text = undefined;
      }
      return `\n    at ${text ?? site.toString()}`;
    });
    return head + frames.join('');
  };
}

/**
 * Installs the hook when running from a bundle (a .mjs beside its map) whose
 * process has no source maps of its own: not under tsx, vitest or
 * `--enable-source-maps`. Returns whether it did. (It replaces Node's
 * default `Error.prepareStackTrace`, a function on Node 20 and 22, whose
 * format it keeps.) Called once per container from the composition root
 * (adapters/logger.ts, handlers/market-trigger.ts).
 */
export function sourceMappedStacks(bundleUrl: string = SELF): boolean {
  if (!bundleUrl.startsWith('file:') || !bundleUrl.endsWith('.mjs')) return false;
  if (process.sourceMapsEnabled) return false;
  Error.prepareStackTrace = stackFormatter(bundleFrameMapper(bundleUrl));
  return true;
}
