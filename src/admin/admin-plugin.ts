import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { eq } from 'drizzle-orm';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attachmentFilePath } from '../attachments/attachment-store.ts';
import type { Config } from '../config.ts';
import { inTransaction } from '../database/connection.ts';
import { messages } from '../database/schema.ts';
import { AppError } from '../errors.ts';
import type { ClerkCommand, TicketReference } from '../tickets/clerk-command.ts';
import { succeeded } from '../tickets/clerk-command.ts';
import { renderClerkOutcome } from '../tickets/clerk-command-texts.ts';
import { listClerks } from '../tickets/clerk-directory.ts';
import { localDate } from '../tickets/deadlines.ts';
import { departmentIds, departmentName, isDepartmentId } from '../tickets/ticket-labels.ts';
import { findTicket } from '../tickets/ticket-store.ts';
import {
  claimSubmission,
  createSession,
  destroySession,
  findSession,
  randomToken,
  sessionLifetimeMs,
  setFlash,
  takeFlash,
  tokensMatch,
  type SignedInClerk,
} from './admin-sessions.ts';
import { findClerkByLoginName, loginKey } from './clerk-accounts.ts';
import { inboxTickets, parseInboxFilters, type InboxQueryString } from './inbox-query.ts';
import { formatTime } from './labels.ts';
import {
  activeLockout,
  LoginReservations,
  recordFailedLogin,
  recordLogout,
  recordRefusedWhileChecking,
  recordRefusedWhileLocked,
  recordSuccessfulLogin,
  type Lockout,
} from './login-throttle.ts';
import { verifyPassword } from './password-hashing.ts';
import { errorPage } from './pages/error-page.ts';
import { inboxPage, ticketPath, type Department } from './pages/inbox-page.ts';
import { loginPage } from './pages/login-page.ts';
import { replyMaximumLength, ticketPage } from './pages/ticket-page.ts';
import { attachmentsOfMessage, ticketView } from './ticket-view.ts';
import { registerReportRoute } from './report-route.ts';
import { registerQuestionsRoutes } from './routes/questions-routes.ts';
import { pluginNames, type FunctionarPluginOptions } from '../plugins/plugin-options.ts';

// The clerks' web inbox: server-rendered pages under /admin. Every action is a typed clerk command run by
// the same runner as Telegram and Teams, for the signed-in clerk's id, so the audit trail and the outbox
// are shared; the outcome is shown with the same texts.

const assetDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const assets: Record<string, { file: string; type: string }> = {
  'admin.css': { file: 'admin.css', type: 'text/css; charset=utf-8' },
  'admin.js': { file: 'admin.js', type: 'application/javascript; charset=utf-8' },
};

// No inline script or style anywhere in these pages, so the policy can forbid both.
const contentSecurityPolicy =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const ticketParams = {
  type: 'object',
  required: ['year', 'number'],
  properties: { year: { type: 'string', pattern: '^[0-9]{4}$' }, number: { type: 'string', pattern: '^[0-9]{1,6}$' } },
} as const;
const actionBody = {
  type: 'object',
  required: ['_csrf'],
  properties: {
    _csrf: { type: 'string', maxLength: 100 },
    submission: { type: 'string', maxLength: 64 },
    text: { type: 'string', maxLength: replyMaximumLength + 200 },
    target: { type: 'string', maxLength: 100 },
  },
} as const;

interface TicketParams {
  year: string;
  number: string;
}
interface ActionBody {
  _csrf: string;
  submission?: string;
  text?: string;
  target?: string;
}
interface LoginBody {
  name?: string;
  password?: string;
  _csrf?: string;
  next?: string;
}

export interface AdminCookieNames {
  session: string;
  login: string;
}

/** `__Host-` cookies are bound to this host and path /, and browsers only accept them over https. */
export function adminCookieNames(secure: boolean): AdminCookieNames {
  return secure ? { session: '__Host-fv_admin', login: '__Host-fv_login' } : { session: 'fv_admin', login: 'fv_login' };
}

