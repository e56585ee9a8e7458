import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { INDEX_NAMES, TABLE, keyAttributeNames, projectionOf } from '#functions/store/table.ts';
import { USER_GROUPS } from '#infra/stateful.ts';
import { resources, synth, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod');
});

describe('table', () => {
  it('has the key schema of TABLE, every key attribute a string', () => {
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(
        keyAttributeNames().map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      ),
    });
    dev.stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  it('has exactly the GSIs of TABLE, each with the projection TABLE defines', () => {
    const [table] = Object.values(resources(dev.stateful, 'AWS::DynamoDB::Table'));
    const gsis = table!.Properties!.GlobalSecondaryIndexes as Array<Record<string, any>>;
    expect(gsis.map((g) => g.IndexName).sort()).toEqual([...INDEX_NAMES].sort());
    for (const g of gsis) {
      const ix = TABLE.indexes[g.IndexName as keyof typeof TABLE.indexes];
      expect(g.KeySchema).toEqual([
        { AttributeName: ix.partitionKey, KeyType: 'HASH' },
        { AttributeName: ix.sortKey, KeyType: 'RANGE' },
      ]);
      const p = projectionOf(g.IndexName as keyof typeof TABLE.indexes);
      expect(g.Projection).toEqual(
        p.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...p.attributes] } : { ProjectionType: 'KEYS_ONLY' },
      );
    }
  });

  it('is on-demand, with point-in-time recovery, TTL on the ttl attribute and AWS-managed encryption', () => {
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      ProvisionedThroughput: Match.absent(),
    });
  });

  it('is deleted with the stack in dev', () => {
    dev.stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('is retained and deletion-protected in prod', () => {
    prod.stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe('user pool', () => {
  it('has the groups sme, provider and operator', () => {
    const groups = Object.values(resources(dev.stateful, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties!.GroupName);
    expect(groups.sort()).toEqual(['operator', 'provider', 'sme']);
    expect(USER_GROUPS.map((g) => g.name).sort()).toEqual(groups);
  });

  it('allows self sign-up by e-mail with a strong password policy', () => {
    dev.stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
    const [pool] = Object.values(resources(dev.stateful, 'AWS::Cognito::UserPool'));
    expect(pool!.Properties!.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
  });

  it('has an app client without a secret', () => {
    dev.stateful.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    dev.stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('is destroyed in dev, retained and deletion-protected in prod', () => {
    dev.stateful.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
    prod.stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });
});

describe('bus and outputs', () => {
  it('has the application event bus', () => {
    dev.stateful.resourceCountIs('AWS::Events::EventBus', 1);
  });

  it('outputs the user pool id, app client id, table and bus names', () => {
    const outputs = Object.keys(dev.stateful.findOutputs('*'));
    for (const name of ['UserPoolId', 'UserPoolClientId', 'TableName', 'EventBusName']) expect(outputs).toContain(name);
  });

  it('puts prod and dev in differently named stacks, prod with termination protection', () => {
    expect(dev.system.stateful.stackName).toBe('SmeMatch-dev-Stateful');
    expect(prod.system.stateless.stackName).toBe('SmeMatch-prod-Stateless');
    expect(prod.system.stateful.terminationProtection).toBe(true);
    expect(dev.system.stateful.terminationProtection).toBe(false);
  });
});
