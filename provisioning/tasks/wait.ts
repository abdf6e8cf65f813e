/**
 * Waiting for the host to finish booting. On EC2, cloud-init may still be writing
 * apt sources and users when SSH first answers; `cloud-init status --wait` blocks
 * until it is done. Hosts without cloud-init skip the step.
 */
import { defineFact, type Fact } from '../engine/facts';
import { change, ok, skip, type Task } from '../engine/task';

/** Written by cloud-init, in /run, when it has finished on this boot: no errors is `"errors": []`. */
export const CLOUD_INIT_RESULT = '/run/cloud-init/result.json';

export const cloudInitFact: Fact<{ installed: boolean; status: string }> = defineFact(
  'cloud-init',
  // `cloud-init status` is a Python program (a few hundred ms of CPU on every host at every
  // run): asked only while cloud-init has not finished cleanly on this boot.
  [
    `clean=; if [ -f ${CLOUD_INIT_RESULT} ]; then while IFS= read -r l || [ -n "$l" ]; do case $l in *'"errors": []'*) clean=1;; esac; done < ${CLOUD_INIT_RESULT}; fi`,
    'if ! command -v cloud-init >/dev/null; then echo absent',
    'elif [ -n "$clean" ]; then echo done',
    "else cloud-init status 2>/dev/null | sed -n 's/^status: //p'; fi",
  ].join('\n'),
  (out) => {
    const s = out.trim();
    return s === 'absent'
      ? { installed: false, status: '' }
      : { installed: true, status: s || 'unknown' };
  },
);

export function cloudInit(opts: { timeoutMs?: number } = {}): Task {
  return {
    name: 'wait for cloud-init',
    facts: [cloudInitFact],
    plan(facts) {
      const ci = facts.get(cloudInitFact);
      if (!ci.installed) return skip('cloud-init is not installed on this host');
      if (ci.status === 'done' || ci.status === 'disabled') return ok(`cloud-init ${ci.status}`);
      // Exit 2 means "done with recoverable errors" (cloud-init ≥ 23.4): the host is usable.
      return change(`cloud-init ${ci.status}`, [
        {
          run: 'cloud-init status --wait >/dev/null || [ $? -eq 2 ]',
          timeoutMs: opts.timeoutMs ?? 900_000,
        },
      ]);
    },
  };
}
