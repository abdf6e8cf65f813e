import {
  ClassMonitor,
  classSnapshot,
  type HostProber,
} from '../../../../labs/class/class-snapshot';
import { PROBE_PARALLEL } from '../../../../labs/hosts/host-status';
import type { InventoryHost } from '../../../../provisioning/inventory';

// The probe is a stand-in (no SSH here): it only counts how many run at once. Hosts name
// no stream, so the rest of a round answers without a network.
function countingProber(): { prober: HostProber; most: () => number; calls: () => number } {
  let inFlight = 0;
  let most = 0;
  let calls = 0;
  const prober: HostProber = async (host) => {
    calls++;
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return { name: host.name, reachable: true, producer: 'active' };
  };
  return { prober, most: () => most, calls: () => calls };
}

const thirty: InventoryHost[] = Array.from({ length: 30 }, (_, i) => ({
  name: `student${i + 1}`,
  address: '127.0.0.1',
  port: 22,
  user: 'student',
  privateKeyPath: '/nonexistent/key',
}));

describe('class snapshot SSH probes (stand-in prober)', () => {
  it('probes every student of a class of 30, at most PROBE_PARALLEL at once', async () => {
    const { prober, most, calls } = countingProber();
    const snap = await classSnapshot({ lab: 'l', mode: 'offline', hosts: thirty, prober });
    expect(calls()).toBe(30);
    expect(most()).toBe(PROBE_PARALLEL);
    expect(snap.students.map((s) => s.producer)).toEqual(thirty.map(() => 'active'));
  });

  it("bounds the dashboard's background refreshes too, which no round awaits", async () => {
    const { prober, most, calls } = countingProber();
    const monitor = new ClassMonitor({
      lab: 'l',
      mode: 'offline',
      hosts: thirty,
      prober,
      slowEveryMs: 1,
    });
    try {
      await monitor.snapshot();
      await new Promise((r) => setTimeout(r, 5));
      // Every kept probe is stale: this round answers with them and refreshes all 30 behind it.
      await monitor.snapshot();
    } finally {
      await monitor.close();
    }
    expect(calls()).toBe(60);
    expect(most()).toBe(PROBE_PARALLEL);
  });
});
