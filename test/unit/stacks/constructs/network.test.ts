/** Network, alone in a bare stack: subnets over the usable AZs, the default SG closed, flow logs. */
import { Network } from '../../../../stacks/constructs/network';
import { accountLookup, bareStack, synthBare } from '../../../support/bare-stack';
import { inlinePolicies, refTo, resourcesOf } from '../../../support/lab-stack';

const { json } = synthBare(
  (s) =>
    void new Network(s, 'Network', {
      name: 'bigdata-lab',
      region: 'us-east-1',
      instanceType: 't3.micro',
      accountId: accountLookup(s),
    }),
);

describe('Network', () => {
  it('has two public subnets in distinct AZs picked from the AZ data source', () => {
    const subnets = resourcesOf(json, 'aws_subnet');
    expect(subnets.map((s) => s.availability_zone)).toEqual([
      expect.stringMatching(
        /element\(sort\(setintersection\(data\.aws_availability_zones\.Network_Zones_\w+\.names, .+\), 0\)/,
      ),
      expect.stringMatching(
        /element\(sort\(setintersection\(data\.aws_availability_zones\.Network_Zones_\w+\.names, .+\), 1\)/,
      ),
    ]);
    expect(subnets.every((s) => s.map_public_ip_on_launch === true)).toBe(true);
    expect(resourcesOf(json, 'aws_route')).toEqual([
      expect.objectContaining({
        destination_cidr_block: '0.0.0.0/0',
        gateway_id: expect.stringMatching(refTo('aws_internet_gateway', 'Network_Gateway', 'id')),
      }),
    ]);
    expect(resourcesOf(json, 'aws_route_table_association')).toHaveLength(2);
  });

  it('takes over the default security group with no rules', () => {
    const [sg] = resourcesOf(json, 'aws_default_security_group');
    expect(sg).not.toHaveProperty('ingress');
    expect(sg).not.toHaveProperty('egress');
    expect(sg!.vpc_id).toMatch(refTo('aws_vpc', 'Network_Vpc', 'id'));
  });

  it('sends flow logs to a log group with retention through a role limited to that group', () => {
    const [flow] = resourcesOf(json, 'aws_flow_log');
    expect(flow).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    const groups = resourcesOf(json, 'aws_cloudwatch_log_group');
    expect(groups.every((g) => Number(g.retention_in_days) > 0)).toBe(true);
    // AWS's documented flow-log role policy, less CreateLogGroup (the group exists) and
    // with the one group instead of "*".
    expect(inlinePolicies(json).Network_FlowLogRole_WriteFlowLogs).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
        ],
        Resource: [
          expect.stringMatching(refTo('aws_cloudwatch_log_group', 'Network_FlowLogs_Group', 'arn')),
          expect.stringMatching(/\.arn\}:\*$/),
        ],
      },
    ]);
  });

  it('lets the flow-log service assume its role only for this account', () => {
    const [role] = resourcesOf(json, 'aws_iam_role').filter(
      (r) => r.name === 'bigdata-lab-flow-logs-us-east-1',
    );
    expect(JSON.parse(role!.assume_role_policy as string).Statement[0]).toMatchObject({
      Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
      Condition: {
        StringEquals: {
          'aws:SourceAccount': expect.stringMatching(
            /^\$\{data\.aws_caller_identity\.Account\w*\.account_id\}$/,
          ),
        },
      },
    });
  });

  it('refuses fewer than two subnets', () => {
    expect(
      () =>
        new Network(bareStack(), 'Network', {
          name: 'n',
          region: 'us-east-1',
          instanceType: 't3.micro',
          subnetCount: 1,
        }),
    ).toThrow(/subnetCount 1 must be an integer ≥ 2/);
  });
});
