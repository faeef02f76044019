import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

// A citizen on the web chat, through the app's real HTTP routes (app.inject).

/** Opens a web chat session in `language`; returns its id. */
export async function openWebchatSession(app: FastifyInstance, language = 'ro'): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language } });
  expect(response.statusCode).toBe(201);
  return (response.json() as { sessionId: string }).sessionId;
}

/** The citizen writes `text`; returns the bot's replies (typed by the caller: each test reads its own fields). */
export async function sayInWebchat<Reply>(app: FastifyInstance, sessionId: string, text: string): Promise<Reply[]> {
  const response = await app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: Reply[] }).replies;
}
