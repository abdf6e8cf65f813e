/**
 * A bare checked stack: a stack of its own for one construct (and the handles its props
 * need), with the AWS provider a lab has and behind the same policy gate, but no config
 * and no lab around it. Construct tests build there, as Solutions Constructs' tests do;
 * tests of the whole lab use synthLab (lab-stack.ts).
 */
import type { Construct } from 'constructs';
import { Testing } from 'cdktn';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { PolicyCheckedStack } from '../../stacks/policy/checked-stack';
import type { WaiverInput } from '../../stacks/policy/waivers';
import type { StackJson } from './lab-stack';

// As in `streamlab synth`: no stack trace per cdktn token (they dominate synth time).
process.env.CDKTN_DISABLE_CREATION_STACK ??= '1';

/** The bare stack's id: short, since it starts every construct path a test names. */
export const BARE_STACK_ID = 't';
export const BARE_REGION = 'us-east-1';

export function bareStack(waivers: readonly WaiverInput[] = []): PolicyCheckedStack {
  const stack = new PolicyCheckedStack(Testing.app({ stackTraces: false }), BARE_STACK_ID, [
    ...waivers,
  ]);
  new AwsProvider(stack, 'Aws', { region: BARE_REGION });
  return stack;
}

/** Builds into a bare stack and synthesizes it (the policy gate runs). */
export function synthBare(build: (scope: Construct) => void): {
  stack: PolicyCheckedStack;
  json: StackJson;
} {
  const stack = bareStack();
  build(stack);
  return { stack, json: JSON.parse(Testing.synth(stack)) as StackJson };
}

/** The account id lookup a lab shares among its constructs (LabStack's "Account"). */
export function accountLookup(scope: Construct): string {
  return new DataAwsCallerIdentity(scope, 'Account').accountId;
}
