/**
 * An IAM role assumed by one AWS service (or, with `awsPrincipal`, one AWS principal such
 * as another account's role). Permissions arrive only through grants
 * (`DataStream.grantWrite(role)` …), each as its own inline policy with a stable id, so
 * no construct hand-writes a policy for another construct's resource.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktn';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { assumeRolePolicy, policyDocument, type PolicyStatement } from '../iam-document';

export interface ServiceRoleProps {
  /** Service principal allowed to assume the role, e.g. "ec2.amazonaws.com". */
  readonly service?: string;
  /**
   * Instead of `service`: an AWS principal allowed to assume the role, a role or account
   * ARN or a 12-digit account id. @default none (give exactly one of service, awsPrincipal)
   */
  readonly awsPrincipal?: string;
  /** Role name; ≤ 64 characters, unique in the account. */
  readonly name: string;
  /** What the role is for (shown in the IAM console). */
  readonly description: string;
  /**
   * Conditions on the trust statement, e.g. `{ StringEquals: { 'aws:SourceAccount': id } }`.
   * @default none
   */
  readonly trustConditions?: Record<string, Record<string, string>>;
}

export class ServiceRole extends Construct {
  /** ARN, for the service configuration that uses the role. */
  readonly arn: string;
  /** Role name, for instance profiles. */
  readonly name: string;
  /** The inline policies so far: a service that checks its role at create time depends on them. */
  readonly grants: ITerraformDependable[] = [];
  private readonly role: IamRole;
  private readonly grantIds = new Set<string>();

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if ((props.service === undefined) === (props.awsPrincipal === undefined)) {
      throw new Error(`${this.node.path}: give exactly one of service and awsPrincipal`);
    }
    const principal =
      props.service !== undefined ? { Service: props.service } : { AWS: props.awsPrincipal! };
    this.role = new IamRole(this, 'Role', {
      name: props.name,
      description: props.description,
      assumeRolePolicy: assumeRolePolicy(principal, props.trustConditions),
    });
    this.arn = this.role.arn;
    this.name = this.role.name;
  }

  /**
   * Attaches statements as one inline policy. `grantId` is PascalCase and stable: it
   * names the Terraform resource, so renaming it replaces the policy.
   */
  addPolicy(grantId: string, statements: readonly PolicyStatement[]): void {
    if (this.grantIds.has(grantId)) {
      throw new Error(`${this.node.path}: grant "${grantId}" was added twice`);
    }
    this.grantIds.add(grantId);
    const policy = new IamRolePolicy(this, grantId, {
      role: this.role.id,
      name: grantId,
      policy: policyDocument(statements),
    });
    this.grants.push(policy);
  }
}
