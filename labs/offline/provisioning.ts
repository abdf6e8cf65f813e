/**
 * What provisioning a host of the offline lab takes beyond its record (which already names
 * the stream, region and the emulator's endpoint): no pip upgrade, since the hosts reach no
 * package index but the apt proxy, and dummy credentials, since the SDK and boto3 insist on
 * some and kinesalite ignores them. `lab up` and `provision --offline` both pass exactly
 * these vars, so a rerun of either finds nothing to change.
 */
import type { VarOverrides } from '../../provisioning/playbooks/producer-host';

export const EMULATOR_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'streamlab-offline',
  AWS_SECRET_ACCESS_KEY: 'streamlab-offline',
} as const;

export const OFFLINE_VARS: VarOverrides = {
  extraEnv: EMULATOR_CREDENTIALS,
  upgradePip: false,
};
