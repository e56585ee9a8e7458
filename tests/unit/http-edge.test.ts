import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { Conflict, NotFound } from '#domain/errors.ts';
import { buildHandlers } from '#functions/app.ts';
import { loadConfig, requireSetting } from '#functions/config.ts';
import { errorResponse } from '#functions/http/errors.ts';
import { callerFromClaims, parseGroups } from '#functions/http/identity.ts';
import { Store } from '#functions/store/store.ts';
import { lambdaContext } from '#tests/support/app.ts';

describe('identity from authorizer claims', () => {
  it.each([
    [['sme'], ['sme']],
    ['[sme]', ['sme']],
    ['[sme provider]', ['sme', 'provider']],
    ['["operator"]', ['operator']],
    ['[x,operator]', ['x,operator']],
    ['[x,operator sme]', ['x,operator', 'sme']],
    ['["x,operator"]', ['x,operator']],
    ['provider', ['provider']],
    ['', []],
    [undefined, []],
  ])('reads cognito:groups given as %j', (raw, groups) => {
    expect(parseGroups(raw)).toEqual(groups);
  });

  it('lets the most capable known group act and ignores unknown ones', () => {
    expect(callerFromClaims({ sub: 'u1', 'cognito:groups': '[admins sme operator]' })).toEqual({ sub: 'u1', role: 'operator' });
  });

  it('takes a comma as part of a group name, so a group named "x,operator" grants nothing', () => {
    expect(() => callerFromClaims({ sub: 'u1', 'cognito:groups': '[x,operator]' })).toThrow(/no platform group/);
    expect(callerFromClaims({ sub: 'u1', 'cognito:groups': '[x,operator sme]' })).toEqual({ sub: 'u1', role: 'sme' });
  });

  it('refuses a token without sub or without a platform group as unauthenticated', () => {
    expect(() => callerFromClaims({ 'cognito:groups': '[sme]' })).toThrow(/signed-in/);
    expect(() => callerFromClaims({ sub: 'u1', 'cognito:groups': '[admins]' })).toThrow(/no platform group/);
  });
});

describe('the error mapper', () => {
  it('keeps the status, code and message of application errors', () => {
    expect(errorResponse(new Conflict('already approved'))).toEqual({
      statusCode: 409,
      body: { error: { code: 'CONFLICT', message: 'already approved', details: [] } },
    });
    expect(errorResponse(new NotFound('x')).statusCode).toBe(404);
  });

  it('hides anything else behind a generic 500', () => {
    const r = errorResponse(new Error('secret table name in message'));
    expect(r.statusCode).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('secret');
  });
});

describe('an unexpected DynamoDB failure', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterEach(() => ddb.reset());

  it('answers 500 INTERNAL without leaking the cause', async () => {
    ddb.on(GetCommand).rejects(Object.assign(new Error('ProvisionedThroughputExceeded on table prod-secret'), { name: 'ProvisionedThroughputExceededException' }));
    const config = loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16) });
    const store = new Store(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })), 't', config.CURSOR_SECRET);
    const handlers = buildHandlers({
      store,
      publisher: { publish: async () => undefined },
      clock: { now: () => new Date() },
      config,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const res = await handlers.http.providers(
      {
        version: '2.0',
        routeKey: 'GET /v1/providers/{providerId}',
        rawPath: '/v1/providers/pr_abcdefghijkl',
        rawQueryString: '',
        headers: {},
        pathParameters: { providerId: 'pr_abcdefghijkl' },
        isBase64Encoded: false,
        requestContext: { requestId: 'r1', authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': '[provider]' }, scopes: null } } },
      } as never,
      lambdaContext('providers'),
    );
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body!)).toEqual({ error: { code: 'INTERNAL', message: 'internal error; it has been logged', details: [] } });
    expect(res.body).not.toContain('prod-secret');
  });
});

describe('configuration', () => {
  it('fails at start when a required variable is missing or malformed', () => {
    expect(() => loadConfig({ CURSOR_SECRET: 'x'.repeat(16) })).toThrow(/TABLE_NAME/);
    expect(() => loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'short' })).toThrow(/CURSOR_SECRET/);
    expect(() => loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16), MATCH_TTL_HOURS: 'soon' })).toThrow(/MATCH_TTL_HOURS/);
  });

  it('has no default for a setting that differs per deployment: a publisher without EVENT_BUS_NAME fails at start', () => {
    const config = loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16) });
    expect(config.EVENT_BUS_NAME).toBeUndefined();
    expect(() => requireSetting(config, 'EVENT_BUS_NAME')).toThrow(/EVENT_BUS_NAME is required/);
    expect(requireSetting(loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16), EVENT_BUS_NAME: 'b' }), 'EVENT_BUS_NAME')).toBe('b');
  });

  it('applies the documented defaults', () => {
    expect(loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16) })).toMatchObject({
      ROUND_DELAY_MS: 1000,
      MATCH_TTL_HOURS: 72,
      REBALANCE_AFTER_MINUTES: 60,
      IDEMPOTENCY_TTL_HOURS: 24,
      QUOTA_OPEN_NEEDS_PER_SME: 20,
      QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: 3,
      QUOTA_PROVIDERS_PER_OWNER: 5,
      QUOTA_OFFERINGS_PER_PROVIDER: 50,
    });
  });

  it('refuses a quota that is not a positive whole number at start', () => {
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => loadConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16), QUOTA_OPEN_NEEDS_PER_SME: bad })).toThrow(/QUOTA_OPEN_NEEDS_PER_SME/);
    }
  });
});
