/**
 * A student's own public key (config `students[].publicKey`) authorized on their host,
 * beside the operator's key for that host: one line in the login user's authorized_keys,
 * marked as streamlab's, so a changed key replaces it and a key taken out of the config is
 * removed on the next provision.
 *
 * Why a provisioning task and not EC2 user data: it is the one way for both labs (the
 * offline test hosts have no user data), a changed key takes effect on the next `provision`
 * without replacing the instance (cloud-init reads user data on first boot only), and the
 * key is rebuilt from its checked type and blob (config/ssh-public-key.ts), never the text
 * as given, so no authorized_keys option can ride along.
 */
import type { LabConfig } from '../../config';
import { studentPublicKey } from '../../config/hosts';
import type { InventoryHost } from '../inventory';
import { line } from '../tasks/line';
import { roleOf, type Role } from './roles';

/** The comment that marks the line as the student's key written by streamlab. */
export const STUDENT_KEY_MARK = 'streamlab-student-key';

/** The login user's authorized_keys: /root for root, /home/<user> otherwise (Ubuntu, the test hosts). */
export function authorizedKeysFile(user: string): string {
  return `${user === 'root' ? '/root' : `/home/${user}`}/.ssh/authorized_keys`;
}

/** The role: the host's student key present (or, without one in the config, absent). */
export function studentKeyRole(
  config: LabConfig,
  host: Pick<InventoryHost, 'name' | 'user'>,
): Role {
  const key = studentPublicKey(config, host.name);
  return roleOf('student-key', {
    name: 'student-key',
    tasks: [
      line({
        name: key ? `${host.name}'s own public key authorized` : 'no student key authorized',
        path: authorizedKeysFile(host.user),
        line: `${key ?? ''} ${STUDENT_KEY_MARK}`,
        regexp: ` ${STUDENT_KEY_MARK}$`,
        state: key ? 'present' : 'absent',
        owner: host.user,
        group: host.user,
        mode: '0600',
      }),
    ],
  });
}
