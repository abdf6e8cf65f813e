/**
 * Opens the dashboard in the desktop's browser, as Jupyter does: through a private file
 * (0600) that redirects to the address, so the token never appears in a program's argv
 * (which every user of the machine can read in /proc). Without a desktop, nothing happens:
 * the printed address is the way in.
 */
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDetached } from '../../process/run';
import { which } from '../../process/which';
import { writePrivateFileAtomic } from '../local-state/private-file';

export function openInBrowser(url: string, env = process.env): boolean {
  const opener = which('xdg-open', env.PATH);
  if (!opener || !(env.DISPLAY || env.WAYLAND_DISPLAY)) return false;
  // mkdtemp makes the directory 0700: nobody else can read the file while it exists.
  const file = join(mkdtempSync(join(tmpdir(), 'streamlab-dashboard-')), 'open.html');
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  writePrivateFileAtomic(
    file,
    `<!doctype html><meta http-equiv="refresh" content="0;url=${escaped}"><a href="${escaped}">open the dashboard</a>\n`,
  );
  const devNull = openSync('/dev/null', 'w');
  try {
    startDetached([opener, file], { env, logFd: devNull });
  } finally {
    closeSync(devNull);
  }
  return true;
}
