import { adviceFor, errorLines } from '../../../../../labs/aws/terraform/diagnose';
import { summarizePlan } from '../../../../../labs/aws/terraform/runner';

describe('terraform diagnostics', () => {
  it.each([
    ['Error: No valid credential sources found', /no AWS credentials/],
    ['api error ExpiredToken: The security token included in the request is expired', /expired/],
    ['Error: invalid AWS Region: mars-1', /does not know that region/],
    ['Error: Failed to query available provider packages', /could not download the AWS provider/],
    ['Error: Error acquiring the state lock', /state lock/],
  ])('%s', (stderr, advice) => {
    expect(adviceFor(stderr)).toMatch(advice);
  });

  it('has no advice for an unknown error', () => {
    expect(adviceFor('Error: something new')).toBeUndefined();
  });

  it('extracts Error: lines from boxed output', () => {
    expect(errorLines('╷\n│ Error: Bad thing\n│ \n│ detail\n╵\n')).toEqual(['Error: Bad thing']);
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
});
