import Sqlite from 'better-sqlite3';
import Fastify from 'fastify';

// The floor of the webhook → reply ratio: the least any bot can do and still keep its promises —
// store the update before answering 200 (SQLite, WAL, one row), then send one sendMessage per update
// and mark it sent. No pipeline, no retrieval, no logging, no security plugins, sixteen sends in
// flight. What this reaches is an upper bound for every real implementation on the same machine.

const database = new Sqlite(`${process.env.DATA_DIR}/minimal-webhook.sqlite`);
database.pragma('journal_mode = WAL');
database.pragma('synchronous = NORMAL');
database.exec('create table if not exists updates (id integer primary key, chat_id integer not null, body text not null, state integer not null default 0)');
database.exec('create index if not exists updates_pending on updates (state, id)');
const store = database.prepare('insert or ignore into updates (id, chat_id, body) values (?, ?, ?)');
const claim = database.prepare('update updates set state = 1 where id = (select id from updates where state = 0 order by id limit 1) returning id, chat_id');
const markSent = database.prepare('update updates set state = 2 where id = ?');
const sendMessageUrl = `${process.env.TELEGRAM_API_ROOT}/bot${process.env.TELEGRAM_BOT_TOKEN}/sendMessage`;
const maximumInFlight = 16;
let inFlight = 0;

function sendPending(): void {
  while (inFlight < maximumInFlight) {
    const update = claim.get() as { id: number; chat_id: number } | undefined;
    if (!update) return;
    inFlight += 1;
    void fetch(sendMessageUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: update.chat_id, text: 'Răspuns' }) })
      .then((response) => response.arrayBuffer())
      .then(() => markSent.run(update.id))
      .finally(() => {
        inFlight -= 1;
        sendPending();
      });
  }
}

const app = Fastify({ logger: false });
app.post<{ Body: { update_id: number; message: { chat: { id: number } } } }>('/webhooks/telegram', async (request) => {
  store.run(request.body.update_id, request.body.message.chat.id, JSON.stringify(request.body));
  setImmediate(sendPending);
  return { ok: true };
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
