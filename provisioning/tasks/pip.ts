/**
 * Python environments. System pip is off limits (PEP 668 on Ubuntu 24.04 and Debian
 * 12), so everything goes into a venv created with --system-site-packages: the apt
 * packages (boto3, tweepy, websockets) stay visible and nothing needs an index.
 */
import { posix } from 'node:path';
import { defineFact, readLines, type Fact } from '../engine/facts';
import { quote, sh } from '../engine/quote';
import { change, ok, skip, type Task } from '../engine/task';
import { sha256 } from './sha256';
import { stateDiff } from './state-diff';

export interface VenvState {
  readonly exists: boolean;
  readonly systemSitePackages: boolean;
}

export const venvFact = (path: string): Fact<VenvState> =>
  defineFact(
    `venv:${path}`,
    `${sh`test -x ${`${path}/bin/python`} && echo exists`}; ${readLines(quote(`${path}/pyvenv.cfg`), '[Ii]nclude-system-site-packages*')}`,
    (out) => ({
      exists: out.split('\n')[0] === 'exists',
      systemSitePackages: /include-system-site-packages\s*=\s*true/i.test(out),
    }),
  );

export interface VenvArgs {
  readonly path: string;
  /** @default true */
  readonly systemSitePackages?: boolean;
  /** @default "python3" */
  readonly python?: string;
}

export function venv(args: VenvArgs): Task {
  const fact = venvFact(args.path);
  const site = args.systemSitePackages ?? true;
  const create = sh`${args.python ?? 'python3'} -m venv ${site ? ['--system-site-packages'] : []} ${args.path}`;
  return {
    name: `venv ${args.path}`,
    facts: [fact],
    plan(facts) {
      const have = facts.get(fact);
      if (!have.exists) return change('create', [create]);
      if (have.systemSitePackages !== site) {
        return change(`recreate with system site packages ${site ? 'on' : 'off'}`, [
          sh`rm -rf -- ${args.path}`,
          create,
        ]);
      }
      return ok(`exists${site ? ' with system site packages' : ''}`);
    },
  };
}

export const DEFAULT_INDEX = 'https://pypi.org/simple/';

/** Host name of an index URL, for the DNS pre-check. */
export function indexHost(index: string): string {
  try {
    return new URL(index).hostname;
  } catch {
    throw new Error(`pip index "${index}" is not a URL`);
  }
}

export type PipUpgradeState =
  { readonly upgraded: true } | { readonly upgraded: false; readonly indexReachable: boolean };

/**
 * Whether pip was upgraded already (a marker in the venv), else whether the index
 * answers within a few seconds. The probe runs only while the marker is absent.
 */
export const pipUpgradeFact = (venvPath: string, index: string): Fact<PipUpgradeState> =>
  defineFact(
    `pip-upgrade:${venvPath}:${index}`,
    [
      sh`if [ -e ${`${venvPath}/.streamlab-pip-upgraded`} ]; then echo upgraded`,
      // A failed DNS lookup (the offline lab) answers in milliseconds; Python's TLS stack
      // takes ~0.5 s to load, so it only runs when the name resolves or a proxy is set.
      sh`elif [ -z "\${https_proxy:-}\${HTTPS_PROXY:-}" ] && ! getent hosts ${indexHost(index)} >/dev/null; then echo unreachable`,
      sh`else timeout 5 python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "pip/", timeout=4)' ${index} && echo reachable || echo unreachable; fi`,
    ].join('\n'),
    (out) =>
      out.startsWith('upgraded')
        ? { upgraded: true }
        : { upgraded: false, indexReachable: out.startsWith('reachable') },
  );

export interface UpgradePipArgs {
  readonly venv: string;
  /** Package index to probe and use. @default https://pypi.org/simple/ */
  readonly index?: string;
}

/** `pip install --upgrade pip` in the venv once; skipped with a reason when no index is reachable. */
export function upgradePip(args: UpgradePipArgs): Task {
  const index = args.index ?? DEFAULT_INDEX;
  const fact = pipUpgradeFact(args.venv, index);
  return {
    name: `pip upgrade in ${args.venv}`,
    facts: [fact],
    plan(facts) {
      const state = facts.get(fact);
      if (state.upgraded) return ok('pip was upgraded in this venv');
      if (!state.indexReachable)
        return skip(`no package index reachable (${index}): keeping the venv's pip`);
      return change('upgrade pip', [
        sh`${`${args.venv}/bin/python`} -m pip install -q --disable-pip-version-check --index-url ${index} --upgrade pip`,
        sh`touch ${`${args.venv}/.streamlab-pip-upgraded`}`,
      ]);
    },
  };
}

