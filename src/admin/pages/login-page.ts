import { html } from '../html.ts';
import { page } from './layout.ts';

export interface LoginPage {
  townHallName: string;
  loginToken: string;
  next: string;
  name?: string;
  error?: string;
  notice?: string;
}

export function loginPage(view: LoginPage): string {
  const body = html`<div class="login card">
    <h1>Autentificare funcționari</h1>
    ${view.error ? html`<p class="flash error" role="alert" data-flash data-testid="login-error" id="login-error">${view.error}</p>` : ''}
    ${view.notice ? html`<p class="flash success" role="status" data-flash>${view.notice}</p>` : ''}
    <form method="post" action="/admin/login" novalidate>
      <input type="hidden" name="_csrf" value="${view.loginToken}">
      <input type="hidden" name="next" value="${view.next}">
      <div class="field">
        <label for="name">Numele de funcționar</label>
        <input type="text" id="name" name="name" autocomplete="username" autocapitalize="words" spellcheck="false" required maxlength="100"
          value="${view.name ?? ''}" ${view.error ? html`aria-describedby="login-error"` : ''} ${view.name ? '' : html`autofocus`}>
      </div>
      <div class="field">
        <label for="password">Parola</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="200" ${view.name ? html`autofocus` : ''}>
      </div>
      <div class="actions"><button class="button" type="submit">Intră</button></div>
    </form>
    <p class="hint">Parola o primiți de la administrator (comanda <code>functionar clerks set-password</code>). După 5 încercări greșite contul se blochează 15 minute.</p>
  </div>`;
  return page({ title: 'Autentificare', townHallName: view.townHallName, body });
}
