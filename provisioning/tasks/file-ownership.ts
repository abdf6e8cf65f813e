/**
 * The mode and owner a file or directory should have: parsed and checked once, compared
 * with what the host has, and the commands that fix the difference.
 */
import { sh } from '../engine/quote';
import type { FileState } from './file-facts';

export interface Ownership {
  /** Octal string such as "0644". */
  readonly mode?: string;
  /** @default "root" */
  readonly owner?: string;
  /** @default "root" */
  readonly group?: string;
}

export function parseMode(mode: string, field: string): number {
  if (!/^0?[0-7]{3,4}$/.test(mode))
    throw new Error(`${field}: "${mode}" is not an octal mode such as "0644"`);
  return parseInt(mode, 8);
}

export function requireAbsolute(path: string, field: string): void {
  if (!path.startsWith('/') || path.includes('\0') || /(^|\/)\.\.(\/|$)/.test(path)) {
    throw new Error(`${field}: "${path}" must be an absolute path without ".."`);
  }
}

export function ownershipCommands(
  path: string,
  want: Required<Ownership>,
  have: FileState,
): string[] {
  const cmds: string[] = [];
  if (have.owner !== want.owner || have.group !== want.group)
    cmds.push(sh`chown ${`${want.owner}:${want.group}`} -- ${path}`);
  if (have.mode !== parseMode(want.mode, 'mode')) cmds.push(sh`chmod ${want.mode} -- ${path}`);
  return cmds;
}

export function ownershipDrift(want: Required<Ownership>, have: FileState): string[] {
  const drift: string[] = [];
  if (have.owner !== want.owner || have.group !== want.group)
    drift.push(`owner ${have.owner}:${have.group} → ${want.owner}:${want.group}`);
  if (have.mode !== parseMode(want.mode, 'mode'))
    drift.push(`mode ${(have.mode ?? 0).toString(8).padStart(4, '0')} → ${want.mode}`);
  return drift;
}

export const withDefaults = (o: Ownership, mode: string): Required<Ownership> => ({
  mode: o.mode ?? mode,
  owner: o.owner ?? 'root',
  group: o.group ?? 'root',
});
