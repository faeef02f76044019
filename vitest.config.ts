import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    // Two cores: keep parallel files modest so real servers (Chroma, fakes) do not starve each other.
    maxWorkers: 2,
  },
});
