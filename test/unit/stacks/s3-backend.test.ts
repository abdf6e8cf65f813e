/**
 * Terraform state backend in the synthesized JSON: S3 with the native lock file when
 * config.backend is set, the local state file otherwise.
 */
import { labConfig, synthLab } from '../../support/lab-stack';

const backendOf = (json: { terraform: Record<string, unknown> }) =>
  json.terraform.backend as Record<string, Record<string, unknown>>;

describe('state backend', () => {
  it('is S3 with defaults: key per lab, the lab region, encrypted, native lock file', () => {
    const { json } = synthLab(
      labConfig({ name: 'team-lab', region: 'eu-west-1', backend: { bucket: 'acme-tfstate' } }),
    );
    expect(backendOf(json)).toEqual({
      s3: {
        bucket: 'acme-tfstate',
        key: 'streamlab/team-lab/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it('takes key and region from the config when given', () => {
    const { json } = synthLab(
      labConfig({
        backend: { bucket: 'acme-tfstate', key: 'labs/x.tfstate', region: 'us-west-2' },
      }),
    );
    expect(backendOf(json).s3).toMatchObject({
      key: 'labs/x.tfstate',
      region: 'us-west-2',
      use_lockfile: true,
    });
    expect(backendOf(json).local).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/dynamodb/);
  });

  it('is the local state file without config.backend', () => {
    const { json } = synthLab(labConfig());
    expect(backendOf(json)).toEqual({ local: { path: 'test.tfstate' } });
  });
});
