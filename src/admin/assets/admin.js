/* Web inbox: small progressive enhancements; every page works without this file. */
(function () {
  'use strict';

  // A reply goes to a citizen: a double click must not send it twice (the server also refuses a
  // repeated submission id, this only spares the clerk a confusing second round trip).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    if (form.getAttribute('data-submitting') === 'true') { event.preventDefault(); return; }
    form.setAttribute('data-submitting', 'true');
    var buttons = form.querySelectorAll('button[type="submit"]');
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute('aria-disabled', 'true');
  });

  // After an action the result message gets the focus, so a screen reader announces it at once.
  var flash = document.querySelector('[data-flash]');
  if (flash) {
    flash.setAttribute('tabindex', '-1');
    flash.focus();
  }

  // Characters left in a reply (the chat channels accept at most 4000).
  var areas = document.querySelectorAll('textarea[maxlength][data-counter]');
  for (var j = 0; j < areas.length; j++) {
    (function (area) {
      var counter = document.getElementById(area.getAttribute('data-counter'));
      if (!counter) return;
      var max = Number(area.getAttribute('maxlength'));
      var update = function () { counter.textContent = 'Mai puteți scrie ' + (max - area.value.length) + ' caractere.'; };
      area.addEventListener('input', update);
      update();
    })(areas[j]);
  }

  // Saved replies: the picker's button puts the chosen text into the reply box where the cursor is (without
  // this script the same form reloads the page with the text in the box).
  var pickers = document.querySelectorAll('form[data-saved-replies]');
  for (var k = 0; k < pickers.length; k++) {
    pickers[k].addEventListener('submit', function (event) {
      var picker = event.currentTarget;
      var select = picker.querySelector('select');
      var target = document.getElementById(picker.getAttribute('data-target'));
      var option = select && select.options[select.selectedIndex];
      event.preventDefault();
      event.stopImmediatePropagation();
      picker.removeAttribute('data-submitting');
      if (!target || !option || !option.value) return;
      var text = option.getAttribute('data-text') || '';
      var start = typeof target.selectionStart === 'number' ? target.selectionStart : target.value.length;
      var end = typeof target.selectionEnd === 'number' ? target.selectionEnd : target.value.length;
      target.value = target.value.slice(0, start) + text + target.value.slice(end);
      target.dispatchEvent(new Event('input'));
      target.focus();
      target.setSelectionRange(start + text.length, start + text.length);
    }, true);
  }

  // ---- live inbox -------------------------------------------------------------------------------------
  // The server tells every open page about new tickets and citizen messages (GET /admin/events, server-sent
  // events). The page then fetches itself again and swaps only the parts marked data-live, so what the clerk
  // is typing, the open selects and the scroll position stay as they are.
  var inbox = document.querySelector('[data-live-inbox]');
  var ticketRoot = document.querySelector('[data-live-ticket]');
  if ((!inbox && !ticketRoot) || typeof EventSource === 'undefined' || typeof DOMParser === 'undefined') return;
  var shownTicket = ticketRoot ? ticketRoot.getAttribute('data-live-ticket') : null;
  var announcer = document.querySelector('[data-live-announcer]');
  var refreshing = false;
  var again = false;

  function announce(text) {
    if (announcer) announcer.textContent = text;
  }

  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(window.location.pathname + window.location.search, { credentials: 'same-origin', headers: { accept: 'text/html', 'x-live-refresh': '1' } })
      .then(function (response) {
        // Signed out meanwhile (or the ticket is gone): a plain reload shows why.
        if (!response.ok || response.redirected) { window.location.reload(); return null; }
        return response.text();
      })
      .then(function (markup) {
        if (!markup) return;
        var fresh = new DOMParser().parseFromString(markup, 'text/html');
        var parts = document.querySelectorAll('[data-live]');
        for (var i = 0; i < parts.length; i++) {
          var name = parts[i].getAttribute('data-live');
          var replacement = fresh.querySelector('[data-live="' + name + '"]');
          if (replacement) parts[i].replaceWith(document.importNode(replacement, true));
        }
        document.title = fresh.title || document.title;
        document.body.setAttribute('data-live-updated', String(Date.now()));
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () {
        refreshing = false;
        if (again) { again = false; refresh(); }
      });
  }

  var stream = new EventSource('/admin/events');
  stream.addEventListener('ready', function () { document.body.setAttribute('data-live-stream', 'connected'); });
  stream.addEventListener('error', function () { document.body.setAttribute('data-live-stream', 'reconnecting'); });
  function listen(type, message) {
    stream.addEventListener(type, function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (inbox) {
        refresh();
        if (message) announce(message(data));
        return;
      }
      // On a ticket page only this ticket matters; a clerk opening it (kind "viewed") changes nothing shown.
      if (data.ticket !== shownTicket || data.kind === 'viewed') return;
      refresh();
      if (type === 'citizen-message') announce('Mesaj nou de la cetățean.');
    });
  }
  listen('ticket-created', function (data) { return 'Tichet nou: ' + data.ticket + '.'; });
  listen('citizen-message', function (data) { return 'Mesaj nou de la cetățean la tichetul ' + data.ticket + '.'; });
  listen('ticket-updated', null);
})();
