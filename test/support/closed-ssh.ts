/**
 * A host that is gone, for tests of what happens then: a loopback port that accepts and
 * at once closes every connection, so SSH to it fails fast with the connection's reason.
 */
import { createServer, type Server } from 'node:net';
import type { InventoryHost } from '../../provisioning/inventory';

export interface ClosedSsh {
  /** An inventory entry for `name` at that port, with the given record fields. */
  host(name: string, record: Pick<InventoryHost, 'stream' | 'region' | 'endpoint'>): InventoryHost;
  close(): Promise<void>;
}

export async function closedSsh(): Promise<ClosedSsh> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    host: (name, record) =>
      ({
        name,
        address: '127.0.0.1',
        port,
        user: 'ubuntu',
        privateKeyPath: '/nonexistent/key',
        hostKeyFingerprint: '',
        ...record,
      }) as InventoryHost,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Probe options that give up on such a host within a second. */
export const FAST_PROBE = { connect: { deadlineMs: 1_000, attemptTimeoutMs: 500 } } as const;
