import { adviceFor, errorLines } from '../../../../../labs/aws/terraform/diagnose';
import { formatPlanSummary, summarizePlan } from '../../../../../labs/aws/terraform/runner';

describe('terraform diagnostics', () => {
  it.each([
    ['Error: No valid credential sources found', /no AWS credentials/],
    ['api error ExpiredToken: The security token included in the request is expired', /expired/],
    ['Error: invalid AWS Region: mars-1', /does not know that region/],
    ['Error: Failed to query available provider packages', /could not download the AWS provider/],
    ['Error: Error acquiring the state lock', /state lock/],
    [
      'Error: creating IAM Role (lab-host): operation error IAM: CreateRole, api error EntityAlreadyExists: Role with name lab-host already exists.',
      /exists in AWS but not in terraform's state.*streamlab up/,
    ],
    [
      'Error: creating Kinesis Stream (lab-stream): ResourceInUseException: Stream lab-stream already exists',
      /adopts them/,
    ],
  ])('%s', (stderr, advice) => {
    expect(adviceFor(stderr)).toMatch(advice);
  });

  it('has no advice for an unknown error', () => {
    expect(adviceFor('Error: something new')).toBeUndefined();
  });

  it('extracts Error: lines from boxed output', () => {
    expect(errorLines('╷\n│ Error: Bad thing\n│ \n│ detail\n╵\n')).toEqual(['Error: Bad thing']);
  });

  it("keeps terraform's context: which resource and which line of the stack", () => {
    const stderr = [
      "Error: reading EC2 AMIs: couldn't find resource",
      '',
      '  with data.aws_ami.Host_Ubuntu_1A2B,',
      '  on cdk.tf.json line 12, in data "aws_ami" "Host_Ubuntu_1A2B":',
      '  12:       "owners": [',
      '',
      'Error: Invalid function argument',
      '',
      '  on main.tf.json line 1, in resource.terraform_data.x:',
      '   1: {"resource":{}}',
    ].join('\n');
    expect(errorLines(stderr)).toEqual([
      'Error: reading EC2 AMIs: couldn\'t find resource (with data.aws_ami.Host_Ubuntu_1A2B; on cdk.tf.json line 12, in data "aws_ami" "Host_Ubuntu_1A2B")',
      'Error: Invalid function argument (on main.tf.json line 1, in resource.terraform_data.x)',
    ]);
  });

  it('counts replace once, not as create plus delete', () => {
    const s = summarizePlan({
      resource_changes: [
        { type: 'aws_instance', change: { actions: ['delete', 'create'] } },
        { type: 'aws_instance', change: { actions: ['no-op'] } },
        { type: 'aws_s3_bucket', change: { actions: ['update'] } },
      ],
    });
    expect(s).toMatchObject({ create: 0, update: 1, replace: 1, delete: 0, hasChanges: true });
  });

  it('counts an import as a change to apply, even with nothing else to do (adoption)', () => {
    const s = summarizePlan({
      resource_changes: [
        { type: 'aws_kinesis_stream', change: { actions: ['no-op'], importing: { id: 'lab-s' } } },
        { type: 'aws_iam_role', change: { actions: ['no-op'] } },
      ],
    });
    expect(s).toMatchObject({ create: 0, update: 0, adopt: 1, hasChanges: true });
    expect(formatPlanSummary(s)).toContain('adopt 1 existing resource(s) into the state (import)');
    expect(summarizePlan({ resource_changes: [] })).not.toHaveProperty('adopt');
  });
});
