// Lint rules that guard decisions in ../DESIGN.md, not only style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      // The provider package root loads ~2,400 modules (8 s, 1 GB): import lib/<resource> only.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktn/provider-aws',
              message:
                'Import the resource deeply, e.g. @cdktn/provider-aws/lib/vpc (the root costs 8 s and 1 GB).',
            },
            {
              name: 'cdktf',
              message: 'CDK for Terraform is archived: use cdktn (CDK Terrain).',
            },
          ],
          patterns: [{ group: ['@cdktf/*'], message: 'Use @cdktn/* (CDK Terrain).' }],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
