import {
  hostsFromOutputs,
  hostOutputName,
  OutputsError,
  streamOutputName,
} from '../../../stacks/outputs';

const out = (value: string) => ({ value, type: 'string', sensitive: false });
const tfOutput = {
  region: out('eu-west-1'),
  bucket: out('bigdata-lab-lake-20261127abcdef'),
  host_ana_maria_public_dns: out('ec2-1-2-3-4.compute.amazonaws.com'),
  host_ana_maria_public_ip: out('1.2.3.4'),
  host_ana_maria_instance_id: out('i-0abc'),
  stream_ana_maria_name: out('bigdata-lab-ana-maria'),
  stream_ana_maria_arn: out('arn:aws:kinesis:eu-west-1:1:stream/bigdata-lab-ana-maria'),
  host_bruno_public_dns: out('ec2-5-6-7-8.compute.amazonaws.com'),
  host_bruno_public_ip: out('5.6.7.8'),
  host_bruno_instance_id: out('i-0def'),
  stream_bruno_name: out('bigdata-lab-bruno'),
  stream_bruno_arn: out('arn:aws:kinesis:eu-west-1:1:stream/bigdata-lab-bruno'),
};

describe('outputs', () => {
  it('names outputs with "-" mapped to "_"', () => {
    expect(hostOutputName('ana-maria', 'publicDns')).toBe('host_ana_maria_public_dns');
    expect(streamOutputName('ana-maria', 'streamArn')).toBe('stream_ana_maria_arn');
  });

  it('maps `terraform output -json` back to per-host records, restoring "-"', () => {
    expect(hostsFromOutputs(tfOutput)).toEqual({
      region: 'eu-west-1',
      bucket: 'bigdata-lab-lake-20261127abcdef',
      hosts: [
        {
          host: 'ana-maria',
          publicDns: 'ec2-1-2-3-4.compute.amazonaws.com',
          publicIp: '1.2.3.4',
          instanceId: 'i-0abc',
          streamName: 'bigdata-lab-ana-maria',
          streamArn: 'arn:aws:kinesis:eu-west-1:1:stream/bigdata-lab-ana-maria',
        },
        expect.objectContaining({ host: 'bruno', publicIp: '5.6.7.8' }),
      ],
    });
  });

  it('keeps the order of the hosts it is given', () => {
    expect(hostsFromOutputs(tfOutput, ['bruno', 'ana-maria']).hosts.map((h) => h.host)).toEqual([
      'bruno',
      'ana-maria',
    ]);
  });

  it('names a missing output', () => {
    expect(() => hostsFromOutputs(tfOutput, ['carla'])).toThrow(OutputsError);
    expect(() => hostsFromOutputs(tfOutput, ['carla'])).toThrow(
      /"host_carla_public_dns" is missing/,
    );
  });
});
