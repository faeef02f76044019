import { html } from '../html.ts';
import { page } from './layout.ts';

export interface ErrorPage {
  townHallName: string;
  title: string;
  message: string;
  signedIn?: { clerkName: string; csrfToken: string };
}

export function errorPage(view: ErrorPage): string {
  const body = html`<div class="card">
    <h1>${view.title}</h1>
    <p data-testid="error-message">${view.message}</p>
    <p><a href="/admin">Înapoi la tichete</a></p>
  </div>`;
  return page({ title: view.title, townHallName: view.townHallName, signedIn: view.signedIn, body });
}
