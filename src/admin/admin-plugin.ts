import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { departmentIds, departmentName } from '../tickets/ticket-labels.ts';
import { findSession, tokensMatch, type SignedInClerk } from './admin-sessions.ts';
import { errorPage } from './pages/error-page.ts';
import type { Department } from './pages/inbox-page.ts';
import { pluginNames, type FunctionarPluginOptions } from '../plugins/plugin-options.ts';
import { adminCookieNames, type AdminRouteContext } from './routes/admin-context.ts';
import { InboxEvents } from './inbox-events.ts';
import { registerAssetRoutes } from './routes/asset-routes.ts';
import { registerClerksRoutes } from './routes/clerks-routes.ts';
import { registerDocumentsRoutes } from './routes/documents-routes.ts';
import { registerEventsRoutes } from './routes/events-routes.ts';
import { registerInboxRoutes } from './routes/inbox-routes.ts';
import { registerLoginRoutes, registerLogoutRoute } from './routes/login-routes.ts';
import { registerQuestionsRoutes } from './routes/questions-routes.ts';
import { registerRepliesRoutes } from './routes/replies-routes.ts';
import { registerProcedureRoutes } from './routes/procedures-routes.ts';
import { registerReportRoutes } from './routes/report-routes.ts';
import { registerTicketRoutes } from './routes/ticket-routes.ts';

export { adminCookieNames, type AdminCookieNames } from './routes/admin-context.ts';

// The clerks' web inbox: server-rendered pages under /admin. Every action is a typed clerk command run by
// the same runner as Telegram and Teams, for the signed-in clerk's id, so the audit trail and the outbox
// are shared; the outcome is shown with the same texts. The pages' routes are in ./routes, one module per page.

// No inline script or style anywhere in these pages, so the policy can forbid both. connect-src: the live
// inbox's event stream and its page refreshes, same origin only.
const contentSecurityPolicy =
  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The clerks' web inbox under /admin, in its own scope (its error pages, cookies and forms stay there). */
export const adminPlugin = fp<FunctionarPluginOptions>(
  async (app, { config }) => {
    await app.register(async (scope) => adminRoutes(scope, config), { prefix: '/admin' });
  },
  { name: pluginNames.admin, fastify: '5.x', dependencies: [pluginNames.database, pluginNames.answering, pluginNames.conversation] },
);

