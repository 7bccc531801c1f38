import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'

const SIMULATION_ADAPTER = 'src/main/intake/call-simulation.ts'
const NO_ELECTRON = { name: 'electron', message: 'Services are plain Node: import electron only in src/main/index.ts or src/main/electron/.' }
const NO_SIMULATOR = { name: '@voice-journal/vonage-sim', message: `The app uses the Vonage simulator only through ${SIMULATION_ADAPTER}.` }

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', '.scratch/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off'
    }
  },
  // The services must run without Electron (headless host, tests): only the Electron adapter
  // (src/main/index.ts, src/main/electron/) and the preload may import it. The Vonage simulator is a
  // workspace package the app reaches through one adapter only: src/main/intake/call-simulation.ts.
  {
    files: ['src/main/**/*.ts', 'src/shared/**/*.ts', 'src/renderer/**/*.{ts,vue}'],
    ignores: ['src/main/index.ts', 'src/main/electron/**', SIMULATION_ADAPTER],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_ELECTRON, NO_SIMULATOR] }] }
  },
  {
    files: ['src/main/index.ts', 'src/main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_SIMULATOR] }] }
  },
  {
    files: [SIMULATION_ADAPTER, 'packages/*/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_ELECTRON] }] }
  }
)
