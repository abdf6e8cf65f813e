/**
 * The lab's one VPC: public subnets in distinct AZs, an internet gateway, the default
 * security group taken over and emptied, and VPC flow logs to CloudWatch. A classroom
 * shares it (accounts have 5 VPCs per region by default).
 */
import { Construct } from 'constructs';
import { Fn, Op } from 'cdktn';
import { DataAwsAvailabilityZones } from '@cdktn/provider-aws/lib/data-aws-availability-zones';
import { DataAwsEc2InstanceTypeOfferings } from '@cdktn/provider-aws/lib/data-aws-ec2-instance-type-offerings';
import { DefaultSecurityGroup } from '@cdktn/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktn/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktn/provider-aws/lib/internet-gateway';
import { Route } from '@cdktn/provider-aws/lib/route';
import { RouteTable } from '@cdktn/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktn/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktn/provider-aws/lib/subnet';
import { Vpc } from '@cdktn/provider-aws/lib/vpc';
import { LogGroup } from './log-group';
import { ServiceRole } from './service-role';

export interface NetworkProps {
  /** Prefix of names (the lab name). */
  readonly name: string;
  /** AWS region of the lab (its IAM role's name holds it). */
  readonly region: string;
  /** EC2 instance type of the hosts: subnets go only to zones that offer it. */
  readonly instanceType: string;
  /** VPC address range; subnets are its consecutive /24s. @default "10.42.0.0/16" */
  readonly cidr?: string;
  /** Public subnets, each in its own AZ; at least 2. @default 2 */
  readonly subnetCount?: number;
  /** Flow-log retention in days. @default 14 */
  readonly flowLogRetentionDays?: number;
  /**
   * AWS account id: the flow-log service may then assume its role only on behalf of this
   * account. @default no such condition
   */
  readonly accountId?: string;
}

export class Network extends Construct {
  readonly vpcId: string;
  /** Public subnet ids in AZ order; hosts are spread over them. */
  readonly subnetIds: readonly string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const cidr = props.cidr ?? '10.42.0.0/16';
    const subnetCount = props.subnetCount ?? 2;
    if (!Number.isInteger(subnetCount) || subnetCount < 2) {
      throw new Error(`${this.node.path}: subnetCount ${subnetCount} must be an integer ≥ 2`);
    }

    const vpc = new Vpc(this, 'Vpc', {
      cidrBlock: cidr,
      enableDnsSupport: true,
      // Public DNS names on the hosts: the handout gives students `ssh ubuntu@<dns>`.
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    this.vpcId = vpc.id;

    // Taking over the default SG with no rules revokes its allow-all rules (CKV2_AWS_12):
    // anything launched without an explicit group then gets no traffic.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      vpcId: vpc.id,
      tags: { Name: `${props.name}-default-closed` },
    });

    // Real AZs only: an opted-in Local or Wavelength Zone would sort first otherwise. Of
    // those, the ones that offer the hosts' type (us-east-1 has a zone without t3/t4g).
    const zones = new DataAwsAvailabilityZones(this, 'Zones', {
      state: 'available',
      filter: [{ name: 'zone-type', values: ['availability-zone'] }],
    });
    const offerings = new DataAwsEc2InstanceTypeOfferings(this, 'InstanceTypeZones', {
      locationType: 'availability-zone',
      filter: [{ name: 'instance-type', values: [props.instanceType] }],
    });
    const usableZones = Fn.sort(Fn.setintersection(zones.names, [offerings.locations]));
    const zonesOfferType = {
      condition: Op.gt(Fn.lengthOf(usableZones), 0),
      errorMessage: `No availability zone of ${props.region} offers instance type ${props.instanceType}; choose another instanceType`,
    };
    const gateway = new InternetGateway(this, 'Gateway', {
      vpcId: vpc.id,
      tags: { Name: props.name },
    });
    const table = new RouteTable(this, 'PublicRoutes', {
      vpcId: vpc.id,
      tags: { Name: `${props.name}-public` },
    });
    new Route(this, 'DefaultRoute', {
      routeTableId: table.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: gateway.id,
    });

    const subnetIds: string[] = [];
    for (let i = 0; i < subnetCount; i++) {
      const subnet = new Subnet(this, `Public${i}`, {
        vpcId: vpc.id,
        cidrBlock: Fn.cidrsubnet(cidr, 8, i),
        availabilityZone: Fn.element(usableZones, i),
        mapPublicIpOnLaunch: true,
        tags: { Name: `${props.name}-public-${i}` },
        // Checked before the subnet's arguments: element() of an empty list would fail
        // with a message about functions, not zones.
        lifecycle: { precondition: [zonesOfferType] },
      });
      new RouteTableAssociation(this, `Public${i}Routes`, {
        subnetId: subnet.id,
        routeTableId: table.id,
      });
      subnetIds.push(subnet.id);
    }
    this.subnetIds = subnetIds;

    const logs = new LogGroup(this, 'FlowLogs', {
      name: `/streamlab/${props.name}/vpc-flow-logs`,
      retentionDays: props.flowLogRetentionDays ?? 14,
    });
    const role = new ServiceRole(this, 'FlowLogRole', {
      service: 'vpc-flow-logs.amazonaws.com',
      name: `${props.name}-flow-logs`,
      region: props.region,
      description: `VPC flow logs of lab ${props.name} into ${logs.name}`,
      ...(props.accountId
        ? { trustConditions: { StringEquals: { 'aws:SourceAccount': props.accountId } } }
        : {}),
    });
    // The calls of AWS's documented flow-log role policy, less CreateLogGroup (the group
    // exists), on this one group and its streams instead of "*".
    role.addPolicy('WriteFlowLogs', [
      {
        actions: [
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
        ],
        resources: [logs.arn, `${logs.arn}:*`],
      },
    ]);
    new FlowLog(this, 'FlowLog', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logs.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 600,
    });
  }
}
