/**
 * Waivers from `policy.waivers` in the config: `{ rule, resource, reason }`. A waiver
 * matches a finding of its rule on the construct path `resource` or anywhere below it
 * (so "lab/Student-ana/Host" covers that host's resources). Every applied waiver is
 * printed at every synth; one that matches nothing is reported as unused.
 */
import type { Finding } from './rules';

export interface WaiverInput {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
  /** Added by streamlab itself (e.g. from allowOpenSsh), not written by the user. */
  readonly automatic?: boolean;
}

export interface WaivedFinding {
  readonly finding: Finding;
  readonly waiver: WaiverInput;
}

export interface WaiverOutcome {
  readonly violations: Finding[];
  readonly waived: WaivedFinding[];
  readonly unused: WaiverInput[];
}

export function waiverMatches(w: WaiverInput, f: Finding): boolean {
  const resource = w.resource.replace(/\/+$/, '');
  return w.rule === f.rule && (f.path === resource || f.path.startsWith(`${resource}/`));
}

export function applyWaivers(
  findings: readonly Finding[],
  waivers: readonly WaiverInput[],
): WaiverOutcome {
  const violations: Finding[] = [];
  const waived: WaivedFinding[] = [];
  const used = new Set<WaiverInput>();
  for (const finding of findings) {
    const waiver = waivers.find((w) => waiverMatches(w, finding));
    if (waiver) {
      waived.push({ finding, waiver });
      used.add(waiver);
    } else {
      violations.push(finding);
    }
  }
  const unused = waivers.filter((w) => !used.has(w) && !w.automatic);
  return { violations, waived, unused };
}
