/**
 * `streamlab check`'s answer for people: a row per student with a column per milestone
 * (ok / FAIL), then each failure's reason on a line of its own. Reasons quote what hosts and
 * AWS said, so every line goes through terminalSafe before it is printed.
 */
import { terminalSafe } from '../../provisioning/engine/untrusted-text';
import type { ClassSnapshot, MilestoneId } from './snapshot';

/** Column headings, in the order the milestones come. */
const HEADINGS: Readonly<Record<MilestoneId, string>> = {
  'host-reachable': 'REACHABLE',
  'producer-active': 'PRODUCER',
  'records-flowing': 'RECORDS<60S',
  'lake-object': 'LAKE',
  'documents-indexed': 'INDEXED',
  'reader-role': 'READER-ROLE',
};

/** True when every milestone of every student passes. */
export const allPass = (snap: ClassSnapshot) =>
  snap.students.every((s) => s.milestones.every((m) => m.pass));

export function checkTable(snap: ClassSnapshot): string[] {
  const ids = [...new Set(snap.students.flatMap((s) => s.milestones.map((m) => m.id)))];
  const width = Math.max(7, ...snap.students.map((s) => s.name.length));
  const cols = ids.map((id) => HEADINGS[id]);
  const lines = [
    [`${'STUDENT'.padEnd(width)}`, ...cols, 'REC/S'].join('  '),
    ...snap.students.map((s) => {
      const cells = ids.map((id, i) => {
        const m = s.milestones.find((x) => x.id === id);
        return (m ? (m.pass ? 'ok' : 'FAIL') : '-').padEnd(cols[i]!.length);
      });
      const rate = s.recordsPerSecond === null ? '-' : s.recordsPerSecond.toFixed(1);
      return [s.name.padEnd(width), ...cells, rate.padStart(5)].join('  ');
    }),
  ];
  const failures = snap.students.flatMap((s) =>
    s.milestones.filter((m) => !m.pass).map((m) => `${s.name}: ${m.label}: ${m.reason}`),
  );
  if (failures.length > 0) lines.push('', ...failures);
  const failed = snap.students.filter((s) => s.milestones.some((m) => !m.pass)).length;
  lines.push(
    '',
    failed === 0
      ? `all ${snap.students.length} student(s) pass every milestone`
      : `${failed} of ${snap.students.length} student(s) have a milestone to reach`,
  );
  return lines.map(terminalSafe);
}
