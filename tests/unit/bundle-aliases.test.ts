/**
 * The modules the Lambda bundles use in place of SDK dependencies
 * (infra/constructs/app-function.ts, BUNDLING.alias): each on its own, and
 * the SDK running on them inside a bundle built as the CDK app builds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProvider } from '#functions/adapters/lambda-credentials.ts';
import LRUCache from '#functions/adapters/lru-cache.ts';
import { EventStreamSerde, eventStreamSerdeProvider } from '#functions/adapters/no-event-streams.ts';
import { esbuildOptions } from '#infra/constructs/app-function.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('lambda credentials (the default provider in the bundles)', () => {
  it("returns the execution role's keys from the environment, with the session token", async () => {
    const creds = await defaultProvider({}, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' })();
    expect(creds).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('carries the optional expiry and account the SDK reads from the environment too', async () => {
    const creds = await defaultProvider({}, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's', AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z', AWS_ACCOUNT_ID: '123456789012' })();
    expect(creds.expiration?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(creds.accountId).toBe('123456789012');
    expect(creds.sessionToken).toBeUndefined();
  });

  it('fails with the variables it needs when the keys are missing', async () => {
    await expect(defaultProvider({}, { AWS_ACCESS_KEY_ID: 'a' })()).rejects.toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
});

describe('LRU cache (in place of mnemonist/lru-cache)', () => {
  it('evicts the least recently used entry when full; get refreshes recency, peek does not', () => {
    const c = new LRUCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3); // evicts b
    expect([c.has('a'), c.has('b'), c.has('c')]).toEqual([true, false, true]);
    expect(c.peek('a')).toBe(1); // does not refresh a
    c.set('a', 10); // replacing refreshes a and evicts nothing
    c.set('d', 4); // evicts c, the least recent
    expect([c.peek('a'), c.has('c'), c.peek('d'), c.size]).toEqual([10, false, 4, 2]);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get('a')).toBeUndefined();
  });

  it('refuses a capacity it cannot hold anything in', () => {
    expect(() => new LRUCache(0)).toThrow(/capacity/);
  });
});

describe('event streams (not bundled)', () => {
  it('fail loudly if an operation ever needed them', () => {
    expect(() => eventStreamSerdeProvider()).toThrow(/not bundled/);
    expect(() => new EventStreamSerde()).toThrow(/not bundled/);
  });
});

describe('the SDK inside a bundle built with the aliases', () => {
  let dir: string;
  let sdk: { DynamoDBClient: typeof import('@aws-sdk/client-dynamodb').DynamoDBClient };
  const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bundle-aliases-'));
    const outfile = path.join(dir, 'index.mjs');
    await build({
      absWorkingDir: ROOT,
      stdin: { contents: "export { DynamoDBClient } from '@aws-sdk/client-dynamodb';", resolveDir: ROOT, loader: 'js' },
      outfile,
      ...esbuildOptions(),
      logLevel: 'silent',
    });
    sdk = (await import(pathToFileURL(outfile).href)) as typeof sdk;
  }, 60_000);
  afterAll(async () => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves a client's credentials from the environment, as in Lambda", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDBUNDLED';
    process.env.AWS_SECRET_ACCESS_KEY = 'bundled-secret';
    process.env.AWS_SESSION_TOKEN = 'bundled-token';
    const client = new sdk.DynamoDBClient({ region: 'ap-east-1' });
    const creds = await client.config.credentials();
    expect(creds).toMatchObject({ accessKeyId: 'AKIDBUNDLED', secretAccessKey: 'bundled-secret', sessionToken: 'bundled-token' });
  });

  it("fails with the bundle's own message, not the SDK chain's, when the keys are missing", async () => {
    for (const k of KEYS) delete process.env[k];
    const client = new sdk.DynamoDBClient({ region: 'ap-east-1' });
    await expect(client.config.credentials()).rejects.toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/);
  });

  it("runs DynamoDB's endpoint cache on the replacement LRU", () => {
    const client = new sdk.DynamoDBClient({ region: 'ap-east-1' });
    const cache = client.config.endpointCache;
    expect(cache.getEndpoint('k')).toBeUndefined();
    cache.set('k', [{ Address: 'ddb.example', CachePeriodInMinutes: 10 }]);
    expect(cache.has('k')).toBe(true);
    expect(cache.getEndpoint('k')).toBe('ddb.example');
    cache.delete('k');
    expect(cache.has('k')).toBe(false);
  });
});
