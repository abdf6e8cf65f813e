/**
 * A test host standing in for an AWS lab host: its inventory entry (how to reach it) with
 * the record fields `streamlab up` would have read from the stack's outputs, the stream
 * synth names for that host and the lab's region. The provisioner, handout and status
 * read these from the record; a bare test host has none. Here, not in test/support, because
 * the provisioning benchmarks use it too and bench/ imports no test code.
 */
import { streamNameFor } from '../config/hosts';
import type { LabConfig } from '../config/schema';
import type { InventoryHost } from '../provisioning/inventory';

export function standInRecord(
  entry: InventoryHost,
  config: Pick<LabConfig, 'name' | 'region'>,
): InventoryHost & { readonly stream: string } {
  return {
    ...entry,
    stream: streamNameFor(config, entry.name),
    region: config.region,
  };
}
