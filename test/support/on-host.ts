/** A test's own look at a test host, over one connection of the engine's, outside any run. */
import { connect, type Connection } from '../../provisioning/engine/connection';
import { hostSpecOf, type InventoryHost } from '../../provisioning/inventory';

export async function onHost<T>(h: InventoryHost, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await connect(hostSpecOf(h));
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** What `script` prints on the host (run as root). */
export const hostOutput = (h: InventoryHost, script: string): Promise<string> =>
  onHost(h, async (c) => (await c.exec(script)).stdout);
