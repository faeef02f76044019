import Fastify from 'fastify';
import pg from 'pg';

// minimal-webhook-server.ts on PostgreSQL: the floor of the webhook → reply path on that engine. Store the
// update before answering 200 (one row), send one sendMessage per update, mark it sent; claims with
// FOR UPDATE SKIP LOCKED so that several of these processes on one database would share the work.

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('create table if not exists minimal_updates (id bigint primary key, chat_id bigint not null, body text not null, state integer not null default 0)');
await pool.query('create index if not exists minimal_updates_pending on minimal_updates (state, id)');
const sendMessageUrl = `${process.env.TELEGRAM_API_ROOT}/bot${process.env.TELEGRAM_BOT_TOKEN}/sendMessage`;
const maximumInFlight = 16;
let inFlight = 0;
let claiming = false;

async function sendPending(): Promise<void> {
  if (claiming) return;
  claiming = true;
  try {
    while (inFlight < maximumInFlight) {
      const { rows } = await pool.query<{ id: string; chat_id: string }>(
        'update minimal_updates set state = 1 where id = (select id from minimal_updates where state = 0 order by id limit 1 for update skip locked) returning id, chat_id',
      );
      const update = rows[0];
      if (!update) return;
      inFlight += 1;
      void fetch(sendMessageUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: Number(update.chat_id), text: 'Răspuns' }) })
        .then((response) => response.arrayBuffer())
        .then(() => pool.query('update minimal_updates set state = 2 where id = $1', [update.id]))
        .finally(() => {
          inFlight -= 1;
          void sendPending();
        });
    }
  } finally {
    claiming = false;
  }
}

const app = Fastify({ logger: false });
app.post<{ Body: { update_id: number; message: { chat: { id: number } } } }>('/webhooks/telegram', async (request) => {
  await pool.query('insert into minimal_updates (id, chat_id, body) values ($1, $2, $3) on conflict do nothing', [request.body.update_id, request.body.message.chat.id, JSON.stringify(request.body)]);
  setImmediate(() => void sendPending());
  return { ok: true };
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
