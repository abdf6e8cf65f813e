import { join } from 'node:path';
import { parseConfig } from '../../../../config';
import {
  APT_PACKAGES,
  envAssignment,
  envFileContent,
  producerHostPlaybook,
  producerHostVars,
  RESTART_HANDLER,
  unitContent,
} from '../../../../provisioning/playbooks/producer-host';
import { readEnvFile } from './systemd-env';

const config = parseConfig({
  name: 'course',
  region: 'eu-west-1',
  operatorCidr: '203.0.113.7/32',
  students: ['ana', 'bo'],
  producer: {
    source: 'synthetic',
    location: `Lima "centro" $(reboot) \`id\` 'x'\nnext line \\ end`,
    rate: 5,
  },
});

// Host records as `streamlab up` writes them: the stream named at synth.
const ana = { name: 'ana', stream: 'course-ana' };
const bo = { name: 'bo', stream: 'course-bo' };

describe('producer-host playbook', () => {
  it('takes stream, region and producer settings from the config and host', () => {
    const v = producerHostVars(config, bo, {
      endpointUrl: 'http://10.200.1.1:4567',
      producerAppDir: '/src',
    });
    expect(v).toMatchObject({
      stream: 'course-bo',
      region: 'eu-west-1',
      source: 'synthetic',
      rate: 5,
      endpointUrl: 'http://10.200.1.1:4567',
    });
  });

  it('env file: hostile values survive systemd unquoting exactly and nothing is left unescaped', () => {
    const v = producerHostVars(config, ana, { xBearerToken: 'tok$en"`', producerAppDir: '/src' });
    const content = envFileContent(v);
    const env = readEnvFile(content);
    expect(env.STREAMLAB_LOCATION).toBe(config.producer.location);
    expect(env.STREAMLAB_X_BEARER_TOKEN).toBe('tok$en"`');
    expect(env.STREAMLAB_STREAM).toBe('course-ana');
    expect(env.STREAMLAB_RATE).toBe('5');
    expect(env.STREAMLAB_ENDPOINT_URL).toBeUndefined();
    // Hosts publish no metrics, on AWS (their role may not) as offline.
    expect(env.STREAMLAB_CLOUDWATCH).toBe('0');
    const offline = envFileContent(
      producerHostVars(config, ana, { producerAppDir: '/src', endpointUrl: 'http://10.0.0.1:1' }),
    );
    expect(offline).toContain('STREAMLAB_CLOUDWATCH="0"');
    expect(env.STREAMLAB_DEAD_LETTER).toBe('/var/lib/streamlab-producer/dead-letter.jsonl');
    const extra = envFileContent(
      producerHostVars(config, ana, {
        producerAppDir: '/src',
        extraEnv: { AWS_ACCESS_KEY_ID: 'local' },
      }),
    );
    expect(extra).toContain('AWS_ACCESS_KEY_ID="local"');
    expect(() => envAssignment('bad key', 'x')).toThrow(/not a valid variable name/);
  });

  it('declares the course setup in order and one restart handler', () => {
    const pb = producerHostPlaybook(
      producerHostVars(config, ana, {
        producerAppDir: join(__dirname, '../../../fixtures/provisioning/producer-app'),
      }),
    );
    const names = pb.tasks.map((t) => t.name);
    expect(names[0]).toBe('wait for cloud-init');
    expect(names[1]).toBe('apt repository universe');
    expect(names[3]).toBe(`apt packages ${APT_PACKAGES.join(' ')}`);
    expect(names).toContain('venv /opt/streamlab/venv');
    expect(names).toContain('pip upgrade in /opt/streamlab/venv');
    expect(names.at(-1)).toBe('systemd service streamlab-producer.service');
    expect(pb.handlers!.map((h) => h.name)).toEqual([RESTART_HANDLER]);
    const unit = unitContent();
    for (const line of [
      'User=streamlab',
      'EnvironmentFile=/etc/streamlab/producer.env',
      'WorkingDirectory=/opt/streamlab/producer-app',
      'StateDirectory=streamlab-producer',
      'Restart=on-failure',
      'ExecStart=/opt/streamlab/venv/bin/python -m streamlab_producer',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
    // code, config and unit changes notify the restart; nothing else does
    expect(
      pb.tasks.filter((t) => t.notify?.includes(RESTART_HANDLER)).map((t) => t.name.split(' ')[0]),
    ).toEqual(['tree', 'env', 'systemd']);
    const env = pb.tasks.find((t) => t.name.startsWith('env file'))!;
    expect(env.diffFacts).toBeUndefined();
  });

  it('refuses a missing producer-app directory, naming it', () => {
    expect(() =>
      producerHostPlaybook(producerHostVars(config, ana, { producerAppDir: '/no/such/app' })),
    ).toThrow('local directory /no/such/app does not exist');
  });
});
