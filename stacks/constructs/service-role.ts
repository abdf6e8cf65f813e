/**
 * An IAM role assumed by one AWS service (or, with `awsPrincipal`, one AWS principal such
 * as another account's role). Permissions arrive only through grants
 * (`DataStream.grantWrite(role)` …), each as its own inline policy with a stable id, so
 * no construct hand-writes a policy for another construct's resource.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktn';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { assumeRolePolicy, policyDocument, type PolicyStatement } from '../iam-document';

/** IAM's limit on role names (instance profiles allow 128; they share the role's name). */
export const MAX_IAM_NAME_LENGTH = 64;
const HASH_LENGTH = 8;

/**
 * An IAM name for a regional lab: IAM names are global to the account, so the same lab
 * in a second region must not reuse them (EntityAlreadyExists). `<base>-<region>` when it
 * fits in 64 characters, else the base cut short, 8 hex of a hash of both, and the
 * region: deterministic (a changed name replaces the role) and distinct for two long
 * bases that share their beginning.
 */
export function regionalIamName(base: string, region: string): string {
  const plain = `${base}-${region}`;
  if (plain.length <= MAX_IAM_NAME_LENGTH) return plain;
  const hash = createHash('sha256').update(plain).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_IAM_NAME_LENGTH - region.length - HASH_LENGTH - 2;
  return `${base.slice(0, room).replace(/-+$/, '')}-${hash}-${region}`;
}

export interface ServiceRoleProps {
  /**
   * Service principal allowed to assume the role, e.g. "ec2.amazonaws.com".
   * @default none (give exactly one of service, awsPrincipal)
   */
  readonly service?: string;
  /**
   * Instead of `service`: an AWS principal allowed to assume the role, a role or account
   * ARN or a 12-digit account id. @default none (give exactly one of service, awsPrincipal)
   */
  readonly awsPrincipal?: string;
  /** Base of the role name, e.g. "<lab>-flow-logs"; the region is added (regionalIamName). */
  readonly name: string;
  /** AWS region of the lab: part of the name, since IAM names are account-wide. */
  readonly region: string;
  /** What the role is for (shown in the IAM console). */
  readonly description: string;
  /**
   * Conditions on the trust statement, e.g. `{ StringEquals: { 'aws:SourceAccount': id } }`.
   * @default none
   */
  readonly trustConditions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
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
      name: regionalIamName(props.name, props.region),
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
