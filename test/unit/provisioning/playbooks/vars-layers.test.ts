/**
 * A host's vars come from three layers, each over the one before: the config's defaults,
 * then the host's record, then the explicit values (the CLI's options, the offline lab's).
 */
import { join } from 'node:path';
import { parseConfig } from '../../../../config';
import { producerHostVars, REPO_ROOT } from '../../../../provisioning/playbooks/producer-host';

const config = parseConfig({
  name: 'course',
  region: 'eu-west-1',
  operatorCidr: '203.0.113.7/32',
  students: ['ana'],
  producer: { source: 'synthetic', hashtag: '#spark', location: 'lima', rate: 5 },
});

describe('producer-host vars: config, then record, then explicit values', () => {
  it('the config alone gives the defaults, and this checkout its producer-app', () => {
    expect(producerHostVars(config, { name: 'ana', stream: 'course-ana' })).toEqual({
      stream: 'course-ana',
      region: 'eu-west-1',
      source: 'synthetic',
      hashtag: '#spark',
      location: 'lima',
      rate: 5,
      producerAppDir: join(REPO_ROOT, 'producer-app'),
    });
  });

  it("the record's region and endpoint win over the config's", () => {
    const v = producerHostVars(config, {
      name: 'ana',
      stream: 'course-ana',
      region: 'us-east-2',
      endpoint: 'http://10.200.1.1:4567',
    });
    expect(v).toMatchObject({ region: 'us-east-2', endpointUrl: 'http://10.200.1.1:4567' });
  });

  it('explicit values win over the record and the config', () => {
    const v = producerHostVars(
      config,
      {
        name: 'ana',
        stream: 'course-ana',
        region: 'us-east-2',
        endpoint: 'http://10.200.1.1:4567',
      },
      {
        endpointUrl: 'http://127.0.0.1:4567',
        region: 'ap-south-1',
        rate: 9,
        producerAppDir: '/src/app',
        upgradePip: false,
      },
    );
    expect(v).toMatchObject({
      stream: 'course-ana',
      region: 'ap-south-1',
      endpointUrl: 'http://127.0.0.1:4567',
      rate: 9,
      producerAppDir: '/src/app',
      upgradePip: false,
    });
  });

  it('an undefined explicit value leaves the layer below (an option not given)', () => {
    const v = producerHostVars(
      config,
      { name: 'ana', stream: 'course-ana', endpoint: 'http://10.200.1.1:4567' },
      { endpointUrl: undefined, producerAppDir: undefined, region: undefined },
    );
    expect(v.endpointUrl).toBe('http://10.200.1.1:4567');
    expect(v.producerAppDir).toBe(join(REPO_ROOT, 'producer-app'));
    expect(v.region).toBe('eu-west-1');
    expect(Object.values(v)).not.toContain(undefined);
  });
});
