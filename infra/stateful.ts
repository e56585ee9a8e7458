/**
 * Everything that holds data or identity: the table, the user pool, the
 * application's event bus. It changes rarely and, in prod, outlives the
 * stateless stack (deploying or destroying functions never touches data).
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  UserPool,
  UserPoolDomain,
  UserPoolGroup,
  type IUserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { INDEX_NAMES, TABLE, projectionOf } from '#functions/store/table.ts';
import type { InfraConfig } from './config.ts';

/** The user groups handlers read from `cognito:groups`. Lower precedence wins when a user is in several. */
export const USER_GROUPS = [
  { name: 'operator', precedence: 0, description: 'Platform operators: review matches, watch markets. Added by an admin only.' },
  { name: 'provider', precedence: 10, description: 'Service providers: register organisations and offerings.' },
  { name: 'sme', precedence: 20, description: 'SMEs: post needs, accept or decline matches.' },
] as const;

export interface StatefulStackProps extends StackProps {
  readonly config: InfraConfig;
}

export class StatefulStack extends Stack {
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly userPool: UserPool;
  readonly userPoolClient: IUserPoolClient;
  /** Hosted sign-in (authorization code + PKCE) of the console: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly userPoolDomain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props.config;

    // Built from TABLE, the one definition the local runtime and the tests also use.
    const table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      // AWS-managed key (aws/dynamodb): auditable in CloudTrail, no key to administer or pay for.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.statefulRemovalPolicy,
    });
    for (const indexName of INDEX_NAMES) {
      const ix = TABLE.indexes[indexName];
      // The projection is part of the one definition (see table.ts for why mostly KEYS_ONLY).
      const projection = projectionOf(indexName);
      table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: ix.partitionKey, type: AttributeType.STRING },
        sortKey: { name: ix.sortKey, type: AttributeType.STRING },
        ...(projection.type === 'INCLUDE'
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection.attributes] }
          : { projectionType: ProjectionType.KEYS_ONLY }),
      });
    }
    this.table = table;

    // A bus of our own: rules match only this application's events, and its
    // name is what the functions publish to (EVENT_BUS_NAME).
    this.bus = new EventBus(this, 'Bus', { description: `SME matchmaking application events (${stage.name})` });

    const userPool = new UserPool(this, 'UserPool', {
      // SMEs and providers register themselves; they land in no group until an
      // operator (or admin) adds them to `sme` or `provider` (docs/deploy.md).
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // TOTP only: no SMS role, no per-message cost. Optional, see the COG2 acknowledgement.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Lite covers passwords, groups and TOTP, everything this API uses, at the lowest MAU price.
      featurePlan: FeaturePlan.LITE,
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.statefulRemovalPolicy,
    });
    Validations.of(userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is optional (TOTP) so small firms can self-register without an authenticator app; operators are asked to enrol TOTP when an admin creates them (docs/deploy.md).',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Plus tier (threat protection) is billed per monthly active user; the Lite tier keeps an idle platform at no cost. Revisit when the platform has real traffic.',
      },
    );
    for (const g of USER_GROUPS) {
      new UserPoolGroup(this, `Group-${g.name}`, {
        userPool,
        groupName: g.name,
        precedence: g.precedence,
        description: g.description,
      });
    }
    // A public client (browser or mobile app): no secret to leak. SRP for apps;
    // USER_PASSWORD_AUTH so the CLI can fetch a token for smoke tests (docs/deploy.md).
    const userPoolClient = userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
    });
    this.userPool = userPool;
    this.userPoolClient = userPoolClient;

    // The hosted sign-in pages the console redirects to. A Cognito prefix domain:
    // no certificate or DNS to manage; a custom domain can replace it later.
    // Classic hosted UI, because managed login (v2) needs the Essentials tier.
    this.userPoolDomain = userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.config.authDomainPrefix },
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId, description: 'Cognito user pool id' });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId, description: 'App client id (JWT audience)' });
    new CfnOutput(this, 'SignInDomain', { value: this.userPoolDomain.baseUrl(), description: 'Cognito hosted sign-in of the console' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }
}
