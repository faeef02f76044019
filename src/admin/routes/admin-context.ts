import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Answering } from '../../answering.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database/connection.ts';
import type { ClerkCommandRunner } from '../../tickets/clerk-command-runner.ts';
import type { SignedInClerk } from '../admin-sessions.ts';
import type { Department } from '../pages/inbox-page.ts';
import { replyMaximumLength } from '../pages/ticket-page.ts';

export interface AdminCookieNames {
  session: string;
  login: string;
}

/** `__Host-` cookies are bound to this host and path /, and browsers only accept them over https. */
export function adminCookieNames(secure: boolean): AdminCookieNames {
  return secure ? { session: '__Host-fv_admin', login: '__Host-fv_login' } : { session: 'fv_admin', login: 'fv_login' };
}

/** What every admin route module gets from the admin plugin: the services and the page helpers they share. */
export interface AdminRouteContext {
  config: Config;
  database: Database;
  clerkCommands: ClerkCommandRunner;
  answering: Answering;
  townHallName: string;
  cookieNames: AdminCookieNames;
  cookieOptions: { path: string; httpOnly: boolean; sameSite: 'lax'; secure: boolean };
  sendPage(reply: FastifyReply, status: number, body: string): FastifyReply;
  sendError(request: FastifyRequest, reply: FastifyReply, status: number, title: string, message: string): FastifyReply;
  departments(): Department[];
  /** The signed-in clerk of a request in the signed-in scope (its hook checked the session). */
  current(request: FastifyRequest): SignedInClerk;
}

/** Only paths inside the inbox are followed after login: no open redirect to another site. */
export function safeNext(next: string | undefined): string {
  return next && /^\/admin(?:[/?][^\s\\]*)?$/.test(next) && !next.startsWith('//') ? next : '/admin';
}

/** The fields every signed-in form posts. */
export const actionBody = {
  type: 'object',
  required: ['_csrf'],
  properties: {
    _csrf: { type: 'string', maxLength: 100 },
    submission: { type: 'string', maxLength: 64 },
    text: { type: 'string', maxLength: replyMaximumLength + 200 },
    target: { type: 'string', maxLength: 100 },
  },
} as const;
