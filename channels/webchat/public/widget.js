/*! Funcționar Virtual — web chat widget. Plain ES2019, no dependencies.
 * Embed: <script src="https://bot.example.ro/widget.js" data-title="Primăria Bălăușeri"
 *         data-color="#1f5fa8" data-lang="ro" data-position="right" defer></script>
 * Optional: data-server="https://other.host" overrides the API base URL.
 */
(function () {
  'use strict';
  if (window.FunctionarWidget) return; // embedded twice

  var script = document.currentScript ||
    (function () { var s = document.querySelectorAll('script[src*="widget.js"]'); return s[s.length - 1]; })();
  var attr = function (n) { var v = script && script.getAttribute('data-' + n); return v ? v.trim() : ''; };
  var MAX = 4000, COUNTER_FROM = 3600, LANGS = ['ro', 'hu', 'en'];
  var LANG_NAMES = { ro: 'Română', hu: 'Magyar', en: 'English' };
  // The files a citizen may send, as on the other channels (src/attachments/accepted-files.ts on the
  // server, which checks again): a browser may leave a file's type empty, so the extension names it then.
  var MAX_FILE = 10 * 1024 * 1024;
  var FILE_TYPES = {
    jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heic: 'image/heic', heif: 'image/heif',
    pdf: 'application/pdf', txt: 'text/plain', doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    odt: 'application/vnd.oasis.opendocument.text', xls: 'application/vnd.ms-excel',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ods: 'application/vnd.oasis.opendocument.spreadsheet'
  };

  var base = attr('server') || (script && script.src ? new URL(script.src, location.href).origin : location.origin);
  base = base.replace(/\/+$/, '');
  var api = base + '/api/webchat/sessions';
  var SKEY = 'functionar.session.' + base, LKEY = 'functionar.lang';

  var T = {
    ro: {
      launcher: 'Întrebați primăria', title: 'Primăria', placeholder: 'Scrieți întrebarea…', send: 'Trimite',
      close: 'Închide', typing: 'scrie…', error: 'Nu am putut trimite, încercați din nou.',
      privacy: 'Nu scrieți CNP-ul în chat.', source: 'Sursa', clerk: 'Funcționar', bot: 'Asistentul virtual',
      you: 'Dumneavoastră', input: 'Mesajul dumneavoastră', lang: 'Limba', newMsg: 'mesaj nou', notSent: 'Netrimis',
      log: 'Conversația', attach: 'Atașați o fotografie sau un document (PDF)', file: 'Fișier',
      fileType: 'Pot primi fotografii (JPEG, PNG), PDF-uri și documente Word, Excel sau text. Acest tip de fișier nu îl pot atașa.',
      fileTooLarge: 'Fișierul este prea mare; pot primi fișiere de cel mult 10 MB. Îl puteți aduce la ghișeu sau trimite unul mai mic.',
      welcome: 'Bună ziua! Sunt asistentul virtual al primăriei. Întrebați-mă despre acte, taxe, programul de lucru sau depunerea unei cereri.'
    },
    hu: {
      launcher: 'Kérdezze a hivatalt', title: 'Polgármesteri Hivatal', placeholder: 'Írja be a kérdését…', send: 'Küldés',
      close: 'Bezárás', typing: 'ír…', error: 'Nem sikerült elküldeni, próbálja újra.',
      privacy: 'Ne írja be a személyi számát (CNP) a chatbe.', source: 'Forrás', clerk: 'Ügyintéző',
      bot: 'Virtuális ügyintéző', you: 'Ön', input: 'Az Ön üzenete', lang: 'Nyelv', newMsg: 'új üzenet', notSent: 'Nincs elküldve',
      log: 'Beszélgetés', attach: 'Fénykép vagy dokumentum (PDF) csatolása', file: 'Fájl',
      fileType: 'Fényképet (JPEG, PNG), PDF-et, Word-, Excel- vagy szöveges dokumentumot tudok fogadni. Ezt a fájltípust nem tudom csatolni.',
      fileTooLarge: 'A fájl túl nagy; legfeljebb 10 MB-os fájlt tudok fogadni. Behozhatja a hivatalba, vagy küldjön kisebbet.',
      welcome: 'Jó napot kívánok! A polgármesteri hivatal virtuális asszisztense vagyok. Kérdezzen iratokról, adókról, az ügyfélfogadásról vagy kérvények benyújtásáról.'
    },
    en: {
      launcher: 'Ask the town hall', title: 'Town hall', placeholder: 'Type your question…', send: 'Send',
      close: 'Close', typing: 'typing…', error: 'Could not send, please try again.',
      privacy: 'Do not type your CNP (personal numeric code) in the chat.', source: 'Source', clerk: 'Clerk',
      bot: 'Virtual assistant', you: 'You', input: 'Your message', lang: 'Language', newMsg: 'new message', notSent: 'Not sent',
      log: 'Conversation', attach: 'Attach a photo or a document (PDF)', file: 'File',
      fileType: 'I can receive photos (JPEG, PNG), PDFs and Word, Excel or text documents. I cannot attach this type of file.',
      fileTooLarge: 'The file is too large; I can receive files of at most 10 MB. You can bring it to the counter or send a smaller one.',
      welcome: 'Hello! I am the town hall\'s virtual assistant. Ask me about documents, local taxes, opening hours or filing a request.'
    }
  };

  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { if (v == null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };
  var norm = function (l) { l = String(l || '').slice(0, 2).toLowerCase(); return LANGS.indexOf(l) >= 0 ? l : ''; };
  var lang = norm(store.get(LKEY)) || norm(attr('lang')) || norm(document.documentElement.lang) ||
    norm(navigator.language) || 'ro';
  var t = function (k) { return T[lang][k]; };

  var color = attr('color');
  if (!color || !(window.CSS && CSS.supports && CSS.supports('color', color))) color = '#1f5fa8';
  var onColor = (function () { // readable text colour on the accent
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color); if (!m) return '#fff';
    var h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    var c = [0, 2, 4].map(function (i) { var v = parseInt(h.substr(i, 2), 16) / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] > 0.35 ? '#111' : '#fff';
  })();
  var left = attr('position') === 'left';

  var CSS_TEXT =
    // The host sits on the page: its rules outrank ours unless ours are !important (then ours win).
    ':host{all:initial!important;display:block!important;position:static!important;width:0!important;height:0!important;margin:0!important;padding:0!important;border:0!important;transform:none!important;filter:none!important;contain:none!important;visibility:visible!important;opacity:1!important}' +
    '*{box-sizing:border-box}[hidden]{display:none!important}' +
    '.root{--a:' + color + ';--on:' + onColor + ';font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f24}' +
    '.sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}' +
    'button,textarea{font:inherit;color:inherit}' +
    '.log:focus-visible{outline-offset:-3px}' +
    ':focus-visible{outline:3px solid #f0a500;outline-offset:2px}' +
    '.launcher{position:fixed;bottom:20px;' + (left ? 'left' : 'right') + ':20px;z-index:2147483000;display:flex;align-items:center;gap:8px;min-height:52px;padding:0 20px 0 16px;border:0;border-radius:26px;background:var(--a);color:var(--on);font-weight:600;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)}' +
    '.launcher svg{width:24px;height:24px;flex:none}' +
    '.launcher .dot{display:none;position:absolute;top:6px;' + (left ? 'right' : 'left') + ':10px;width:12px;height:12px;border-radius:50%;background:#d62d20;border:2px solid #fff}' +
    '.launcher.unread .dot{display:block}' +
    '.panel{position:fixed;bottom:86px;' + (left ? 'left' : 'right') + ':20px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:580px;max-height:calc(100vh - 106px);display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 10px 40px rgba(0,0,0,.3);animation:pop .18s ease-out}' +
    '@keyframes pop{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}' +
    '.head{display:flex;align-items:center;gap:6px;padding:10px 8px 10px 16px;background:var(--a);color:var(--on)}' +
    '.head h2{flex:1;min-width:0;margin:0;font-size:16px;font-weight:650;line-height:1.25;overflow-wrap:anywhere}' +
    '.langs{display:flex;align-items:center;font-size:13px}' +
    '.langs button{min-width:34px;min-height:34px;padding:0 4px;border:0;border-radius:6px;background:transparent;color:inherit;cursor:pointer;opacity:.8}' +
    '.langs button[aria-pressed=true]{opacity:1;font-weight:700;text-decoration:underline;text-underline-offset:3px}' +
    '.langs span{opacity:.6}' +
    '.x{width:40px;height:40px;border:0;border-radius:8px;background:transparent;color:inherit;font-size:26px;line-height:1;cursor:pointer}' +
    '.head button:hover{background:rgba(255,255,255,.18)}' +
    '.privacy{margin:0;padding:6px 16px;background:#fff8e1;border-bottom:1px solid #f0e2b0;color:#5c4400;font-size:13px}' +
    '.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain;background:#fafbfc}' +
    '.msg{display:flex;flex-direction:column;align-items:flex-start;max-width:88%}' +
    '.msg[data-from=citizen]{align-self:flex-end;align-items:flex-end}' +
    '.bubble{padding:8px 12px;border-radius:14px;background:#eceff3;overflow-wrap:anywhere;border-bottom-left-radius:4px}' +
    '.msg[data-from=citizen] .bubble{background:var(--a);color:var(--on);border-radius:14px;border-bottom-right-radius:4px}' +
    '.msg[data-from=clerk] .bubble{background:#fff1d6;border:1px solid #ecc77a}' +
    '.msg.failed .bubble{opacity:.6}' +
    '.who{font-size:12px;font-weight:700;color:#8a5300;margin:0 0 2px 4px}' +
    '.fail{font-size:12px;color:#b3261e;margin-top:2px}' +
    '.bubble a{color:inherit;text-decoration:underline}' +
    '.msg[data-from=bot] .bubble a,.msg[data-from=clerk] .bubble a{color:#0b4f9c}' +
    '.bubble ul,.bubble ol{margin:4px 0;padding-left:20px}' +
    '.cite{display:inline-block;margin:0 2px;padding:0 6px;border-radius:8px;background:#fff;border:1px solid #d0d7de;font-size:12px;color:#444;vertical-align:baseline}' +
    '.chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}' +
    '.src{display:inline-block;max-width:100%;padding:2px 8px;border-radius:10px;background:#fff;border:1px solid #d0d7de;font-size:12px;color:#444;text-decoration:none;overflow-wrap:anywhere}' +
    'a.src{color:#0b4f9c}a.src:hover{text-decoration:underline}' +
    '.opt{min-height:36px;padding:4px 12px;border:1.5px solid var(--a);border-radius:18px;background:#fff;color:#1b1f24;cursor:pointer}' +
    '.opt:hover:not(:disabled){background:#eef3fa}.opt:disabled{opacity:.5;cursor:default}' +
    '.note{align-self:center;max-width:92%;font-size:13px;color:#555;text-align:center}' +
    '.note.err{color:#b3261e;background:#fdecea;border-radius:8px;padding:6px 10px}' +
    '.intro{align-self:flex-start;max-width:88%;padding:8px 12px;border-radius:14px;border-bottom-left-radius:4px;background:#eceff3}' +
    '.typing{align-self:flex-start;display:flex;align-items:center;gap:6px;padding:8px 12px;border-radius:14px;background:#eceff3;color:#555;font-size:13px}' +
    '.typing i{width:6px;height:6px;border-radius:50%;background:#777;animation:b 1s infinite ease-in-out}' +
    '.typing i:nth-child(2){animation-delay:.15s}.typing i:nth-child(3){animation-delay:.3s}' +
    '@keyframes b{0%,80%,100%{opacity:.3}40%{opacity:1}}' +
    '.status{padding:4px 16px;font-size:13px;color:#555;font-style:italic}' +
    '.form{display:flex;align-items:flex-end;gap:8px;padding:10px;border-top:1px solid #e3e6ea;background:#fff}' +
    'textarea{flex:1;min-height:44px;max-height:140px;resize:none;padding:10px 12px;border:1.5px solid #aab3bd;border-radius:10px;font-size:16px;line-height:1.35;background:#fff}' +
    'textarea:focus{border-color:var(--a)}' +
    '.send{min-width:44px;min-height:44px;padding:0 14px;border:0;border-radius:10px;background:var(--a);color:var(--on);font-weight:600;cursor:pointer}' +
    '.send:disabled{opacity:.45;cursor:default}' +
    '.attach{flex:none;width:44px;height:44px;padding:0;border:1.5px solid #aab3bd;border-radius:10px;background:#fff;color:#1b1f24;cursor:pointer;display:flex;align-items:center;justify-content:center}' +
    '.attach svg{width:22px;height:22px}.attach:hover{border-color:var(--a)}.attach:disabled{opacity:.45;cursor:default}' +
    '.file{display:inline-flex;align-items:center;gap:6px}' +
    '.file small{opacity:.85}' +
    '.count{padding:0 12px 6px;font-size:12px;color:#555;text-align:right;background:#fff}.count.over{color:#b3261e;font-weight:700}' +
    '@media (max-width:479px){.panel{top:0;bottom:0;left:0;right:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}' +
    '.root.open .launcher{display:none}.launcher{bottom:16px;' + (left ? 'left' : 'right') + ':16px}}' +
    '@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}' +
    '@media (forced-colors:active){.bubble,.launcher,.panel,.opt,.send{border:1px solid CanvasText}}';

  // ---- DOM helpers -------------------------------------------------------
  function h(tag, props, kids) {
    var el = document.createElement(tag);
    if (props) Object.keys(props).forEach(function (k) {
      if (k === 'text') el.textContent = props[k];
      else if (k === 'class') el.className = props[k];
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), props[k]);
      else el.setAttribute(k, props[k]);
    });
    (kids || []).forEach(function (c) { if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return el;
  }
  // ---- answer text: a small, safe subset of Markdown -----------------------------
  // The model writes Markdown and cites sources as [slug]. Only **bold**, "- " / "1. " lists, links to
  // the town hall's own hosts (and ghiseul.ro, and the hosts of the answer's sources) and citations are
  // understood; everything is built with createElement/textContent, never innerHTML, so nothing in an
  // answer can become markup. A citation shows as the source's title, never as its slug.
  var titles = Object.create(null); // slug -> title, from every message's sources
  var ALLOWED_HOSTS = ['ghiseul.ro', location.hostname, hostOf(base)].concat(
    attr('allowed-hosts') ? attr('allowed-hosts').split(/[\s,]+/) : []).filter(Boolean);
  function hostOf(u) { try { return new URL(String(u), base).hostname.toLowerCase(); } catch (e) { return ''; } }
  function allowedHost(u, extra) {
    var host = hostOf(u); if (!host) return false;
    return ALLOWED_HOSTS.concat(extra || []).some(function (a) {
      a = String(a).toLowerCase().replace(/^www\./, ''); var hh = host.replace(/^www\./, '');
      return a && (hh === a || hh.slice(-(a.length + 1)) === '.' + a);
    });
  }
  // One pass over a line: **bold**, [text](url), bare URLs, [slug] citations.
  var INLINE_RE = /\*\*([^*\n]+)\*\*|\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|(\bhttps?:\/\/[^\s<>"'«»]+|\bwww\.[^\s<>"'«»]+)|\[([a-z0-9][a-z0-9_-]*(?:\s*[,;]\s*[a-z0-9][a-z0-9_-]*)*)\]/gi;
  function link(parent, href, label, ctx) {
    var url = /^www\./i.test(href) ? 'https://' + href : href;
    if (allowedHost(url, ctx.hosts) && safeUrl(url)) parent.appendChild(h('a', { href: safeUrl(url), target: '_blank', rel: 'noopener noreferrer', text: label }));
    else parent.appendChild(document.createTextNode(label));
  }
  function inline(parent, s, ctx) {
    var last = 0, m; INLINE_RE.lastIndex = 0;
    while ((m = INLINE_RE.exec(s))) {
      if (m.index > last) parent.appendChild(document.createTextNode(s.slice(last, m.index)));
      last = INLINE_RE.lastIndex;
      if (m[1] != null) { var b = h('strong'); inline(b, m[1], ctx); parent.appendChild(b); }
      else if (m[2] != null) link(parent, m[3], m[2], ctx);
      else if (m[4] != null) {
        var url = m[4], trail = /[.,;:!?)\]}'"»]+$/.exec(url);
        if (trail) { url = url.slice(0, -trail[0].length); last = INLINE_RE.lastIndex = m.index + url.length; }
        link(parent, url, url, ctx);
      } else {
        // A citation: its title once per message; an unknown slug (still streaming, or made up) shows nothing.
        m[5].split(/\s*[,;]\s*/).forEach(function (slug) {
          slug = slug.toLowerCase();
          var title = (ctx.titles && ctx.titles[slug]) || titles[slug];
          if (!title || ctx.cited[slug]) return;
          ctx.cited[slug] = true;
          parent.appendChild(h('span', { class: 'cite', 'data-testid': 'functionar-citation', 'data-slug': slug, text: title }));
        });
        // No space left hanging before the punctuation that followed the citation.
        var prev = parent.lastChild;
        if (prev && prev.nodeType === 3 && /[ \t]$/.test(prev.nodeValue) && /^[.,;:!?]/.test(s.slice(last))) prev.nodeValue = prev.nodeValue.replace(/[ \t]+$/, '');
      }
      INLINE_RE.lastIndex = last; // the bold branch renders its inside with the same expression
    }
    if (last < s.length) parent.appendChild(document.createTextNode(s.slice(last)));
  }
  /** Renders `text` into `el`; `options.markdown` false keeps a citizen's own words exactly as typed. */
  function renderText(el, text, options) {
    options = options || {};
    var ctx = { titles: options.titles, hosts: options.hosts || [], cited: Object.create(null) };
    el.textContent = '';
    var list = null, listTag = '', br = false;
    String(text == null ? '' : text).split(/\r\n|\r|\n/).forEach(function (line) {
      if (options.markdown === false) { if (br) el.appendChild(h('br')); el.appendChild(document.createTextNode(line)); br = true; return; }
      var bullet = /^\s*(?:[•*-])\s+(.*)$/.exec(line), numbered = /^\s*\d{1,2}[.)]\s+(.*)$/.exec(line);
      var item = bullet || numbered;
      if (item) {
        var tag = bullet ? 'ul' : 'ol';
        if (!list || listTag !== tag) { el.appendChild(list = h(tag)); listTag = tag; }
        var li = h('li'); inline(li, item[1], ctx); list.appendChild(li); br = false; return;
      }
      if (list) { list = null; if (!line) return; }
      if (br) el.appendChild(h('br'));
      inline(el, line.replace(/^\s*#{1,6}\s+/, ''), ctx); br = true;
    });
  }
  function safeUrl(u) {
    try { var x = new URL(String(u), base); return /^https?:$/.test(x.protocol) ? x.href : null; } catch (e) { return null; }
  }
  function i18n(el, key) { el.setAttribute('data-i18n', key); el.textContent = t(key); return el; }

  // ---- build UI --------------------------------------------------------------
  // Its own element (a page rule on div cannot reach it), later put after <body> (a transform or filter on
  // body would otherwise become the panel's containing block and carry it away from the viewport's corner).
  var host = h('functionar-widget', { id: 'functionar-widget' });
  var shadow = host.attachShadow({ mode: 'open' });
  shadow.appendChild(h('style', { text: CSS_TEXT }));
  var root = h('div', { class: 'root', lang: lang });
  shadow.appendChild(root);

  var launcherText = h('span');
  var launcher = h('button', {
    type: 'button', class: 'launcher', 'data-testid': 'functionar-launcher', 'aria-expanded': 'false',
    'aria-controls': 'fv-panel', onclick: function () { isOpen ? close() : open(); }
  });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg>';
  launcher.appendChild(launcherText);
  launcher.appendChild(h('span', { class: 'dot', 'aria-hidden': 'true' }));

  var titleEl = h('h2', { id: 'fv-title' });
  var langBox = h('div', { class: 'langs', role: 'group' });
  LANGS.forEach(function (l, i) {
    if (i) langBox.appendChild(h('span', { 'aria-hidden': 'true', text: '|' }));
    // The accessible name is the visible "RO" followed by the language's own name ("RO Română"), so
    // voice control users can say what they see.
    langBox.appendChild(h('button', {
      type: 'button', lang: l, 'data-lang': l, 'aria-pressed': String(l === lang), title: LANG_NAMES[l],
      onclick: function () { setLang(l); }
    }, [l.toUpperCase(), h('span', { class: 'sr', text: ' ' + LANG_NAMES[l] })]));
  });
  var closeBtn = h('button', { type: 'button', class: 'x', onclick: function () { close(); } }, ['×']);
  // Focusable, so that someone without a mouse can scroll back through the conversation.
  var log = h('div', { class: 'log', role: 'log', tabindex: '0', 'aria-live': 'polite', 'aria-relevant': 'additions', 'data-testid': 'functionar-log' });
  log.appendChild(i18n(h('div', { class: 'intro' }), 'welcome'));
  var typing = h('div', { class: 'typing', 'data-testid': 'functionar-typing', hidden: '' },
    [h('i'), h('i'), h('i'), i18n(h('span'), 'typing')]);
  log.appendChild(typing);
  var statusEl = h('div', { class: 'status', role: 'status', 'data-testid': 'functionar-status', hidden: '' });
  var input = h('textarea', {
    id: 'fv-input', rows: '1', maxlength: String(MAX), 'data-testid': 'functionar-input', autocomplete: 'off',
    'aria-describedby': 'fv-privacy fv-count'
  });
  // The town hall's privacy notice (GDPR art. 13), with its link, shown before the first question.
  var privacyNotice = h('span', { class: 'notice', 'data-testid': 'functionar-privacy-notice' });
  // Shown until the full notice (which repeats the CNP warning) has loaded.
  var cnpWarning = i18n(h('span'), 'privacy');
  var noticeLanguage = null;
  function loadPrivacyNotice() {
    if (noticeLanguage === lang) return;
    noticeLanguage = lang;
    fetch(base + '/privacy/notice.json?lang=' + encodeURIComponent(lang), { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (notice) {
        if (!notice || !notice.text) return;
        var text = String(notice.text), url = String(notice.url || '');
        // Without PUBLIC_URL the server gives a path: make it a link to the bot's own address.
        if (url.charAt(0) === '/') text = text.split(url).join(base + url);
        renderText(privacyNotice, text, { hosts: [hostOf(url.charAt(0) === '/' ? base + url : url)] });
        cnpWarning.hidden = true;
      })
      .catch(function () { noticeLanguage = null; });
  }
  var sendBtn = h('button', { type: 'submit', class: 'send', 'data-testid': 'functionar-send', disabled: '' });
  var counter = h('div', { class: 'count', id: 'fv-count', hidden: '' });
  var fileInput = h('input', {
    type: 'file', hidden: '', tabindex: '-1', 'aria-hidden': 'true', 'data-testid': 'functionar-file-input',
    accept: Object.keys(FILE_TYPES).map(function (x) { return '.' + x; }).join(',') + ',image/*,application/pdf'
  });
  var attachBtn = h('button', { type: 'button', class: 'attach', 'data-testid': 'functionar-attach', onclick: function () { fileInput.click(); } });
  attachBtn.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"/></svg>';
  fileInput.addEventListener('change', function () {
    var files = Array.prototype.slice.call(fileInput.files || []);
    fileInput.value = '';
    files.forEach(function (file) { sendFile(file); });
  });
  var form = h('form', { class: 'form', novalidate: '' },
    [i18n(h('label', { class: 'sr', for: 'fv-input' }), 'input'), attachBtn, fileInput, input, sendBtn]);
  var panel = h('div', {
    id: 'fv-panel', class: 'panel', role: 'dialog', 'data-testid': 'functionar-panel', hidden: ''
  }, [
    h('div', { class: 'head' }, [titleEl, langBox, closeBtn]),
    h('p', { class: 'privacy', id: 'fv-privacy' }, [cnpWarning, privacyNotice]),
    log, statusEl, form, counter
  ]);
  root.appendChild(panel);
  root.appendChild(launcher);

  function applyLang() {
    root.setAttribute('lang', lang);
    var title = attr('title') || t('title');
    titleEl.textContent = title;
    panel.setAttribute('aria-label', title);
    launcherText.textContent = t('launcher');
    updateLauncherLabel();
    langBox.setAttribute('aria-label', t('lang'));
    closeBtn.setAttribute('aria-label', t('close'));
    closeBtn.title = t('close');
    attachBtn.setAttribute('aria-label', t('attach'));
    attachBtn.title = t('attach');
    log.setAttribute('aria-label', t('log'));
    sendBtn.textContent = t('send');
    input.placeholder = t('placeholder');
    shadow.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = t(el.getAttribute('data-i18n')); });
    langBox.querySelectorAll('button').forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang)); });
  }
  function setLang(l) {
    l = norm(l); if (!l) return;
    lang = l; store.set(LKEY, l); applyLang();
    if (isOpen) loadPrivacyNotice();
  }
  var unread = false;
  function updateLauncherLabel() {
    launcher.setAttribute('aria-label', t('launcher') + (unread ? ' (' + t('newMsg') + ')' : ''));
    launcher.classList.toggle('unread', unread);
  }

  // ---- open / close ------------------------------------------------------------
  var isOpen = false;
  function open() {
    if (!isOpen) {
      isOpen = true; panel.hidden = false; root.classList.add('open');
      loadPrivacyNotice();
      launcher.setAttribute('aria-expanded', 'true');
      unread = false; updateLauncherLabel(); scrollDown();
    }
    input.focus();
  }
  function close() {
    if (!isOpen) return;
    var hadFocus = !!shadow.activeElement;
    isOpen = false; panel.hidden = true; root.classList.remove('open');
    launcher.setAttribute('aria-expanded', 'false');
    if (hadFocus) launcher.focus();
  }
  root.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && isOpen) { e.preventDefault(); close(); launcher.focus(); }
  });

  // ---- input -----------------------------------------------------------------
  function onInput() {
    var n = input.value.length;
    sendBtn.disabled = !input.value.trim();
    counter.hidden = n < COUNTER_FROM;
    counter.textContent = n + ' / ' + MAX;
    counter.classList.toggle('over', n >= MAX);
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 3, 140) + 'px';
  }
  input.addEventListener('input', onInput);
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
  function submit() {
    var v = input.value;
    if (!v.trim()) return;
    input.value = ''; onInput();
    send(v);
    input.focus();
  }

  // ---- messages ----------------------------------------------------------------
  var byId = Object.create(null), pending = [], lastId = null;
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function addToLog(el) {
    log.insertBefore(el, typing);
    scrollDown();
  }
  function createMessage(from, id) {
    var who = from === 'clerk' ? i18n(h('div', { class: 'who' }), 'clerk')
      : i18n(h('span', { class: 'sr' }), from === 'citizen' ? 'you' : 'bot');
    var body = h('div', { class: 'bubble', 'data-testid': 'functionar-message-text' });
    // Marked with a language until the server says the conversation's (fill), so it is never read in the page's.
    var el = h('div', { class: 'msg', 'data-testid': 'functionar-message', 'data-from': from, lang: lang }, [who, body]);
    if (id) el.setAttribute('data-id', id);
    var e = { el: el, body: body, from: from, id: id, streaming: false, raw: '' };
    if (id) byId[id] = e;
    addToLog(el);
    return e;
  }
  function fill(e, m) {
    e.raw = m.text == null ? '' : String(m.text);
    if (e.from !== 'citizen') {
      if (norm(m.language)) e.el.setAttribute('lang', norm(m.language));
      // Without PUBLIC_URL the server writes its links as paths: they belong to the bot's own address.
      e.raw = e.raw.replace(/(^|\s)(\/(?:api\/webchat|verify)\/[^\s<>"']+)/g, function (all, space, p) { return space + base + p; });
    }
    var own = Object.create(null), hosts = [];
    (Array.isArray(m.sources) ? m.sources : []).forEach(function (s) {
      if (!s || !s.slug) return;
      if (s.title) own[String(s.slug).toLowerCase()] = titles[String(s.slug).toLowerCase()] = String(s.title);
      if (s.url) hosts.push(hostOf(s.url));
    });
    renderText(e.body, e.raw, { markdown: e.from !== 'citizen', titles: own, hosts: hosts });
    if (m.createdAt) { var d = new Date(m.createdAt); if (!isNaN(d)) e.el.title = d.toLocaleString(lang); }
    Array.prototype.slice.call(e.el.querySelectorAll('.chips')).forEach(function (c) { c.remove(); });
    showFiles(e, m.attachments);
    if (Array.isArray(m.sources) && m.sources.length) {
      var box = h('div', { class: 'chips' });
      m.sources.forEach(function (s) {
        if (!s) return;
        var url = s.url ? safeUrl(s.url) : null;
        var chip = url ? h('a', { class: 'src', href: url, target: '_blank', rel: 'noopener' }) : h('span', { class: 'src' });
        chip.setAttribute('data-testid', 'functionar-source');
        chip.appendChild(i18n(h('span', { text: t('source') }), 'source'));
        chip.appendChild(document.createTextNode(': ' + (s.title || s.slug || '')));
        box.appendChild(chip);
      });
      e.el.appendChild(box);
    }
    if (Array.isArray(m.buttons) && m.buttons.length) {
      var bb = h('div', { class: 'chips' });
      m.buttons.forEach(function (b) {
        if (!b || b.value == null) return;
        var label = String(b.label == null ? b.value : b.label);
        bb.appendChild(h('button', {
          type: 'button', class: 'opt', 'data-testid': 'functionar-button', text: label,
          onclick: function () {
            bb.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
            send(String(b.value), label);
          }
        }));
      });
      e.el.appendChild(bb);
    }
    scrollDown();
  }
  function sizeText(bytes) {
    bytes = Number(bytes) || 0;
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(bytes / 1024)) + ' KB';
  }
  /** The files of a message, by name and size (never a link: only the clerk opens them). */
  function showFiles(e, files) {
    var old = e.body.querySelector('.files'); if (old) old.remove();
    if (!Array.isArray(files) || !files.length) return;
    var box = h('span', { class: 'files' });
    files.forEach(function (f, i) {
      if (!f) return;
      if (i || e.body.firstChild) box.appendChild(h('br'));
      box.appendChild(h('span', { class: 'file', 'data-testid': 'functionar-file' }, [
        h('span', { 'aria-hidden': 'true', text: '📎' }), i18n(h('span', { class: 'sr' }), 'file'),
        h('span', { text: String(f.fileName || '') }), h('small', { text: '(' + sizeText(f.size) + ')' })
      ]));
    });
    e.body.appendChild(box);
  }
  function fileKey(files) {
    return Array.isArray(files) && files[0] && files[0].sha256 ? '\u0000file:' + files[0].sha256 : null;
  }
  function upsert(m, live) {
    if (!m || typeof m !== 'object') return;
    var id = m.id != null ? String(m.id) : null;
    var from = m.from === 'citizen' || m.from === 'clerk' ? m.from : 'bot';
    if (id && (lastId === null || newerId(id, lastId))) lastId = id;
    // A streamed answer is shown under a temporary id; the stored message takes its bubble over.
    if (id && !byId[id] && from === 'bot') {
      var streamed = (m.streamId && byId[m.streamId] && byId[m.streamId].streaming) ? m.streamId : firstStreaming();
      if (streamed) { var se = byId[streamed]; delete byId[streamed]; finishedStreams[streamed] = true; byId[id] = se; se.el.setAttribute('data-id', id); }
    }
    if (id && byId[id]) {
      var ex = byId[id];
      if (ex.streaming) { ex.streaming = false; ex.el.removeAttribute('data-streaming'); fill(ex, m); }
      return;
    }
    if (from === 'citizen' && id) {
      var key = fileKey(m.attachments) || String(m.text);
      for (var i = 0; i < pending.length; i++) {
        if (pending[i].value === key) {
          var p = pending.splice(i, 1)[0];
          p.id = id; byId[id] = p; p.el.setAttribute('data-id', id); return;
        }
      }
    }
    if (from !== 'citizen') hideStatus();
    var created = createMessage(from, id);
    fill(created, m);
    retireOldButtons(created.el);
    if (live && from !== 'citizen' && !isOpen) { unread = true; updateLauncherLabel(); }
  }
  // Only the newest message's buttons answer the current question; older ones (also after a reload) are spent.
  function retireOldButtons(newest) {
    Array.prototype.slice.call(log.querySelectorAll('button.opt')).forEach(function (button) {
      if (!newest.contains(button)) button.disabled = true;
    });
  }
  function newerId(a, b) {
    // Message ids are numbers sent as strings: "10" is newer than "9".
    if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length !== b.length ? a.length > b.length : a > b;
    return a > b;
  }
  function firstStreaming() {
    for (var key in byId) if (byId[key] && byId[key].streaming) return key;
    return null;
  }
  // The stored message can arrive (with the POST's reply) before the last tokens (on the event stream):
  // tokens of a stream already replaced by its message are late, not the start of a new answer.
  var finishedStreams = Object.create(null);
  function onToken(d) {
    if (!d || d.replyId == null) return;
    var id = String(d.replyId), e = byId[id];
    if (finishedStreams[id]) return;
    if (e && !e.streaming) return;
    if (!e) { e = createMessage('bot', id); e.streaming = true; e.el.setAttribute('data-streaming', 'true'); typing.hidden = true; hideStatus(); }
    e.raw += String(d.delta == null ? '' : d.delta);
    renderText(e.body, e.raw, {});
    scrollDown();
  }
  var statusTimer = 0;
  function showStatus(text) {
    if (!text) return;
    statusEl.textContent = String(text); statusEl.hidden = false;
    clearTimeout(statusTimer); statusTimer = setTimeout(hideStatus, 8000);
  }
  function hideStatus() { statusEl.hidden = true; statusEl.textContent = ''; }
  function note(text, err) {
    var n = h('div', { class: 'note' + (err ? ' err' : ''), text: text, 'data-testid': err ? 'functionar-error' : 'functionar-note' });
    if (err) n.setAttribute('role', 'alert');
    addToLog(n);
  }

  // ---- HTTP / session ---------------------------------------------------------------
  var sessionId = store.get(SKEY), sessionP = null, es = null, retry = 0, retryTimer = 0;
  function req(method, url, body) {
    return fetch(url, {
      method: method, credentials: 'omit',
      headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined
    });
  }
  function forgetSession() {
    sessionId = null; store.set(SKEY, null); stopEvents();
    byId = Object.create(null); lastId = null; // ids may be per-session
  }
  function ensureSession() {
    if (sessionId) return Promise.resolve(sessionId);
    if (!sessionP) {
      sessionP = req('POST', api, { language: lang }).then(function (r) {
        if (!r.ok) throw new Error('session ' + r.status);
        return r.json();
      }).then(function (j) {
        if (!j || !j.sessionId) throw new Error('no sessionId');
        sessionId = String(j.sessionId); store.set(SKEY, sessionId); startEvents();
        return sessionId;
      }).finally(function () { sessionP = null; });
    }
    return sessionP;
  }
  function msgUrl() { return api + '/' + encodeURIComponent(sessionId) + '/messages'; }

  var queue = Promise.resolve(), inFlight = 0;
  function send(text, label) {
    text = String(text == null ? '' : text);
    if (!text.trim()) return Promise.resolve(false);
    if (text.length > MAX) text = text.slice(0, MAX);
    hideStatus();
    var e = createMessage('citizen', null);
    e.value = text; renderText(e.body, label || text, { markdown: false }); pending.push(e);
    open();
    var job = queue.then(function () { return post(text, e); });
    queue = job.catch(function () {});
    return job;
  }
  function post(text, e) {
    inFlight++; typing.hidden = false; scrollDown();
    var resend = true;
    function attempt() {
      return ensureSession().then(function () {
        return req('POST', msgUrl(), { text: text });
      }).then(function (r) {
        if (r.status === 404 && resend) { resend = false; forgetSession(); return attempt(); }
        return r.json().catch(function () { return null; }).then(function (j) {
          if (r.ok && j) {
            (Array.isArray(j.replies) ? j.replies : []).forEach(function (rep) {
              upsert(Object.assign({ from: 'bot' }, rep), false);
            });
            return true;
          }
          fail(e, text, j && j.error && j.error.message);
          return false;
        });
      });
    }
    return attempt().catch(function () { fail(e, text); return false; }).finally(function () {
      if (--inFlight <= 0) { inFlight = 0; typing.hidden = true; }
    });
  }
  function fail(e, text, msg) {
    var i = pending.indexOf(e); if (i >= 0) pending.splice(i, 1);
    e.el.classList.add('failed');
    e.el.appendChild(i18n(h('div', { class: 'fail' }), 'notSent'));
    note(msg ? String(msg) : t('error'), true);
    if (!input.value) { input.value = text; onInput(); }
  }

  // ---- files ------------------------------------------------------------------------
  function fileTypeOf(file) {
    var extension = (/\.([a-z0-9]{1,5})$/i.exec(file.name || '') || [])[1];
    var byName = extension ? FILE_TYPES[extension.toLowerCase()] : null;
    var type = String(file.type || '').toLowerCase();
    if (type === 'image/jpg') type = 'image/jpeg';
    var known = Object.keys(FILE_TYPES).some(function (x) { return FILE_TYPES[x] === type; });
    return known ? type : (!type || type === 'application/octet-stream') && byName ? byName : null;
  }
  function sendFile(file) {
    hideStatus();
    open();
    var type = fileTypeOf(file);
    // Refused here with the reason, before a byte is sent; the server refuses the same files anyway.
    if (!type) { note(t('fileType'), true); return Promise.resolve(false); }
    if (file.size > MAX_FILE) { note(t('fileTooLarge'), true); return Promise.resolve(false); }
    var e = createMessage('citizen', null);
    showFiles(e, [{ fileName: file.name, size: file.size }]);
    var job = queue.then(function () { return postFile(file, type, e); });
    queue = job.catch(function () {});
    return job;
  }
  function postFile(file, type, e) {
    inFlight++; typing.hidden = false; attachBtn.disabled = true; scrollDown();
    var resend = true;
    function attempt() {
      return ensureSession().then(function () {
        return fetch(api + '/' + encodeURIComponent(sessionId) + '/attachments', {
          method: 'POST', credentials: 'omit',
          headers: { 'Content-Type': type, 'X-File-Name': encodeURIComponent(file.name || ''), Accept: 'application/json' },
          body: file
        });
      }).then(function (r) {
        if (r.status === 404 && resend) { resend = false; forgetSession(); return attempt(); }
        return r.json().catch(function () { return null; }).then(function (j) {
          if (r.ok && j) {
            if (j.attachment) { e.value = fileKey([j.attachment]); pending.push(e); showFiles(e, [j.attachment]); }
            (Array.isArray(j.replies) ? j.replies : []).forEach(function (rep) { upsert(Object.assign({ from: 'bot' }, rep), false); });
            return true;
          }
          failFile(e, r.status === 413 ? t('fileTooLarge') : r.status === 415 ? t('fileType') : (j && j.error && j.error.message));
          return false;
        });
      });
    }
    return attempt().catch(function () { failFile(e); return false; }).finally(function () {
      attachBtn.disabled = false;
      if (--inFlight <= 0) { inFlight = 0; typing.hidden = true; }
    });
  }
  function failFile(e, msg) {
    e.el.classList.add('failed');
    e.el.appendChild(i18n(h('div', { class: 'fail' }), 'notSent'));
    note(msg ? String(msg) : t('error'), true);
  }

  function fetchMessages(after) {
    var url = msgUrl() + (after ? '?after=' + encodeURIComponent(after) : '');
    return req('GET', url).then(function (r) {
      if (r.status === 404) { forgetSession(); return null; }
      if (!r.ok) throw new Error('history ' + r.status);
      return r.json();
    });
  }
  var catching = false;
  function catchUp(live) {
    if (!sessionId || catching) return Promise.resolve();
    catching = true;
    return fetchMessages(lastId).then(function (j) {
      if (j && Array.isArray(j.messages)) j.messages.forEach(function (m) { upsert(m, live); });
    }).catch(function () {}).finally(function () { catching = false; });
  }
  function parse(s) { try { return JSON.parse(s); } catch (e) { return null; } }
  function stopEvents() {
    clearTimeout(retryTimer);
    if (es) { es.close(); es = null; }
  }
  function startEvents() {
    stopEvents();
    if (!sessionId || typeof EventSource === 'undefined') return;
    var src = es = new EventSource(api + '/' + encodeURIComponent(sessionId) + '/events');
    src.addEventListener('open', function () { retry = 0; catchUp(true); });
    src.addEventListener('message', function (ev) { upsert(parse(ev.data), true); });
    src.addEventListener('token', function (ev) { onToken(parse(ev.data)); });
    src.addEventListener('status', function (ev) { var d = parse(ev.data); showStatus(d && d.text); });
    src.addEventListener('error', function () {
      if (src !== es || src.readyState !== 2) return; // the browser retries by itself unless CLOSED
      es = null; src.close();
      var delay = Math.min(60000, 3000 * Math.pow(2, retry++));
      retryTimer = setTimeout(function () {
        if (!sessionId) return;
        catchUp(true).then(function () { if (sessionId) startEvents(); });
      }, delay);
    });
  }

  // ---- start ---------------------------------------------------------------------
  applyLang();
  window.FunctionarWidget = {
    open: open, close: close,
    send: function (text) { return send(text); },
    sendFile: function (file) { return sendFile(file); },
    setLanguage: setLang
  };
  function mount() {
    document.documentElement.appendChild(host);
    if (sessionId) {
      fetchMessages(null).then(function (j) {
        if (j && Array.isArray(j.messages)) j.messages.forEach(function (m) { upsert(m, false); });
      }).catch(function () {}).then(function () { if (sessionId) startEvents(); });
    }
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
