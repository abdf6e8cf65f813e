import {
  estimateHourlyCost,
  INSTANCE_HOURLY,
  OPENSEARCH_HOURLY,
  PRICES,
} from '../../../stacks/pricing';
import { labConfig } from '../../support/lab-stack';

const item = (e: ReturnType<typeof estimateHourlyCost>, prefix: string) =>
  e.lines.find((l) => l.item.startsWith(prefix));

describe('estimateHourlyCost', () => {
  it('counts instances, public IPv4 and shards per student', () => {
    const e = estimateHourlyCost(labConfig({ students: ['a', 'b', 'c'], stream: { shards: 2 } }));
    expect(item(e, 'EC2 t3.micro')).toEqual({
      item: 'EC2 t3.micro',
      quantity: 3,
      hourly: 3 * INSTANCE_HOURLY['t3.micro']!,
    });
    expect(item(e, 'public IPv4')!.hourly).toBeCloseTo(3 * PRICES.publicIpv4Hour);
    expect(item(e, 'Kinesis shard')).toMatchObject({
      quantity: 6,
      hourly: 6 * PRICES.kinesisShardHour,
    });
    expect(e.hourly).toBeCloseTo(e.lines.reduce((s, l) => s + l.hourly, 0));
  });

  it('prices on-demand streams per stream-hour and adds OpenSearch when search is on', () => {
    const e = estimateHourlyCost(
      labConfig({ stream: { mode: 'on-demand' }, search: { enabled: true } }),
    );
    expect(item(e, 'Kinesis shard')).toBeUndefined();
    expect(item(e, 'Kinesis on-demand')!.hourly).toBe(PRICES.kinesisOnDemandStreamHour);
    expect(item(e, 'OpenSearch t3.small.search')!.hourly).toBe(
      OPENSEARCH_HOURLY['t3.small.search'],
    );
  });

  it('says so when it has no price for the instance type', () => {
    const e = estimateHourlyCost(labConfig({ instanceType: 'x2iedn.32xlarge' }));
    expect(item(e, 'EC2 x2iedn')).toBeUndefined();
    expect(e.notes[0]).toMatch(/no price for instance type x2iedn\.32xlarge/);
  });
});