/** Only paths inside the inbox are followed after login: no open redirect to another site. */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(?:[/?][^\s\\]*)?$/.test(next) && !next.startsWith('//') ? next : '/admin';
}

function normaliseText(text: string | undefined): string {
  return (text ?? '').replace(/\r\n?/g, '\n').trim();
}

function lockoutMessage(lockout: Lockout): string {
  const who = lockout.scope === 'ip' ? 'de la această adresă' : 'pentru acest nume';
  return `Prea multe încercări nereușite. Autentificarea ${who} este blocată până la ora ${formatTime(lockout.until)} (15 minute). Dacă ați uitat parola, cereți administratorului una nouă.`;
}

function checkingMessage(scope: 'name' | 'ip'): string {
  const who = scope === 'ip' ? 'de la această adresă' : 'pentru acest nume';
  return `Prea multe încercări de autentificare ${who} în același timp. Așteptați câteva minute și încercați din nou.`;
}

/** The clerks' web inbox under /admin, in its own scope (its error pages, cookies and forms stay there). */
export const adminPlugin = fp<FunctionarPluginOptions>(
  async (app, { config }) => {
    await app.register(async (scope) => adminRoutes(scope, config), { prefix: '/admin' });
  },
  { name: pluginNames.admin, fastify: '5.x', dependencies: [pluginNames.functionar, pluginNames.database, pluginNames.answering, pluginNames.conversation] },
);

