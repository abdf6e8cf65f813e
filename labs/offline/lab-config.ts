/**
 * The config an offline lab runs: the project's streamlab.yaml when there is one (so its
 * name, producer hashtag, location and rate apply), else the example every clone has, so
 * that `npm start` works before `streamlab init`. `--students N` replaces the host list.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load';
import type { LabConfig } from '../../config/schema';

export const EXAMPLE_CONFIG = join(__dirname, '../../streamlab.example.yaml');

export interface OfflineConfig {
  readonly config: LabConfig;
  /** Where it came from, for the first line of output. */
  readonly source: string;
}

/** The config file given, the default one if present, else the example. */
export function loadOfflineConfig(configFile: string | undefined): OfflineConfig {
  if (configFile) return { config: loadConfig(configFile), source: configFile };
  if (existsSync(DEFAULT_CONFIG_FILE))
    return { config: loadConfig(DEFAULT_CONFIG_FILE), source: DEFAULT_CONFIG_FILE };
  return {
    config: loadConfig(EXAMPLE_CONFIG),
    source: `${EXAMPLE_CONFIG} (no ${DEFAULT_CONFIG_FILE} here; \`streamlab init\` writes one)`,
  };
}

/** Host names for N students: student01, student02, … (zero-padded to sort well). */
export function studentNames(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `student${String(i + 1).padStart(width, '0')}`);
}

/**
 * The offline variant of a config: the given students, and the synthetic source, since
 * test hosts have no route to the Internet (neither Bluesky nor X is reachable from them).
 */
export function offlineVariant(config: LabConfig, students?: number): LabConfig {
  return {
    ...config,
    ...(students !== undefined ? { students: studentNames(students) } : {}),
    producer: { ...config.producer, source: 'synthetic' },
  };
}
