/** The operator's side of a tree sync: a local directory read into relative paths and checksums. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './sha256';

export interface LocalEntry {
  readonly type: 'f' | 'd';
  readonly content?: Buffer;
  readonly sha256?: string;
}

/** Reads a local directory tree, skipping excluded names (exact names or "*.ext"). */
export function readLocalTree(src: string, exclude: readonly string[]): Map<string, LocalEntry> {
  const excluded = (name: string) =>
    exclude.some((e) => (e.startsWith('*.') ? name.endsWith(e.slice(1)) : name === e));
  const out = new Map<string, LocalEntry>();
  if (!existsSync(src) || !statSync(src).isDirectory())
    throw new Error(`local directory ${src} does not exist`);
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (excluded(name)) continue;
      if (/[\n\\]/.test(name))
        throw new Error(
          `${join(dir, name)}: file names with newlines or backslashes are not synced`,
        );
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = statSync(path);
      if (st.isDirectory()) {
        out.set(relPath, { type: 'd' });
        walk(path, relPath);
      } else if (st.isFile()) {
        const content = readFileSync(path);
        out.set(relPath, { type: 'f', content, sha256: sha256(content) });
      }
    }
  };
  walk(src, '');
  return out;
}
