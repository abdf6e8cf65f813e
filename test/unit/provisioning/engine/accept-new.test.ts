/**
 * The accept-new host-key policy (`--accept-new-host-keys`): explicit trust on first use
 * that records the first key and pins it from then on.
 */
import {
  acceptNewPolicy,
  checkHostKey,
  fingerprintOf,
} from '../../../../provisioning/engine/host-key';

const keyA = Buffer.from('ssh-ed25519 key blob A');
const keyB = Buffer.from('ssh-ed25519 key blob B');

describe('accept-new host-key policy', () => {
  it('accepts and records the first key, then pins it', () => {
    const policy = acceptNewPolicy();
    expect(policy.recorded).toBeUndefined();
    expect(checkHostKey(policy, keyA, '10.0.0.5', 22)).toBeUndefined();
    expect(policy.recorded).toBe(fingerprintOf(keyA));
    expect(checkHostKey(policy, keyA, '10.0.0.5', 22)).toBeUndefined();
    expect(checkHostKey(policy, keyB, '10.0.0.5', 22)).toBe(
      `host key changed: the server presented ${fingerprintOf(keyB)}, but ${fingerprintOf(keyA)} was accepted first`,
    );
    expect(policy.recorded).toBe(fingerprintOf(keyA));
  });

  it('the recorded fingerprint, saved as a pin, verifies the same key and refuses another', () => {
    const policy = acceptNewPolicy();
    checkHostKey(policy, keyA, 'h', 22);
    const pinned = { kind: 'fingerprint', fingerprint: policy.recorded! } as const;
    expect(checkHostKey(pinned, keyA, 'h', 22)).toBeUndefined();
    expect(checkHostKey(pinned, keyB, 'h', 22)).toMatch(/^host key mismatch/);
  });

  it('each policy object learns on its own (one per host)', () => {
    const a = acceptNewPolicy();
    const b = acceptNewPolicy();
    checkHostKey(a, keyA, 'a', 22);
    checkHostKey(b, keyB, 'b', 22);
    expect(a.recorded).not.toBe(b.recorded);
  });
});
