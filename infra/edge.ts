/**
 * What CloudFront needs from us-east-1: the WAF web ACL of the console's
 * distribution (a CLOUDFRONT-scoped web ACL can be created nowhere else).
 * The application's stacks stay in their own region; the stateless stack
 * reads the ACL's ARN through a cross-region stack output (CDK's weak
 * references, `Fn::GetStackOutput`), so no custom resource is involved.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { InfraConfig } from './config.ts';
import { EdgeFirewall } from './constructs/edge-firewall.ts';

export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  readonly config: InfraConfig;
}

export class EdgeStack extends Stack {
  readonly firewall: EdgeFirewall;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.firewall = new EdgeFirewall(this, 'Firewall', {
      metricPrefix: `${config.appName}-${config.stage.name}`,
      requestsPer5Min: config.edgeRequestsPer5Min,
      writesPer5Min: config.edgeWritesPer5Min,
    });
    new CfnOutput(this, 'WebAclArn', { value: this.firewall.webAclArn, description: 'WAF web ACL of the console distribution' });
  }
}
