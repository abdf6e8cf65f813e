/**
 * What the AWS lab's checks need beyond the inventory (class-snapshot.ts's AwsClassFacts):
 * the lake bucket and, with config `consumer`, each student's reader role and external id —
 * names the stack made, read from its outputs once. `streamlab check` and the dashboard
 * both start here.
 */
import { OperationalError } from '../../config/errors';
import { hostNames } from '../../config/hosts';
import type { LabConfig } from '../../config/schema';
import { BUCKET_OUTPUT, readerRoleArns } from '../../stacks/outputs';
import { stackOutputs } from '../aws/stack-outputs';
import { storedReaderExternalIds } from '../local-state/reader-external-ids';
import type { AwsClassFacts } from './class-snapshot';

export async function awsClassFacts(
  config: LabConfig,
  outputsFile?: string,
): Promise<AwsClassFacts> {
  const outputs = await stackOutputs(config, outputsFile);
  const bucket = outputs[BUCKET_OUTPUT]?.value;
  if (typeof bucket !== 'string' || bucket === '')
    throw new OperationalError(
      `terraform output "${BUCKET_OUTPUT}" is missing (was the stack applied with this config?); run \`streamlab up\`, or pass --outputs FILE`,
    );
  return {
    bucket,
    ...(config.consumer
      ? {
          readerRoles: readerRoleArns(outputs, hostNames(config)),
          consumer: {
            principal: config.consumer.readerPrincipal,
            externalIds: storedReaderExternalIds(config.name),
          },
        }
      : {}),
  };
}