export interface RequirementsArgs {
  readonly venv: string;
  /** Remote path of a requirements file (synced by a files task before). */
  readonly file: string;
  readonly index?: string;
}

export const requirementsFact = (
  venvPath: string,
  file: string,
): Fact<{ want?: string; installed?: string }> =>
  defineFact(
    `requirements:${venvPath}:${file}`,
    sh`sha256sum < ${file} | cut -c1-64; echo; cat ${`${venvPath}/.streamlab-requirements`}`,
    (out) => {
      const [want, , installed] = out.split('\n');
      return {
        ...(want && /^[0-9a-f]{64}$/.test(want) ? { want } : {}),
        ...(installed ? { installed } : {}),
      };
    },
  );

/** `pip install -r FILE` in the venv when the file's sha256 differs from the last install. */
export function requirements(args: RequirementsArgs): Task {
  const fact = requirementsFact(args.venv, args.file);
  const marker = `${args.venv}/.streamlab-requirements`;
  return {
    name: `pip requirements ${posix.basename(args.file)}`,
    facts: [fact],
    plan(facts) {
      const state = facts.get(fact);
      if (!state.want) return skip(`${args.file} does not exist`);
      if (state.want === state.installed) return ok('requirements installed (sha256 matches)');
      return change('install requirements', [
        sh`${`${args.venv}/bin/python`} -m pip install -q --disable-pip-version-check ${args.index ? ['--index-url', args.index] : []} -r ${args.file}`,
        sh`sha256sum < ${args.file} | cut -c1-64 > ${marker}`,
      ]);
    },
  };
}

export interface PackagesArgs {
  readonly venv: string;
  /** Requirement lines ("pandas==2.2.2"); none may start with "-" (an option). */
  readonly requirements: readonly string[];
  /** @default true */
  readonly systemSitePackages?: boolean;
  readonly index?: string;
}

/** The digest of what was last installed, kept in the venv. */
export const installedRequirementsFact = (venvPath: string): Fact<string | undefined> =>
  defineFact(
    `pip-requirements:${venvPath}`,
    sh`cat ${`${venvPath}/.streamlab-pip-requirements`}`,
    (out) => (/^[0-9a-f]{64}$/.test(out.trim()) ? out.trim() : undefined),
  );

/**
 * Requirements installed into a venv (made first when missing). The list travels over
 * stdin as a requirements file (`pip install -r /dev/stdin`): nothing in it reaches a
 * shell. A digest of the list and index in the venv says whether it was installed.
 */
export function packages(args: PackagesArgs): Task {
  for (const r of args.requirements) {
    if (r.startsWith('-') || /[\r\n\0]/.test(r))
      throw new Error(`pip.packages: ${JSON.stringify(r)} is not one requirement line`);
  }
  const site = args.systemSitePackages ?? true;
  const venvState = venvFact(args.venv);
  const installed = installedRequirementsFact(args.venv);
  const text = `${args.requirements.join('\n')}\n`;
  const want = sha256(`${args.index ?? ''}\n${text}`);
  const create = sh`python3 -m venv ${site ? ['--system-site-packages'] : []} ${args.venv}`;
  return {
    name: `pip ${args.requirements.join(' ')} in ${args.venv}`,
    facts: [venvState, installed],
    plan(facts, ctx) {
      const venv = facts.get(venvState);
      const fresh = !venv.exists || venv.systemSitePackages !== site;
      if (!fresh && facts.get(installed) === want)
        return ok('requirements installed (digest matches)');
      const make = !venv.exists ? [create] : fresh ? [sh`rm -rf -- ${args.venv}`, create] : [];
      const after = { venv: args.venv, requirements: args.requirements.join(' ') };
      const before = venv.exists
        ? { venv: args.venv, requirements: facts.get(installed) ? '(another list)' : '(none yet)' }
        : undefined;
      return change(
        fresh ? 'create the venv and install' : 'install requirements',
        [
          ...make,
          {
            run: [
              sh`${`${args.venv}/bin/python`} -m pip install -q --disable-pip-version-check ${args.index ? ['--index-url', args.index] : []} -r /dev/stdin`,
              sh`printf '%s\\n' ${want} > ${`${args.venv}/.streamlab-pip-requirements`}`,
            ].join('\n'),
            stdin: text,
          },
        ],
        stateDiff(ctx.diff, `pip ${args.venv}`, before, after),
      );
    },
  };
}
