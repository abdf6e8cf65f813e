/**
 * The Debian mirror this machine already uses, read from its own apt sources: the rootfs is
 * debootstrapped from it and apt-cacher-ng forwards to it (no other host is reachable).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../config/errors';

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
}

/** One-line format: `deb [opts] URI SUITE COMPONENT...` (deb-src and comments ignored). */
export function parseSourcesList(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line.startsWith('deb ') && !line.startsWith('deb\t')) continue;
    const rest = line
      .slice(3)
      .trim()
      .replace(/^\[[^\]]*\]\s*/, '');
    const [uri, suite, ...components] = rest.split(/\s+/);
    if (uri && suite) out.push({ uri, suites: [suite], components });
  }
  return out;
}

/** deb822 format (`*.sources`): stanzas separated by blank lines; Enabled: no skips one. */
export function parseDeb822Sources(text: string): AptSource[] {
  const out: AptSource[] = [];
  const stanzas = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .split(/\n\s*\n/);
  for (const stanza of stanzas) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) {
        last = m[1]!.toLowerCase();
        fields.set(last, m[2]!.trim());
      }
    }
    const words = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb')) continue;
    if (/^(no|false|0)$/i.test(fields.get('enabled') ?? '')) continue;
    for (const uri of words('uris'))
      out.push({ uri, suites: words('suites'), components: words('components') });
  }
  return out;
}

/**
 * The mirror serving the Debian archive for `suite`: an http(s) URI listing the suite itself
 * (not -updates or -security). Throws naming the files read when there is none.
 */
export function pickDebianMirror(sources: AptSource[], suite: string): string {
  const hit = sources.find((s) => /^https?:\/\//.test(s.uri) && s.suites.includes(suite));
  if (!hit) throw new OperationalError(`no apt source lists suite "${suite}" with an http(s) URI`);
  return hit.uri.replace(/\/+$/, '');
}

/** Reads /etc/apt/sources.list and sources.list.d/*.list|*.sources, in apt's order. */
export function machineAptSources(root = '/etc/apt'): { sources: AptSource[]; files: string[] } {
  const files: string[] = [];
  const sources: AptSource[] = [];
  const main = join(root, 'sources.list');
  if (existsSync(main)) {
    files.push(main);
    sources.push(...parseSourcesList(readFileSync(main, 'utf8')));
  }
  const dir = join(root, 'sources.list.d');
  const entries = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const f of entries) {
    const path = join(dir, f);
    if (f.endsWith('.list')) sources.push(...parseSourcesList(readFileSync(path, 'utf8')));
    else if (f.endsWith('.sources'))
      sources.push(...parseDeb822Sources(readFileSync(path, 'utf8')));
    else continue;
    files.push(path);
  }
  return { sources, files };
}

export function machineDebianMirror(suite: string, root = '/etc/apt'): string {
  const { sources, files } = machineAptSources(root);
  try {
    return process.env.STREAMLAB_DEBIAN_MIRROR || pickDebianMirror(sources, suite);
  } catch (e) {
    throw new OperationalError(
      `${(e as Error).message} in ${files.join(', ') || `${root} (no sources files)`}; set STREAMLAB_DEBIAN_MIRROR=http://… to choose one`,
      { cause: e },
    );
  }
}
