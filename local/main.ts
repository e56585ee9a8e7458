/**
 * `npm start`: the local runtime from the environment.
 *
 *   PORT            HTTP port (default 3000; 0 = a free one)
 *   DATA_DIR        where state persists (default .data)
 *   DEMO            0 to start without demo data
 *   ROUND_DELAY_MS  market round delay (default 1000)
 *   MATCH_TTL_HOURS open matches expire after this (default 72)
 *   LOG_LEVEL       DEBUG | INFO | WARN | ERROR | SILENT (default INFO)
 *   HOST            interface to listen on (default 127.0.0.1); one other machines
 *                   can reach also needs LOCAL_EXPOSE_TOKEN_MINT=1 (see exposure.ts)
 *   LOCAL_DYNALITE  process (default: dynalite in a child process on loopback, which
 *                   exits with the runtime) | inline (in the runtime's own process)
 *
 * Ctrl-C (SIGINT) or SIGTERM shuts down gracefully; a second signal exits at once.
 */
// Set before any AWS SDK module loads (they read it at import).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import * as z from 'zod/mini';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from './auth.ts';
import { checkExposure } from './exposure.ts';

const Env = z.object({
  PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65_535)), 3000),
  DATA_DIR: z._default(z.string().check(z.minLength(1)), '.data'),
  DEMO: z._default(z.string(), '1'),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'debug', 'info', 'warn', 'error', 'silent']), 'INFO'),
  HOST: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
});

async function main(): Promise<void> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    console.error(`invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const env = parsed.data;
  const exposure = checkExposure(env.HOST, process.env);
  if (!exposure.ok) {
    console.error(exposure.message);
    process.exit(2);
  }
  if (exposure.warning) console.warn(exposure.warning);
  // Loaded after the variable above is set: static imports would load the SDK first.
  const { startRuntime } = await import('./runtime.ts');
  const runtime = await startRuntime({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    demo: env.DEMO !== '0',
    console: true,
    logLevel: env.LOG_LEVEL,
    env: process.env,
  });

  const demoLines = runtime.demo
    ? [
        `  Demo data:  ${runtime.demo.seeded ? 'created now' : 'present'}; tokens of its owners (valid until ${runtime.demo.tokensExpireAt}) in`,
        `              ${runtime.demo.file}`,
        ...runtime.demo.owners.map((o) => `              ${o.role.padEnd(8)} ${o.sub.padEnd(32)} ${o.name}`),
        ...(runtime.demo.owners.find((o) => o.role === 'sme')
          ? [
              `  Act as a demo SME:`,
              `    curl -H "authorization: Bearer ${runtime.demo.owners.find((o) => o.role === 'sme')!.token}" ${runtime.url}/v1/smes`,
            ]
          : []),
      ]
    : ['  Demo data:  none (DEMO=0, or the table already held other data)'];

  console.log(
    [
      '',
      '  SME service matchmaking: local runtime',
      `  Console:    ${runtime.url}/   (sign in as a demo operator, SME or provider)`,
      `  API:        ${runtime.url}   (routes as in AWS; GET /health, GET /v1/catalog)`,
      `  Docs:       ${runtime.url}/docs   (renders ${runtime.url}/openapi.json)`,
      `  Data dir:   ${runtime.dataDir}`,
      `  Tokens:     issuer ${LOCAL_ISSUER}, audience ${LOCAL_AUDIENCE}, ES256, 12 h; get one with`,
      `    curl -s -X POST ${runtime.url}/local/tokens -H 'content-type: application/json' -d '{"role":"sme"}'`,
      `  Round delay ${runtime.config.ROUND_DELAY_MS} ms, match TTL ${runtime.config.MATCH_TTL_HOURS} h`,
      ...demoLines,
      '  Ctrl-C stops it gracefully; nothing accepted is lost.',
      '',
    ].join('\n'),
  );

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    console.log(`${signal}: shutting down (draining requests and deliveries)...`);
    runtime
      .stop()
      .then(() => {
        console.log('stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        console.error('shutdown failed', e);
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  console.error('the local runtime could not start:', e);
  process.exit(1);
});
