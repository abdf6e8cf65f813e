/**
 * Finding a program before running it, like `command -v`: so a missing one is reported
 * up front with the package that provides it, not as ENOENT halfway through a command.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True when this process may access `path` in `mode` (fs.constants.X_OK, R_OK…). */
export function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a command name resolves on `pathVar` (a PATH value), or undefined. A name with a
 * slash is a path: it is only checked. `sbinToo` also looks in /usr/sbin and /sbin, where
 * root's tools (ip, debootstrap) live though a non-root PATH often lacks them.
 */
export function which(
  name: string,
  pathVar = process.env.PATH ?? '',
  { sbinToo = false }: { sbinToo?: boolean } = {},
): string | undefined {
  if (name.includes('/')) return canAccess(name, constants.X_OK) ? name : undefined;
  const dirs = [...pathVar.split(delimiter), ...(sbinToo ? ['/usr/sbin', '/sbin'] : [])];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (canAccess(candidate, constants.X_OK)) return candidate;
  }
  return undefined;
}
