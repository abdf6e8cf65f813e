/**
 * An install cut short (Ctrl-C of `up` drops the SSH session mid-apt, or the connection is
 * lost) leaves dpkg half-done on the host, and apt then refuses everything with "dpkg was
 * interrupted, you must manually run 'sudo dpkg --configure -a'". On a real test host:
 * a package unpacked but not configured and dpkg's journal left in /var/lib/dpkg/updates,
 * as a killed dpkg leaves them; apt refuses; the engine's apt task finishes dpkg's work and
 * installs, so the next `up` converges with no hand repair.
 */
import * as apt from '../../../provisioning/tasks/apt';
import { runHost } from '../../../provisioning/engine/runner';
import { hostSpecOf, type InventoryHost } from '../../../provisioning/inventory';
import { hostDown, hostUp, inventoryEntry } from '../../../testhost/api';
import { hostOutput } from '../../support/on-host';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';

jest.setTimeout(300_000);

const here = { runDir: ownRunDir('apt-cut-short') };

describeAsRoot('apt after an install cut short (real test host)', () => {
  let host: InventoryHost;

  beforeAll(async () => {
    host = inventoryEntry(await hostUp('aptcut', here));
    // tree unpacked, never configured, and a dpkg journal entry not yet merged.
    await hostOutput(
      host,
      'apt-get -q update >/dev/null && cd /tmp && apt-get -q download tree >/dev/null && ' +
        'dpkg --unpack /tmp/tree_*.deb >/dev/null && touch /var/lib/dpkg/updates/0000',
    );
  });

  afterAll(() => hostDown('aptcut', here));

  it('apt refuses while dpkg is half-done', async () => {
    const out = await hostOutput(
      host,
      'DEBIAN_FRONTEND=noninteractive apt-get -q -y install --no-install-recommends htop 2>&1; echo "exit $?"',
    );
    expect(out).toMatch(/dpkg was interrupted[^]*exit 100/);
  });

  it("the apt task finishes dpkg's work and installs: both packages configured, no journal left", async () => {
    const reasons: string[] = [];
    const recap = await runHost(
      {
        host: hostSpecOf(host),
        playbook: {
          name: 'apt after a cut',
          tasks: [apt.packages({ names: ['tree', 'htop'], lockTimeoutSeconds: 30 })],
        },
      },
      { onEvent: (e) => reasons.push(`${e.status}: ${e.reason}`) },
    );
    expect({ recap, reasons }).toMatchObject({
      recap: { changed: 1, failed: 0, unreachable: 0 },
    });
    const state = await hostOutput(
      host,
      "dpkg-query -W -f='${Package} ${db:Status-Abbrev}\\n' tree htop; ls -A /var/lib/dpkg/updates",
    );
    // One line per package (Status-Abbrev ends in a space); nothing from `ls`: no journal left.
    expect(
      state
        .trim()
        .split('\n')
        .map((l) => l.trim())
        .sort(),
    ).toEqual(['htop ii', 'tree ii']);
  });
});