async function adminRoutes(scope: FastifyInstance, config: Config): Promise<void> {
  const { database, clerkCommands, answering } = scope.functionar;
  const db = database.db;
  const secure = config.publicUrl?.startsWith('https:') ?? false;
  const cookieNames = adminCookieNames(secure);
  const townHallName = config.townHallName;
  const signedInClerks = new WeakMap<FastifyRequest, SignedInClerk>();
  const loginReservations = new LoginReservations();
  const assetBodies = Object.fromEntries(Object.entries(assets).map(([name, asset]) => [name, fs.readFileSync(path.join(assetDirectory, asset.file))]));

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

  scope.get<{ Params: { file: string } }>(
    '/assets/:file',
    { schema: { params: { type: 'object', required: ['file'], properties: { file: { type: 'string', enum: Object.keys(assets) } } } } },
    async (request, reply) => {
      const asset = assets[request.params.file];
      const body = assetBodies[request.params.file];
      if (!asset || !body) return sendError(request, reply, 404, 'Pagina nu există', 'Fișierul nu există.');
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(body);
    },
  );

  // ---- login -------------------------------------------------------------------------------------------
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
  const renderLogin = (reply: FastifyReply, status: number, view: { next: string; name?: string; error?: string; notice?: string }) => {
    // Login forms carry their own token (double-submit cookie), so another site cannot sign a clerk in as someone else.
    const loginToken = randomToken();
    reply.setCookie(cookieNames.login, loginToken, { ...cookieOptions, maxAge: 60 * 60 });
    return sendPage(reply, status, loginPage({ townHallName, loginToken, ...view }));
  };

  scope.get<{ Querystring: { next?: string; iesire?: string } }>(
    '/login',
    { schema: { querystring: { type: 'object', properties: { next: { type: 'string', maxLength: 500 }, iesire: { type: 'string', maxLength: 5 } } } } },
    async (request, reply) => {
      if (findSession(db, request.cookies[cookieNames.session], new Date())) return reply.redirect(safeNext(request.query.next), 303);
      return renderLogin(reply, 200, { next: safeNext(request.query.next), notice: request.query.iesire ? 'Ați ieșit din cont.' : undefined });
    },
  );

  scope.post<{ Body: LoginBody }>(
    '/login',
    {
      // Each attempt costs a deliberately slow hash: a tighter budget than the app-wide one per address.
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', maxLength: 100 },
            password: { type: 'string', maxLength: 200 },
            _csrf: { type: 'string', maxLength: 100 },
            next: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      const next = safeNext(request.body.next);
      const name = (request.body.name ?? '').trim();
      const password = request.body.password ?? '';
      const expected = request.cookies[cookieNames.login];
      if (!expected || !tokensMatch(expected, request.body._csrf)) {
        return renderLogin(reply, 403, { next, name, error: 'Formularul de autentificare a expirat sau cookie-urile sunt blocate. Încercați din nou.' });
      }
      if (!name || !password) return renderLogin(reply, 400, { next, name, error: 'Completați numele și parola.' });

      const attempt = { name: loginKey(name), ip: request.ip, userAgent: request.headers['user-agent'] };
      const clerk = findClerkByLoginName(db, name);
      // Decided before the slow hash, atomically with taking a place (see LoginReservations).
      const outcome = loginReservations.reserve(db, attempt, new Date());
      if ('refusal' in outcome) {
        // Not even the right password opens a locked account: the guesser must not learn it was right.
        const { refusal } = outcome;
        if (refusal.reason === 'locked') recordRefusedWhileLocked(db, attempt, clerk, refusal.lockout, new Date());
        else recordRefusedWhileChecking(db, attempt, clerk, refusal.scope, new Date());
        request.log.warn({ ip: attempt.ip, reason: refusal.reason, scope: refusal.reason === 'locked' ? refusal.lockout.scope : refusal.scope }, 'admin login refused');
        return renderLogin(reply, 429, { next, name, error: refusal.reason === 'locked' ? lockoutMessage(refusal.lockout) : checkingMessage(refusal.scope) });
      }
      try {
        const valid = await verifyPassword(password, clerk?.passwordHash);
        if (!valid || !clerk) {
          const lockedNow = inTransaction(db, (transaction) => recordFailedLogin(transaction, attempt, clerk, new Date()));
          request.log.warn({ ip: attempt.ip, locked: Boolean(lockedNow) }, 'admin login failed');
          return renderLogin(reply, lockedNow ? 429 : 401, { next, name, error: lockedNow ? lockoutMessage(lockedNow) : 'Numele sau parola nu sunt corecte.' });
        }
        const signedIn = inTransaction(db, (transaction) => {
          const now = new Date();
          // A lock recorded while this hash ran (by attempts of the same address on other names) still holds.
          const lockedMeanwhile = activeLockout(transaction, attempt, now);
          if (lockedMeanwhile) {
            recordRefusedWhileLocked(transaction, attempt, clerk, lockedMeanwhile, now);
            return { lockedMeanwhile };
          }
          recordSuccessfulLogin(transaction, attempt, clerk, now);
          return createSession(transaction, clerk, { ip: attempt.ip, userAgent: attempt.userAgent }, now);
        });
        if ('lockedMeanwhile' in signedIn) return renderLogin(reply, 429, { next, name, error: lockoutMessage(signedIn.lockedMeanwhile) });
        reply.setCookie(cookieNames.session, signedIn.token, { ...cookieOptions, maxAge: Math.floor(sessionLifetimeMs / 1000) });
        reply.clearCookie(cookieNames.login, cookieOptions);
        return reply.redirect(next, 303);
      } finally {
        // After the outcome is recorded: the place turns into a counted failure (or a reset) in one step.
        outcome.reservation.release();
      }
    },
  );

  // ---- everything below needs a signed-in clerk --------------------------------------------------------
  await scope.register(async (protectedScope) => {
    protectedScope.addHook('preHandler', async (request, reply) => {
      const signedIn = findSession(db, request.cookies[cookieNames.session], new Date());
      if (!signedIn) {
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
    const current = (request: FastifyRequest): SignedInClerk => {
      const signedIn = signedInClerks.get(request);
      if (!signedIn) throw new AppError('FV_ERR_ADMIN_SESSION', 'Not signed in', 401);
      return signedIn;
    };

    protectedScope.post<{ Body: { _csrf: string } }>('/logout', { schema: { body: actionBody } }, async (request, reply) => {
      const { session, clerk } = current(request);
      inTransaction(db, (transaction) => {
        recordLogout(transaction, clerk, request.ip, new Date());
        destroySession(transaction, session.id);
      });
      reply.clearCookie(cookieNames.session, cookieOptions);
      return reply.redirect('/admin/login?iesire=1', 303);
    });

    protectedScope.get<{ Querystring: InboxQueryString }>(
      '/',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: {
              status: { type: 'string', maxLength: 40 },
              department: { type: 'string', maxLength: 40 },
              assignee: { type: 'string', maxLength: 20 },
              overdue: { type: 'string', maxLength: 5 },
            },
          },
        },
      },
      async (request, reply) => {
        const { session, clerk } = current(request);
        const now = new Date();
        const departmentList = departments();
        const filters = parseInboxFilters(request.query, departmentList.map((department) => department.id));
        return sendPage(
          reply,
          200,
          inboxPage({
            townHallName,
            clerk,
            csrfToken: session.csrfToken,
            flash: takeFlash(db, session),
            filters,
            tickets: inboxTickets(db, filters, clerk, now),
            departments: departmentList,
            clerks: listClerks(db),
            today: localDate(now),
          }),
        );
      },
    );

    const loadTicket = (request: FastifyRequest<{ Params: TicketParams }>) => {
      const ticket = findTicket(db, { year: Number(request.params.year), number: Number(request.params.number) });
      if (!ticket) throw new AppError('FV_ERR_TICKET_NOT_FOUND', `Tichetul ${request.params.number}/${request.params.year} nu există.`, 404);
      return ticket;
    };

    protectedScope.get<{ Params: TicketParams }>('/tickets/:year/:number', { schema: { params: ticketParams } }, async (request, reply) => {
      const { session, clerk } = current(request);
      const ticket = loadTicket(request);
      const now = new Date();
      return sendPage(
        reply,
        200,
        ticketPage({ townHallName, clerk, csrfToken: session.csrfToken, flash: takeFlash(db, session), view: ticketView(db, ticket), departments: departments(), today: localDate(now), open311Publish: config.open311.publish }),
      );
    });

    /**
     * Runs one clerk command for a ticket form and comes back to the ticket (post/redirect/get), with the
     * outcome as the message on the page. A submission already handled is not run again.
     */
    const ticketAction = (buildCommand: (ticket: TicketReference, body: ActionBody) => ClerkCommand | { error: string }) =>
      async (request: FastifyRequest<{ Params: TicketParams; Body: ActionBody }>, reply: FastifyReply) => {
        const { session, clerk } = current(request);
        const ticket = loadTicket(request);
        // No #fragment: the outcome is shown (and focused) at the top of the page, where it is read first.
        const back = ticketPath(ticket);
        const command = buildCommand({ number: ticket.number, year: ticket.year }, request.body);
        if ('error' in command) {
          setFlash(db, session.id, { kind: 'error', text: command.error });
          return reply.redirect(back, 303);
        }
        if (request.body.submission && !claimSubmission(db, session.id, request.body.submission)) return reply.redirect(back, 303);
        const outcome = clerkCommands.runCommand(clerk.id, command, { channel: 'web' });
        setFlash(db, session.id, { kind: succeeded(outcome) ? 'success' : 'error', text: renderClerkOutcome(outcome, 'ro') });
        return reply.redirect(back, 303);
      };
    const tooLong = (text: string) => ({ error: `Textul are ${text.length} caractere; cel mult ${replyMaximumLength} sunt permise.` });
    const withText = (name: 'reply' | 'note', empty: string) => (ticket: TicketReference, body: ActionBody): ClerkCommand | { error: string } => {
      const text = normaliseText(body.text);
      if (!text) return { error: empty };
      if (text.length > replyMaximumLength) return tooLong(text);
      return { name, ticket, text };
    };
    const actionOptions = { schema: { params: ticketParams, body: actionBody } };

    protectedScope.post<{ Params: TicketParams; Body: ActionBody }>('/tickets/:year/:number/reply', actionOptions, ticketAction(withText('reply', 'Scrieți răspunsul înainte de a-l trimite.')));
    protectedScope.post<{ Params: TicketParams; Body: ActionBody }>('/tickets/:year/:number/note', actionOptions, ticketAction(withText('note', 'Scrieți textul notei.')));
    protectedScope.post<{ Params: TicketParams; Body: ActionBody }>('/tickets/:year/:number/take', actionOptions, ticketAction((ticket) => ({ name: 'take', ticket })));
    protectedScope.post<{ Params: TicketParams; Body: ActionBody }>(
      '/tickets/:year/:number/close',
      actionOptions,
      ticketAction((ticket, body) => {
        const text = normaliseText(body.text);
        return text.length > replyMaximumLength ? tooLong(text) : { name: 'close', ticket, text };
      }),
    );
    protectedScope.post<{ Params: TicketParams; Body: ActionBody }>(
      '/tickets/:year/:number/assign',
      actionOptions,
      ticketAction((ticket, body) => {
        // The form offers "department:<id>" and "clerk:<id>"; anything else did not come from it.
        const [kind, value] = (body.target ?? '').split(':', 2);
        if (kind === 'department' && value && isDepartmentId(value)) return { name: 'assign', ticket, target: { kind: 'department', department: value } };
        if (kind === 'clerk' && value && /^\d{1,12}$/.test(value)) return { name: 'assign', ticket, target: { kind: 'clerk', clerkId: Number(value) } };
        return { error: 'Alegeți un compartiment sau un funcționar din listă.' };
      }),
    );

    protectedScope.get<{ Params: { messageId: string; index: string } }>(
      '/attachments/:messageId/:index',
      {
        schema: {
          params: {
            type: 'object',
            required: ['messageId', 'index'],
            properties: { messageId: { type: 'string', pattern: '^[0-9]{1,12}$' }, index: { type: 'string', pattern: '^[0-9]{1,3}$' } },
          },
        },
      },
      async (request, reply) => {
        // Files are found by message id and position only; the stored path is checked to stay inside data/attachments.
        const message = db.select().from(messages).where(eq(messages.id, Number(request.params.messageId))).get();
        const link = message ? attachmentsOfMessage(message)[Number(request.params.index)] : undefined;
        if (!link) return sendError(request, reply, 404, 'Fișierul nu există', 'Atașamentul cerut nu există.');
        const filePath = attachmentFilePath(config.dataDirectory, link.attachment);
        if (!fs.existsSync(filePath)) return sendError(request, reply, 404, 'Fișierul nu există', 'Fișierul nu mai este pe server (a fost șters sau arhivat).');
        const mediaType = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(link.attachment.mediaType) ? link.attachment.mediaType : 'application/octet-stream';
        const asciiName = link.attachment.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
        return reply
          .type(mediaType)
          .header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(link.attachment.fileName)}`)
          .send(fs.createReadStream(filePath));
      },
    );

    registerReportRoute(protectedScope, {
      database: db,
      townHallName,
      current,
      sendPage,
      takeFlash: (session) => takeFlash(db, session),
      departmentName: (id) => departments().find((department) => department.id === id)?.name ?? id,
      procedureTitle: (slug) => answering.knowledge?.procedure(slug)?.title.ro,
    });
    registerQuestionsRoutes(protectedScope, { database: db, townHallName, current, sendPage, procedures: () => (answering.knowledge?.procedures() ?? []).map((procedure) => ({ slug: procedure.slug, title: procedure.title.ro })) });
  });
}
