import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The e2e files that drive Redis run twice: on one redis-server (project `single`) and on a real
 * three-master Redis Cluster (project `cluster`, global-redis-cluster.ts), configured as users
 * configure a cluster. The CLI-only e2e files (diagnose-*, storm-causes) hold no Redis.
 */
const ON_BOTH = ['test/e2e/serve-*.test.ts', 'test/e2e/fix-cli.test.ts'];
/** The stores and scripts, serve and worker as separate roles, every key on one master. */
const CLUSTER_ONLY = ['test/cluster/redis-cluster.test.ts', 'test/cluster/serve-cluster.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: keep parallelism modest so socket-timing tests are not starved.
    maxWorkers: 2,
    env: { NO_COLOR: '1' },
    projects: [
      {
        extends: true,
        test: {
          name: 'single',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...CLUSTER_ONLY],
          globalSetup: ['test/support/global-redis.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: [...ON_BOTH, ...CLUSTER_ONLY],
          globalSetup: ['test/support/global-redis-cluster.ts'],
          // After the single project, not beside it: the two copies of a heavy e2e file (a storm of
          // 30 sites) would otherwise load the machine together and slow each other's timing.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
