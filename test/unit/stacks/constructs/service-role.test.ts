/** ServiceRole: one trusted principal; permissions only through grants, each once. */
import { ServiceRole } from '../../../../stacks/constructs/service-role';
import { bareStack } from '../../../support/bare-stack';

describe('ServiceRole', () => {
  it('needs exactly one of service and awsPrincipal', () => {
    for (const both of [{}, { service: 'ec2.amazonaws.com', awsPrincipal: '123456789012' }]) {
      expect(
        () =>
          new ServiceRole(bareStack(), 'R', {
            name: 'r',
            region: 'us-east-1',
            description: 'r',
            ...both,
          }),
      ).toThrow(/give exactly one of service and awsPrincipal/);
    }
  });

  it('refuses the same grant twice (its id names the policy resource)', () => {
    const role = new ServiceRole(bareStack(), 'R', {
      service: 'ec2.amazonaws.com',
      name: 'r',
      region: 'us-east-1',
      description: 'r',
    });
    const statements = [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }];
    role.addPolicy('Read', statements);
    expect(() => role.addPolicy('Read', statements)).toThrow(/grant "Read" was added twice/);
  });
});
