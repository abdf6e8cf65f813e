/**
 * The env file provisioning writes, read by the producer's real reader (config.parse in
 * producer-app/streamlab_producer/config.py, on /usr/bin/python3): every config value
 * arrives as the same setting. This fails when the TypeScript writer and the Python reader
 * disagree on a name, a type, a default or the quoting; producer-app/tests/
 * test_env_contract.py checks from the other side that the reader asks for exactly the
 * variables of the contract.
 */
import { runSync } from '../../../../process/run';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type LabConfigInput } from '../../../../config';
import {
  PRODUCER_ENV,
  PRODUCER_ENV_PREFIX,
  PRODUCER_SOURCES,
  producerEnvValue,
} from '../../../../config/producer-env';
import {
  envFileContent,
  producerHostVars,
  REPO_ROOT,
  STATE_DIR,
  type VarOverrides,
} from '../../../../provisioning/playbooks/producer-host';
import { readEnvFile } from './systemd-env';

const READ_BACK = [
  'import json',
  'from streamlab_producer import config',
  'print(json.dumps(vars(config.parse([]))))',
].join('\n');

const work = mkdtempSync(join(tmpdir(), 'streamlab-env-contract-'));
const replayFile = join(work, 'posts.jsonl');
writeFileSync(replayFile, '');

