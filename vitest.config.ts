import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))

// Tests import workspace packages from their sources, so a change is seen without a rebuild.
// Child processes spawned by tests (stdio fixtures, bins) run the built `dist/` instead.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@plugboard\/protocol\/testing$/, replacement: src('./packages/protocol/src/testing/index.ts') },
      { find: /^@plugboard\/protocol\/apps$/, replacement: src('./packages/protocol/src/apps/index.ts') },
      { find: /^@plugboard\/auth\/client$/, replacement: src('./packages/auth/src/client/index.ts') },
      { find: /^@plugboard\/server\/apps$/, replacement: src('./packages/server/src/apps/index.ts') },
      { find: /^@plugboard\/host\/apps$/, replacement: src('./packages/host/src/apps/index.ts') },
      { find: /^@plugboard\/skills\/client$/, replacement: src('./packages/skills/src/client/index.ts') },
      { find: /^@plugboard\/skills$/, replacement: src('./packages/skills/src/index.ts') },
      { find: /^@plugboard\/(protocol|server|client|transport-stdio|transport-http|host|auth)$/, replacement: src('./packages/$1/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
})
