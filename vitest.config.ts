import { defineConfig } from 'vitest/config';

// What runs on PostgreSQL as well (project `postgres`): the journeys through the real HTTP interface and
// the tests of the multi-instance guarantees. Everything runs on SQLite (project `sqlite`).
const onPostgresToo = [
  'tests/channels/webchat/citizen-journey.test.ts',
  'tests/channels/telegram/webhook-and-delivery.test.ts',
  'tests/admin/web-inbox.test.ts',
  'tests/threads/**/*.test.ts',
  'tests/channels/telegram/clerks.test.ts',
  'tests/gdpr/**/*.test.ts',
  // Across processes and crashes: numbering by several processes at once, kill -9 during traffic.
  'tests/tickets/ticket-numbering.test.ts',
  'tests/faults/crash-under-traffic.test.ts',
  // The store rules clerks rely on (commands, audit, deadlines, the digest sent once a day).
  'tests/tickets/clerk-command-*.test.ts',
  'tests/tickets/deadline-digest.test.ts',
  'tests/tickets/deadline-extension.test.ts',
  // Store tests of the other registers (indicators, export, questions) and more journeys.
  'tests/reports/indicators.test.ts',
  'tests/exports/open-export.test.ts',
  'tests/questions/unanswered-questions.test.ts',
  'tests/admin/login-burst.test.ts',
  'tests/admin/live-inbox.test.ts',
  'tests/admin/live-inbox-late-commit.test.ts',
  'tests/receipts/registration-receipt.test.ts',
  'tests/channels/webchat/attachments.test.ts',
  'tests/channels/telegram/citizen-journey.test.ts',
  'tests/channels/telegram/polling.test.ts',
  'tests/channels/whatsapp/cloud-api.test.ts',
  'tests/channels/teams/{authentication,clerk-identity,clerk-workflow,issuing-documents}.test.ts',
  'tests/documents/{issuing-documents,template-changed-while-pending,web-inbox-documents,whatsapp-closed-window}.test.ts',
  'tests/open311/*.test.ts',
  'tests/admin/clerks-page.test.ts',
  'tests/admin/procedure-editor.test.ts',
  'tests/gateway/inbound-gateway.test.ts',
  'tests/security/abuse-*.test.ts',
  'tests/database/postgres-*.test.ts',
  'tests/cli/migrate-to-postgres.test.ts',
  'tests/cli/postgres-backup.test.ts',
  'tests/channels/webchat/multi-instance-events.test.ts',
  'tests/database/postgres-notification-bus.test.ts',
  // Several instances on one database: outbox claims and leases, the digest once.
  'tests/outbox/multi-instance-*.test.ts',
  'tests/tickets/multi-instance-*.test.ts',
  'tests/conversation/multi-instance-*.test.ts',
  'tests/knowledge/multi-instance-*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    // Two cores: keep parallel files modest so real servers (Chroma, fakes) do not starve each other.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: ['tests/database/postgres-*.test.ts'], globalSetup: ['tests/helpers/chroma-global-setup.ts'] } },
      {
        extends: true,
        test: { name: 'postgres', include: onPostgresToo, globalSetup: ['tests/helpers/chroma-global-setup.ts', 'tests/helpers/postgres-global-setup.ts'] },
      },
    ],
  },
});
