/**
 * `--accept-new-host-keys`: explicit trust on first use. Each host that has no pinned
 * fingerprint is connected to once with the engine's accept-new policy; the key it
 * presented is recorded and returned as the pin, so the saved inventory (and every
 * later run) verifies it. Hosts that already have a pin are left alone.
 */
import { connect, type ConnectOptions } from '../../provisioning/engine/connection';
import { acceptNewPolicy } from '../../provisioning/engine/host-key';
import type { InventoryHost } from '../../provisioning/inventory';

export async function acceptNewHostKeys(
  hosts: readonly InventoryHost[],
  opts: { connect?: ConnectOptions; onAccepted?: (host: string, fingerprint: string) => void } = {},
): Promise<InventoryHost[]> {
  return Promise.all(
    hosts.map(async (h) => {
      if (h.hostKeyFingerprint || h.knownHostsFile) return h;
      const policy = acceptNewPolicy();
      const conn = await connect(
        {
          name: h.name,
          address: h.address,
          port: h.port,
          user: h.user,
          privateKeyPath: h.privateKeyPath,
          hostKey: policy,
        },
        opts.connect,
      );
      conn.close();
      const fingerprint = policy.recorded!;
      opts.onAccepted?.(h.name, fingerprint);
      return { ...h, hostKeyFingerprint: fingerprint };
    }),
  );
}
