/**
 * The bluesky producer, provisioned by the producer-host playbook onto a real test host
 * (Debian 12 + systemd), resumes from its saved Jetstream cursor after
 * `systemctl restart`. The host has no Internet, so Jetstream is a stand-in: the
 * producer-app's tests/fake_jetstream.py, run on the host itself, serves events in
 * Jetstream's format and records the `cursor` each connection asks for. The events are
 * likes (no record to deliver), so no Kinesis is needed: the endpoint points nowhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../../config';
import { connect, type Connection } from '../../../provisioning/engine/connection';
import { hostSpecOf, type InventoryHost } from '../../../provisioning/inventory';
import { REPO_ROOT, SERVICE, STATE_DIR } from '../../../provisioning/playbooks/producer-host';
import { provision } from '../../../provisioning/provision';
import { EMULATOR_CREDENTIALS } from '../../../labs/offline/provisioning';
import { standInRecord } from '../../../testhost/stand-in-record';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';

// Our own run dir, passed to every test host call: other suites may take down every
// host of the default one.
const here = { runDir: ownRunDir('cursor-test') };
const testhost = require('../../../testhost/api') as typeof import('../../../testhost/api');

jest.setTimeout(600_000);

const PORT = 8765;
const REWIND_US = 5_000_000; // CURSOR_REWIND_US in producer-app/.../sources/bluesky.py
const FAKE = readFileSync(join(REPO_ROOT, 'producer-app/tests/fake_jetstream.py'));
const NOW_US = Date.now() * 1000;
const EVENTS = Array.from({ length: 20 }, (_, i) => ({
  did: 'did:plc:stlcursortest',
  time_us: NOW_US - 120_000_000 + i * 1_000_000,
  kind: 'commit',
  commit: {
    rev: `r${i}`,
    operation: 'create',
    collection: 'app.bsky.feed.like',
    rkey: `k${i}`,
    record: { $type: 'app.bsky.feed.like' },
  },
}));
const LAST = EVENTS.at(-1)!.time_us;

const config = parseConfig({
  name: 'cur',
  region: 'us-east-1',
  operatorCidr: '203.0.113.7/32',
  producer: { source: 'bluesky', hashtag: '#COVID_19', location: '' },
});

describeAsRoot('bluesky producer cursor on a real test host (stand-in Jetstream)', () => {
  let host: InventoryHost;
  let conn: Connection;
  const sh = async (script: string, stdin?: Buffer | string) => {
    const r = await conn.exec(script, stdin === undefined ? {} : { stdin });
    if (r.code !== 0) throw new Error(`${script}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const connections = async () =>
    (await sh('cat /root/jetstream-paths.log 2>/dev/null || true')).split('\n').filter(Boolean);
  const savedCursor = async () => {
    const text = await sh(`cat ${STATE_DIR}/jetstream-cursor.json 2>/dev/null || true`);
    return text ? (JSON.parse(text) as { time_us: number }).time_us : undefined;
  };
  async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const v = await probe();
      if (ok(v)) return v;
      if (Date.now() > deadline) {
        const journal = await sh(`journalctl -u ${SERVICE} --no-pager -n 30 || true`);
        throw new Error(`${what}: still ${JSON.stringify(v)}\n${journal}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  beforeAll(async () => {
    host = standInRecord(testhost.inventoryEntry(await testhost.hostUp('cur-a', here)), config);
    const r = await provision({
      hosts: [host],
      config,
      vars: {
        endpointUrl: 'http://127.0.0.1:9',
        extraEnv: {
          ...EMULATOR_CREDENTIALS,
          STREAMLAB_JETSTREAM_URL: `ws://127.0.0.1:${PORT}/subscribe?wantedCollections=app.bsky.feed.post`,
          STREAMLAB_SHARDS: '1',
        },
        upgradePip: false,
      },
      run: { connect: { deadlineMs: 60_000 } },
    });
    expect(r.recap[host.name]).toMatchObject({ failed: 0, unreachable: 0 });
    conn = await connect(hostSpecOf(host));
    await sh('cat > /root/fake_jetstream.py', FAKE);
    await sh('cat > /root/jetstream-events.jsonl', EVENTS.map((e) => JSON.stringify(e)).join('\n'));
    await sh(
      `systemd-run --unit=fake-jetstream python3 /root/fake_jetstream.py --port ${PORT} ` +
        '--events /root/jetstream-events.jsonl --paths /root/jetstream-paths.log',
    );
  });

  afterAll(async () => {
    conn?.close();
    await testhost.hostDown('cur-a', here);
  });

  it('saves the cursor while running and resumes from it after systemctl restart', async () => {
    // A fresh start (the backoff of the attempts before the stand-in was up is reset).
    await sh(`systemctl restart ${SERVICE}`);
    const first = await until('first connection', connections, (c) => c.length >= 1);
    expect(first[0]).not.toContain('cursor=');
    expect(await until('cursor saved', savedCursor, (c) => c === LAST)).toBe(LAST);

    const before = (await connections()).length;
    await sh(`systemctl restart ${SERVICE}`);
    const after = await until('reconnection', connections, (c) => c.length > before);
    expect(after.at(-1)).toContain(`cursor=${LAST - REWIND_US}`);
    const journal = await sh(`journalctl -u ${SERVICE} --no-pager -n 50`);
    expect(journal).toContain('resuming from the saved Jetstream cursor');
  });
});
