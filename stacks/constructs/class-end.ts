/**
 * The end of a class, enforced by AWS (config `class`): a one-time EventBridge Scheduler
 * schedule that, at the end, calls EC2 StopInstances on every host of the lab through
 * Scheduler's universal target (no Lambda, no code of ours that could fail or be
 * tampered with). Its role trusts only scheduler.amazonaws.com acting for this account
 * and may stop exactly the lab's instances, nothing else: not start them, not stop
 * another lab's.
 *
 * Stopped, not terminated: a class that ran over is restarted (`extend`, then start the
 * instances), and the students' work on their disks survives. Stopped instances still
 * cost their EBS volumes; `streamlab down` removes everything.
 */
import { Construct } from 'constructs';
import { SchedulerSchedule } from '@cdktn/provider-aws/lib/scheduler-schedule';
import { ServiceRole } from './service-role';

/** Scheduler's universal target for EC2's StopInstances (the SDK's camelCase action name). */
export const STOP_INSTANCES_TARGET = 'arn:aws:scheduler:::aws-sdk:ec2:stopInstances';

/** Scheduler's one-time expression: `at(yyyy-mm-ddThh:mm:ss)`, read in the given zone (UTC here). */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

export interface ClassEndProps {
  /** The lab name: the schedule is "<name>-class-end", the role "<name>-class-end-<region>". */
  readonly name: string;
  readonly region: string;
  /** When the instances stop (whole seconds; earlier precision is dropped). */
  readonly endsAt: Date;
  /** The lab's instances: ids for the call, ARNs for the role's policy. */
  readonly instances: ReadonlyArray<{ readonly id: string; readonly arn: string }>;
  /** The lab's account: the trust policy's aws:SourceAccount (the confused-deputy guard). */
  readonly accountId: string;
}

export class ClassEnd extends Construct {
  readonly scheduleName: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ClassEndProps) {
    super(scope, id);
    if (props.instances.length === 0) {
      throw new Error(`${this.node.path}: a class end needs at least one instance to stop`);
    }
    this.scheduleName = `${props.name}-class-end`;
    const role = new ServiceRole(this, 'Role', {
      service: 'scheduler.amazonaws.com',
      name: `${props.name}-class-end`,
      region: props.region,
      description: `Stops the instances of lab ${props.name} when the class ends`,
      trustConditions: { StringEquals: { 'aws:SourceAccount': props.accountId } },
    });
    role.addPolicy('StopLabInstances', [
      { actions: ['ec2:StopInstances'], resources: props.instances.map((i) => i.arn) },
    ]);
    this.roleArn = role.arn;

    new SchedulerSchedule(this, 'Schedule', {
      name: this.scheduleName,
      description: `End of class ${props.name}: stop its instances (streamlab extend moves it)`,
      scheduleExpression: atExpression(props.endsAt),
      scheduleExpressionTimezone: 'UTC',
      // No window: the end is the end, not "some time in the next hour".
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: STOP_INSTANCES_TARGET,
        roleArn: role.arn,
        input: JSON.stringify({ InstanceIds: props.instances.map((i) => i.id) }),
        // A throttled or failed call is retried for an hour (Scheduler's default is a day).
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
      },
      // Scheduler checks it may assume the role when the schedule is created.
      dependsOn: role.grants,
    });
  }
}
