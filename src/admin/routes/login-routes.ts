import type { FastifyInstance, FastifyReply } from 'fastify';
import { inTransaction } from '../../database/connection.ts';
import { createSession, destroySession, findSession, randomToken, sessionLifetimeMs, tokensMatch } from '../admin-sessions.ts';
import { findClerkByLoginName, loginKey } from '../clerk-accounts.ts';
import { formatTime } from '../labels.ts';
import {
  activeLockout,
  LoginReservations,
  recordFailedLogin,
  recordLogout,
  recordRefusedWhileChecking,
  recordRefusedWhileLocked,
  recordSuccessfulLogin,
  type Lockout,
} from '../login-throttle.ts';
import { verifyPassword } from '../password-hashing.ts';
import { loginPage } from '../pages/login-page.ts';
import { actionBody, safeNext, type AdminRouteContext } from './admin-context.ts';

interface LoginBody {
  name?: string;
  password?: string;
  _csrf?: string;
  next?: string;
}

function lockoutMessage(lockout: Lockout): string {
  const who = lockout.scope === 'ip' ? 'de la această adresă' : 'pentru acest nume';
  return `Prea multe încercări nereușite. Autentificarea ${who} este blocată până la ora ${formatTime(lockout.until)} (15 minute). Dacă ați uitat parola, cereți administratorului una nouă.`;
}

function checkingMessage(scope: 'name' | 'ip'): string {
  const who = scope === 'ip' ? 'de la această adresă' : 'pentru acest nume';
  return `Prea multe încercări de autentificare ${who} în același timp. Așteptați câteva minute și încercați din nou.`;
}

/** `/admin/login`: the sign-in form, throttled per name and per address (see login-throttle.ts). */
export function registerLoginRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, townHallName, cookieNames, cookieOptions, sendPage } = context;
  const loginReservations = new LoginReservations();
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
      if (await findSession(db, request.cookies[cookieNames.session], new Date())) return reply.redirect(safeNext(request.query.next), 303);
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
      const clerk = await findClerkByLoginName(db, name);
      // Decided before the slow hash, atomically with taking a place (see LoginReservations).
      const outcome = await inTransaction(db, (transaction) => loginReservations.reserve(transaction, attempt, new Date()));
      if ('refusal' in outcome) {
        // Not even the right password opens a locked account: the guesser must not learn it was right.
        const { refusal } = outcome;
        if (refusal.reason === 'locked') await recordRefusedWhileLocked(db, attempt, clerk, refusal.lockout, new Date());
        else await recordRefusedWhileChecking(db, attempt, clerk, refusal.scope, new Date());
        request.log.warn({ ip: attempt.ip, reason: refusal.reason, scope: refusal.reason === 'locked' ? refusal.lockout.scope : refusal.scope }, 'admin login refused');
        return renderLogin(reply, 429, { next, name, error: refusal.reason === 'locked' ? lockoutMessage(refusal.lockout) : checkingMessage(refusal.scope) });
      }
      try {
        const valid = await verifyPassword(password, clerk?.passwordHash);
        if (!valid || !clerk) {
          const lockedNow = await inTransaction(db, (transaction) => recordFailedLogin(transaction, attempt, clerk, new Date()));
          // Given back once the failure is committed, so a concurrent reservation counts one or the other.
          outcome.reservation.release();
          request.log.warn({ ip: attempt.ip, locked: Boolean(lockedNow) }, 'admin login failed');
          return renderLogin(reply, lockedNow ? 429 : 401, { next, name, error: lockedNow ? lockoutMessage(lockedNow) : 'Numele sau parola nu sunt corecte.' });
        }
        const signedIn = await inTransaction(db, async (transaction) => {
          const now = new Date();
          // A lock recorded while this hash ran (by attempts of the same address on other names) still holds.
          const lockedMeanwhile = await activeLockout(transaction, attempt, now);
          if (lockedMeanwhile) {
            await recordRefusedWhileLocked(transaction, attempt, clerk, lockedMeanwhile, now);
            return { lockedMeanwhile };
          }
          await recordSuccessfulLogin(transaction, attempt, clerk, now);
          return createSession(transaction, clerk, { ip: attempt.ip, userAgent: attempt.userAgent }, now);
        });
        outcome.reservation.release();
        if ('lockedMeanwhile' in signedIn) return renderLogin(reply, 429, { next, name, error: lockoutMessage(signedIn.lockedMeanwhile) });
        reply.setCookie(cookieNames.session, signedIn.token, { ...cookieOptions, maxAge: Math.floor(sessionLifetimeMs / 1000) });
        reply.clearCookie(cookieNames.login, cookieOptions);
        return reply.redirect(next, 303);
      } finally {
        // Released after the outcome is committed; here only when recording it failed.
        outcome.reservation.release();
      }
    },
  );
}

/** `POST /admin/logout`, in the signed-in scope. */
export function registerLogoutRoute(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, cookieNames, cookieOptions } = context;
  scope.post<{ Body: { _csrf: string } }>('/logout', { schema: { body: actionBody } }, async (request, reply) => {
    const { session, clerk } = context.current(request);
    await inTransaction(db, async (transaction) => {
      await recordLogout(transaction, clerk, request.ip, new Date());
      await destroySession(transaction, session.id);
    });
    reply.clearCookie(cookieNames.session, cookieOptions);
    return reply.redirect('/admin/login?iesire=1', 303);
  });
}
