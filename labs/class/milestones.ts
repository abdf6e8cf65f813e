/**
 * The verdict on each milestone a student must reach, from what was measured: pure
 * functions, so the words an instructor reads (on a tile, in `check`'s table) are pinned by
 * unit tests, and `check` and the dashboard say exactly the same thing. Measuring is the
 * probes' job (probes.ts); nothing here touches a host or a stream.
 */
import type { HostStatus } from '../hosts/host-status';
import type { Milestone, MilestoneId } from './snapshot';

/** How recent a record must be for a student's records to count as flowing. */
export const RECORDS_WINDOW_SECONDS = 60;

export const MILESTONE_LABELS: Readonly<Record<MilestoneId, string>> = {
  'host-reachable': 'host reachable',
  'producer-active': 'producer active',
  'records-flowing': `records in the last ${RECORDS_WINDOW_SECONDS} s`,
  'lake-object': 'object in the lake',
  'documents-indexed': 'documents indexed',
  'reader-role': 'reader role assumable',
};

const milestone = (id: MilestoneId, pass: boolean, reason: string): Milestone => ({
  id,
  label: MILESTONE_LABELS[id],
  pass,
  reason,
});

/** SSH with the host's pinned key: what probeHost found. */
export function hostReachable(probe: Pick<HostStatus, 'reachable' | 'error'>): Milestone {
  return probe.reachable
    ? milestone('host-reachable', true, 'SSH with the pinned host key works')
    : milestone(
        'host-reachable',
        false,
        `SSH with the pinned host key failed: ${probe.error ?? 'no answer'}`,
      );
}

/** The producer service's state, as `systemctl is-active` said it. */
export function producerActive(
  probe: Pick<HostStatus, 'reachable' | 'producer' | 'error'>,
  service: string,
): Milestone {
  if (!probe.reachable)
    return milestone('producer-active', false, 'not checked: the host is unreachable');
  if (probe.producer === 'active')
    return milestone('producer-active', true, `${service} is active`);
  return milestone(
    'producer-active',
    false,
    probe.producer === 'unknown'
      ? `${service}'s state is unknown${probe.error ? ` (${probe.error})` : ''}`
      : `${service} is ${probe.producer}`,
  );
}

/** What reading the newest window of a student's stream found. */
export type RecentRecords =
  | {
      /** Records that arrived within the window. */
      readonly count: number;
      /** Age in seconds of the newest one; null when the window held none. */
      readonly newestAgeSeconds: number | null;
    }
  | { readonly error: string };

export function recordsFlowing(stream: string, read: RecentRecords): Milestone {
  if ('error' in read)
    return milestone('records-flowing', false, `cannot read ${stream}: ${read.error}`);
  if (read.count === 0 || read.newestAgeSeconds === null)
    return milestone(
      'records-flowing',
      false,
      `no record in ${stream} in the last ${RECORDS_WINDOW_SECONDS} s`,
    );
  return milestone(
    'records-flowing',
    true,
    `${read.count} record(s) in ${stream} in the last ${RECORDS_WINDOW_SECONDS} s, newest ${formatAge(read.newestAgeSeconds)} ago`,
  );
}

/** The newest object under the student's lake prefix, if any. */
export type LakeListing =
  | { readonly newest: { readonly key: string; readonly ageSeconds: number } | null }
  | { readonly error: string };

export function lakeObject(bucket: string, prefix: string, listing: LakeListing): Milestone {
  const where = `s3://${bucket}/${prefix}`;
  if ('error' in listing)
    return milestone('lake-object', false, `cannot list ${where}: ${listing.error}`);
  if (!listing.newest)
    return milestone(
      'lake-object',
      false,
      `no object under ${where} yet (Firehose delivers after its buffer interval)`,
    );
  return milestone(
    'lake-object',
    true,
    `newest object ${listing.newest.key}, ${formatAge(listing.newest.ageSeconds)} old`,
  );
}

/** How many of the student's documents the search index holds. */
export type IndexedCount = { readonly count: number } | { readonly error: string };

export function documentsIndexed(index: string, counted: IndexedCount): Milestone {
  if ('error' in counted)
    return milestone('documents-indexed', false, `cannot count in ${index}: ${counted.error}`);
  return counted.count > 0
    ? milestone('documents-indexed', true, `${counted.count} document(s) in ${index}`)
    : milestone('documents-indexed', false, `no document in ${index} yet`);
}

/** Whether the consumer's principal may assume the student's reader role, and why not. */
export type RoleCheck = { readonly problem?: string } | { readonly error: string };

export function readerRole(roleArn: string | undefined, check: RoleCheck): Milestone {
  if (!roleArn)
    return milestone(
      'reader-role',
      false,
      'the stack has no reader role for this student (run `streamlab up` with config consumer set)',
    );
  if ('error' in check)
    return milestone('reader-role', false, `cannot read ${roleArn}: ${check.error}`);
  return check.problem
    ? milestone('reader-role', false, `${roleArn}: ${check.problem}`)
    : milestone(
        'reader-role',
        true,
        `${roleArn} trusts the consumer's principal with the student's own external id`,
      );
}

/** "42 s", "4 min", "3 h": what an instructor reads at a glance. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
