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
})();
