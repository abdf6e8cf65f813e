/**
 * Config strings are never Terraform templates (issue 16). Terraform's JSON syntax
 * evaluates `${…}` and `%{…}` in every string, keys included, so a tag such as
 * `${file("/etc/hostname")}` used to put the file into the tags (and the state). The real
 * terraform binary evaluates what the synth wrote (an outputs-only config: no provider, no
 * AWS) and must give back the strings exactly as the user wrote them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktn';
import type { LabConfig } from '../../../config/schema';
import { StackInputError } from '../../../stacks/errors';
import { LabStack } from '../../../stacks/lab-stack';
import { runSync } from '../../../process/run';
import { labConfig, resourcesOf, TEST_PUBLIC_KEY, type StackJson } from '../../support/lab-stack';

jest.setTimeout(60_000);

const HOSTILE_TAGS = {
  'k${file("/etc/hostname")}': '${file("/etc/hostname")}',
  loop: '%{ for l in split("\n", file("/etc/passwd")) }${l}%{ endfor }',
  escaped: 'already $${escaped} and %%{escaped}',
  '%{ if true }key%{ endif }': 'plain',
};
const HOSTILE_KEY = `${TEST_PUBLIC_KEY} ana@\${file("/etc/hostname")}`;

/** The stack for `config`, which skips the schema: the escape must not rely on it. */
function synth(config: LabConfig, publicKey = TEST_PUBLIC_KEY): StackJson {
  const app = Testing.app({ stackTraces: false });
  const stack = new LabStack(app, config, { publicKeys: { lab: publicKey } });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

/** What terraform makes of `value` as an output of a config with nothing else in it. */
function terraformEvaluates(value: unknown): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-tf-literal-'));
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ output: { v: { value } } }));
  const tf = (...args: string[]) =>
    runSync(['terraform', ...args], {
      cwd: dir,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    }).stdout;
  tf('init', '-input=false', '-no-color');
  tf('apply', '-auto-approve', '-input=false', '-no-color');
  return JSON.parse(tf('output', '-json', 'v'));
}

describe('free-form config strings reach terraform as literals', () => {
  it('tags: keys and values evaluate to exactly what the config says', () => {
    const json = synth({ ...labConfig(), tags: HOSTILE_TAGS });
    const tags = (json.provider.aws[0]!.default_tags as { tags: Record<string, string> }[])[0]!
      .tags;
    expect(terraformEvaluates(tags)).toEqual({
      ...HOSTILE_TAGS,
      lab: 'bigdata-lab',
      'managed-by': 'streamlab',
    });
  });

  it('the public key file, whose comment is free-form, evaluates to itself', () => {
    const json = synth(labConfig(), HOSTILE_KEY);
    const [keyPair] = resourcesOf(json, 'aws_key_pair');
    expect(terraformEvaluates(keyPair!.public_key)).toBe(HOSTILE_KEY);
  });

  it('the S3 backend key evaluates to itself', () => {
    const key = 'labs/${file("/etc/hostname")}/state';
    const json = synth({ ...labConfig(), backend: { bucket: 'my-state-bucket', key } });
    const s3 = (json.terraform.backend as { s3: { key: string } }).s3;
    expect(terraformEvaluates(s3.key)).toBe(key);
  });

  it('a string that cdktn would read as one of its own tokens is refused, naming the tag', () => {
    const refused = (() => {
      try {
        synth({ ...labConfig(), tags: { team: 'x ${TfToken[TOKEN.1]}' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(StackInputError);
    expect((refused as StackInputError).exitCode).toBe(2);
    expect(() => synth({ ...labConfig(), tags: { team: 'x ${TfToken[TOKEN.1]}' } })).toThrow(
      /tags\.team: .*TfToken/,
    );
  });

  it("the framework's own references are left live", () => {
    const json = synth(labConfig());
    const [instance] = resourcesOf(json, 'aws_instance');
    expect(instance!.subnet_id).toMatch(/^\$\{aws_subnet\.[\w-]+\.id\}$/);
  });
});