/** What the producer makes of an env file: systemd's unquoting, then its own reader. */
function producerReads(content: string): Record<string, unknown> {
  const out = runSync(['/usr/bin/python3', '-c', READ_BACK], {
    cwd: join(REPO_ROOT, 'producer-app'),
    // Only the file's variables: nothing from this machine's environment may fill a gap.
    env: { ...readEnvFile(content), PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' },
  }).stdout;
  return JSON.parse(out) as Record<string, unknown>;
}

const HOSTILE_LOCATION = `Lima "centro" $(reboot) \`id\` 'x'\nnext line \\ end`;

/** `stream`: the host record's stream (default: the one synth names, course-ana). */
function written(
  producer: LabConfigInput['producer'],
  o: Omit<VarOverrides, 'producerAppDir'> & { stream?: string },
) {
  const config = parseConfig({
    name: 'course',
    region: 'eu-west-1',
    operatorCidr: '203.0.113.7/32',
    students: ['ana'],
    producer,
  });
  const { stream = 'course-ana', ...overrides } = o;
  return envFileContent(
    producerHostVars(config, { name: 'ana', stream }, { ...overrides, producerAppDir: '/src' }),
  );
}

describe("the producer's environment contract, TypeScript writer against Python reader", () => {
  it('every value the writer puts in the env file is the setting the producer reads', () => {
    const content = written(
      { source: 'synthetic', hashtag: 'lima_2026', location: HOSTILE_LOCATION, rate: 5.5 },
      {},
    );
    expect(producerReads(content)).toMatchObject({
      stream: 'course-ana',
      region: 'eu-west-1',
      source: 'synthetic',
      hashtag: 'lima_2026',
      location: HOSTILE_LOCATION,
      rate: 5.5,
      endpoint_url: null,
      cloudwatch: false,
      dead_letter: `${STATE_DIR}/dead-letter.jsonl`,
      x_bearer_token: null,
    });
  });

  it('the secret and the endpoint arrive unchanged, and CloudWatch stays off', () => {
    const token = 'tok$en"`\\ AAAA';
    const content = written(
      { source: 'x' },
      { xBearerToken: token, endpointUrl: 'http://10.200.1.1:4567' },
    );
    expect(producerReads(content)).toMatchObject({
      source: 'x',
      hashtag: '#COVID_19',
      location: 'lima',
      x_bearer_token: token,
      endpoint_url: 'http://10.200.1.1:4567',
      cloudwatch: false,
    });
  });

  it('without producer.rate replay runs unpaced and synthetic at 10/s: the producer’s own rule', () => {
    const replay = written({ source: 'replay' }, { extraEnv: { STREAMLAB_FILE: replayFile } });
    expect(replay).not.toContain('STREAMLAB_RATE');
    expect(producerReads(replay)).toMatchObject({ source: 'replay', rate: 0, file: replayFile });
    const synthetic = written({ source: 'synthetic' }, {});
    expect(producerReads(synthetic)).toMatchObject({ source: 'synthetic', rate: 10 });
    // A rate the config sets paces replay too.
    const paced = written(
      { source: 'replay', rate: 3 },
      { extraEnv: { STREAMLAB_FILE: replayFile } },
    );
    expect(producerReads(paced)).toMatchObject({ source: 'replay', rate: 3 });
  });

  it.each(PRODUCER_SOURCES)(
    'every source the config accepts is one the producer runs: %s',
    (source) => {
      const content = written(
        { source },
        { xBearerToken: 'token', extraEnv: { STREAMLAB_FILE: replayFile } },
      );
      expect(producerReads(content)).toMatchObject({ source });
    },
  );

  it('the writer refuses what the contract does not allow, naming the variable and never a secret', () => {
    expect(() => written({}, { stream: 'two words' })).toThrow(
      'STREAMLAB_STREAM="two words": does not match',
    );
    expect(() => producerEnvValue('STREAMLAB_RATE', -1)).toThrow(
      'STREAMLAB_RATE=-1: must be within 0..∞',
    );
    expect(() => producerEnvValue('STREAMLAB_CLOUDWATCH', '1')).toThrow('must be true or false');
    expect(() => producerEnvValue('STREAMLAB_STREAMS', 's')).toThrow(
      "STREAMLAB_STREAMS is not in the producer's environment contract",
    );
    let message = '';
    try {
      producerEnvValue('STREAMLAB_X_BEARER_TOKEN', 42);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('STREAMLAB_X_BEARER_TOKEN=(secret, not shown): must be a string');
  });

  it('an extra pair never replaces a value provisioning checked: the producer reads the checked one', () => {
    // systemd keeps the last assignment of a name, and extra pairs come last: without the
    // check, STREAMLAB_STREAM=course-bruno here would send Ana's producer to Bruno's stream.
    expect(() => written({}, { extraEnv: { STREAMLAB_STREAM: 'course-bruno' } })).toThrow(
      "extraEnv: STREAMLAB_STREAM is set by provisioning from the host's record (stream)",
    );
    expect(() => written({}, { extraEnv: { STREAMLAB_X_BEARER_TOKEN: 'x' } })).toThrow(
      /STREAMLAB_X_BEARER_TOKEN is set by provisioning/,
    );
    // Any other contract variable is checked like the ones provisioning writes.
    expect(() => written({}, { extraEnv: { STREAMLAB_LIMIT: 'ten' } })).toThrow(
      'STREAMLAB_LIMIT="ten": must be a number',
    );
    expect(() => written({}, { extraEnv: { STREAMLAB_STREAMS: 's' } })).toThrow(
      'STREAMLAB_STREAMS is not a variable the producer reads',
    );
    const content = written(
      {},
      { extraEnv: { STREAMLAB_LIMIT: '25', STREAMLAB_LOG_LEVEL: 'DEBUG' } },
    );
    expect(producerReads(content)).toMatchObject({ stream: 'course-ana', limit: 25 });
  });

  it('the contract names STREAMLAB_ variables with a known type, and only the token is secret', () => {
    for (const v of PRODUCER_ENV) expect(v.name.startsWith(PRODUCER_ENV_PREFIX)).toBe(true);
    expect(PRODUCER_ENV.filter((v) => v.secret).map((v) => v.name)).toEqual([
      'STREAMLAB_X_BEARER_TOKEN',
    ]);
  });

  it("the producer page's table of options lists every variable of the contract", () => {
    const page = readFileSync(join(REPO_ROOT, 'docs', 'producer.md'), 'utf8');
    const table = page.slice(page.indexOf('\n## Options and environment\n'));
    const section = table.slice(0, table.indexOf('\n## ', 1));
    // A name in code quotes, alone or with a value (`STREAMLAB_CLOUDWATCH=1`).
    const missing = PRODUCER_ENV.filter((v) => !new RegExp(`\`${v.name}[\`=]`).test(section));
    expect(missing.map((v) => v.name)).toEqual([]);
  });
});
