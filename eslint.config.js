import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  // assembly/ is AssemblyScript, whose decorators TypeScript's parser refuses; asc checks it.
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'sample/', '.bench/', 'assembly/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  }
)
