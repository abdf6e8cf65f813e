/**
 * IAM policy JSON built from typed statements. Constructs grant through this so every
 * policy in the stack has the same shape, which is what the policy Aspects inspect.
 * ARNs may be Terraform tokens: cdktn resolves them inside the JSON string at synth.
 */

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** IAM condition block, e.g. `{ StringEquals: { 'cloudwatch:namespace': 'X' } }`. */
  readonly conditions?: Record<string, Record<string, string | string[]>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Who a trust policy lets assume a role: one AWS service, or one AWS principal. */
export type TrustedPrincipal = { readonly Service: string } | { readonly AWS: string };

/**
 * Trust policy letting one AWS service (or one AWS principal) assume a role; `conditions`
 * guard against the confused-deputy problem (the service acting for another account, a
 * third party without the agreed external id).
 */
export function assumeRolePolicy(
  principal: string | TrustedPrincipal,
  conditions?: Record<string, Record<string, string>>,
): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: typeof principal === 'string' ? { Service: principal } : principal,
        Action: 'sts:AssumeRole',
        ...(conditions ? { Condition: conditions } : {}),
      },
    ],
  });
}
