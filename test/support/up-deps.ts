/**
 * `up`'s dependencies stood in for a unit test that never reaches AWS or provisioning:
 * terraform is the one given, the stack at /nonexistent names nothing (so nothing is
 * looked up for adoption), and provisioning must not be reached. `over` replaces any part.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { StackTerraform } from '../../labs/aws/stack';
import type { UpDeps } from '../../labs/aws/up';

export function standInUpDeps(tf: StackTerraform, over: Partial<UpDeps> = {}): UpDeps {
  return {
    findTerraform: async () => ({ path: '/bin/terraform', flavor: 'terraform', version: '1.11.4' }),
    checkCredentials: async () => ({ account: '123456789012', arn: 'arn:aws:iam::1:user/op' }),
    checkQuotas: async () => [],
    synth: () => ({ stackDir: '/nonexistent' }),
    terraform: () => tf,
    ec2: () => new EC2Client({ region: 'us-east-1' }),
    provision: async () => {
      throw new Error('must not provision');
    },
    adoptClients: () => {
      throw new Error('nothing to adopt');
    },
    ...over,
  };
}