async function adminRoutes(scope: FastifyInstance, config: Config): Promise<void> {
  const { database, clerkCommands, answering } = scope;
  const db = database.db;
  const secure = config.publicUrl?.startsWith('https:') ?? false;
  const townHallName = config.townHallName;
  const signedInClerks = new WeakMap<FastifyRequest, SignedInClerk>();

  // Registered here, not app-wide: only the inbox reads cookies and HTML forms (the APIs stay JSON-only).
  if (!scope.hasRequestDecorator('cookies')) await scope.register(cookie);
  if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody, { bodyLimit: 64 * 1024 });

  const departments = (): Department[] => {
    const known = new Map((answering.knowledge?.townHall().departments ?? []).map((department) => [String(department.id), department.name.ro]));
    return departmentIds.map((id) => ({ id, name: known.get(id) ?? departmentName(id, 'ro') }));
  };
  const signedInShell = (signedIn: SignedInClerk | undefined) => (signedIn ? { clerkName: signedIn.clerk.name, csrfToken: signedIn.session.csrfToken } : undefined);
  const sendPage = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const sendError = (request: FastifyRequest, reply: FastifyReply, status: number, title: string, message: string) =>
    sendPage(reply, status, errorPage({ townHallName, title, message, signedIn: signedInShell(signedInClerks.get(request)) }));
  const current = (request: FastifyRequest): SignedInClerk => {
    const signedIn = signedInClerks.get(request);
    if (!signedIn) throw new AppError('FV_ERR_ADMIN_SESSION', 'Not signed in', 401);
    return signedIn;
  };
  const context: AdminRouteContext = {
    config,
    database: db,
    clerkCommands,
    answering,
    townHallName,
    cookieNames: adminCookieNames(secure),
    cookieOptions: { path: '/', httpOnly: true, sameSite: 'lax', secure },
    sendPage,
    sendError,
    departments,
    current,
  };

  scope.addHook('onSend', async (request, reply, payload) => {
    reply.header('content-security-policy', contentSecurityPolicy);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    // Ticket pages hold personal data: never kept in a shared browser's cache.
    if (!request.url.startsWith('/admin/assets/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError && error.statusCode < 500) {
      const title = error.statusCode === 404 ? 'Nu există' : error.statusCode === 429 ? 'Prea multe cereri' : 'Cerere greșită';
      return sendError(request, reply, error.statusCode, title, error.message);
    }
    if (error.validation || (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)) {
      return sendError(request, reply, error.statusCode && error.statusCode !== 500 ? error.statusCode : 400, 'Cerere greșită', 'Adresa sau formularul nu sunt valide. Reveniți la lista de tichete și încercați din nou.');
    }
    request.log.error({ err: error }, 'admin page failed');
    return sendError(request, reply, 500, 'Eroare', 'A apărut o eroare; a fost înregistrată în jurnal. Încercați din nou.');
  });
  scope.setNotFoundHandler((request, reply) => sendError(request, reply, 404, 'Pagina nu există', 'Adresa cerută nu există în inboxul funcționarilor.'));

  // The live inbox: one audit-trail reader per app, and the open streams, let go when the server closes.
  const inboxEvents = new InboxEvents(db, (error) => scope.log.warn({ err: error }, 'live inbox: reading the audit trail failed; trying again'));
  const openStreams = new Set<() => void>();
  scope.addHook('preClose', async () => {
    for (const shutDown of [...openStreams]) shutDown();
    inboxEvents.stop();
  });

  registerAssetRoutes(scope, context);
  registerLoginRoutes(scope, context);

  // ---- everything below needs a signed-in clerk --------------------------------------------------------
  await scope.register(async (protectedScope) => {
    protectedScope.addHook('preHandler', async (request, reply) => {
      const signedIn = await findSession(db, request.cookies[context.cookieNames.session], new Date());
      if (!signedIn) {
        // The event stream is read by a script, not shown: it is refused, not sent to the login page.
        if (request.routeOptions.url === '/admin/events') return reply.code(401).type('text/plain; charset=utf-8').send('Not signed in');
        const next = request.method === 'GET' ? request.url : '/admin';
        return reply.redirect(`/admin/login?next=${encodeURIComponent(next)}`, 303);
      }
      signedInClerks.set(request, signedIn);
      if (request.method === 'POST') {
        const body = request.body as { _csrf?: unknown } | undefined;
        if (!tokensMatch(signedIn.session.csrfToken, typeof body?._csrf === 'string' ? body._csrf : undefined)) {
          request.log.warn({ url: request.url }, 'admin form refused: CSRF token missing or wrong');
          return sendError(request, reply, 403, 'Formular expirat', 'Formularul nu mai este valabil (ați ieșit între timp sau pagina este veche). Reîncărcați pagina și încercați din nou.');
        }
      }
    });

    registerLogoutRoute(protectedScope, context);
    registerInboxRoutes(protectedScope, context);
    registerTicketRoutes(protectedScope, context);
    registerEventsRoutes(protectedScope, inboxEvents, openStreams, async (request) => (await findSession(db, request.cookies[context.cookieNames.session], new Date())) !== undefined);
    registerRepliesRoutes(protectedScope, context);
    registerReportRoutes(protectedScope, context);
    registerDocumentsRoutes(protectedScope, context);
    registerProcedureRoutes(protectedScope, context);
    registerClerksRoutes(protectedScope, context);
    registerQuestionsRoutes(protectedScope, { database: db, townHallName, current, sendPage, procedures: () => (answering.knowledge?.procedures() ?? []).map((procedure) => ({ slug: procedure.slug, title: procedure.title.ro })) });
  });
}
