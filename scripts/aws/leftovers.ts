/**
 * After `destroy`, asks EC2 itself whether any instance of the lab still exists: state
 * can lie (a resource removed from state by hand, an apply interrupted before it saved).
 */
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';

/** Ids of non-terminated instances tagged `lab=<name>` and `managed-by=streamlab`. */
export async function leftoverInstances(ec2: EC2Client, labName: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const res = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:lab', Values: [labName] },
          { Name: 'tag:managed-by', Values: ['streamlab'] },
          {
            Name: 'instance-state-name',
            Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'],
          },
        ],
        NextToken: token,
      }),
    );
    for (const r of res.Reservations ?? [])
      for (const i of r.Instances ?? []) ids.push(i.InstanceId!);
    token = res.NextToken;
  } while (token);
  return ids;
}
