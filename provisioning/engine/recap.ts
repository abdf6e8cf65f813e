/**
 * Per-host counts in Ansible's recap shape, and the exit status they imply: any
 * failed or unreachable host makes the run fail.
 */
export type TaskStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

export interface HostRecap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

export type Recap = Record<string, HostRecap>;

export const emptyRecap = (): HostRecap => ({
  ok: 0,
  changed: 0,
  unreachable: 0,
  failed: 0,
  skipped: 0,
});

export function count(recap: HostRecap, status: TaskStatus): void {
  recap[status]++;
}

/** 0 when every host finished without failures, 1 otherwise. */
export function recapExitCode(recap: Recap): number {
  return Object.values(recap).some((r) => r.failed > 0 || r.unreachable > 0) ? 1 : 0;
}

/** Ansible-like lines: `lab   : ok=9 changed=0 unreachable=0 failed=0 skipped=2`. */
export function formatRecap(recap: Recap): string {
  const names = Object.keys(recap);
  const width = Math.max(0, ...names.map((n) => n.length));
  return names
    .map((n) => {
      const r = recap[n]!;
      return `${n.padEnd(width)} : ok=${r.ok} changed=${r.changed} unreachable=${r.unreachable} failed=${r.failed} skipped=${r.skipped}`;
    })
    .join('\n');
}
