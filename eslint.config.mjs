// Lint rules that guard decisions in ../DESIGN.md, not only style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The provider package root loads ~2,400 modules (8 s, 1 GB): import lib/<resource> only.
const DESIGN_IMPORTS = [
  {
    name: '@cdktn/provider-aws',
    message:
      'Import the resource deeply, e.g. @cdktn/provider-aws/lib/vpc (the root costs 8 s and 1 GB).',
  },
  {
    name: 'cdktf',
    message: 'CDK for Terraform is archived: use cdktn (CDK Terrain).',
  },
];
const patterns = [{ group: ['@cdktf/*'], message: 'Use @cdktn/* (CDK Terrain).' }];

// Local programs start in one place, process/run.ts (issue 14), so exit statuses,
// timeouts, stdin for secrets and children that outlive the CLI are decided once.
const CHILD_PROCESS = ['node:child_process', 'child_process'].map((name) => ({
  name,
  message:
    'Run local programs through process/run.ts (run, runSync, runAttached, start, startDetached).',
}));
// The same for require() and import(), which no-restricted-imports does not see.
const CHILD_PROCESS_CALLS = [
  "CallExpression[callee.name='require'][arguments.0.value=/^(node:)?child_process$/]",
  'ImportExpression[source.value=/^(node:)?child_process$/]',
].map((selector) => ({ selector, message: CHILD_PROCESS[0].message }));

// The floors (DESIGN "Layout"), bottom up: config, stacks, provisioning and the Lambda code;
// the test host; the labs; the CLI (scripts/). Each reaches only down, never up into a
// floor above it (nor into tests or benchmarks). A relative import is matched by the
// folder it names.
const mayNotImport = (who, folders) =>
  folders.map((folder) => ({
    group: [`**/${folder}`, `**/${folder}/**`],
    message: `${who} may not import ${folder}/ (a floor above it, DESIGN "Layout").`,
  }));
const FLOORS = [
  {
    files: ['config/**', 'stacks/**', 'provisioning/**', 'functions/**'],
    above: mayNotImport('config/, stacks/, provisioning/ and functions/', [
      'scripts',
      'labs',
      'testhost',
      'test',
      'bench',
    ]),
  },
  // The test host is used by the labs, the tests and the benchmarks: it knows none of them.
  {
    files: ['testhost/**'],
    above: mayNotImport('testhost/', ['scripts', 'labs', 'test', 'bench']),
  },
  // The labs are driven by the CLI and receive plain values: they never import it.
  { files: ['labs/**'], above: mayNotImport('labs/', ['scripts', 'test', 'bench']) },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdktf.out/**',
      'coverage/**',
      'producer-app/**',
      'consumer/**',
      '**/*.d.ts',
      'functions/**/dist/**',
      // Scratch folders in the clone (the rehearsed walkthrough runs there), ignored by git too.
      'tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...DESIGN_IMPORTS, ...CHILD_PROCESS], patterns },
      ],
      'no-restricted-syntax': ['error', ...CHILD_PROCESS_CALLS],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  ...FLOORS.map(({ files, above }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...DESIGN_IMPORTS, ...CHILD_PROCESS], patterns: [...patterns, ...above] },
      ],
    },
  })),
  {
    // The dashboard's page runs in the browser, loaded as ES modules from the repo as it is.
    files: ['labs/dashboard/page/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { document: 'readonly', EventSource: 'readonly', requestAnimationFrame: 'readonly' },
    },
  },
  {
    // The runner itself: the one file that may start a child process.
    files: ['process/run.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: DESIGN_IMPORTS, patterns }],
      'no-restricted-syntax': 'off',
    },
  },
);
