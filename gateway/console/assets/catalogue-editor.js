// Live validation in the catalogue draft editor (gateway/console/catalogue-draft-pages.ts): while
// the operator types, the editor form (with its CSRF token) is posted to the console's check
// endpoint, which runs the gateway's own draft validation and compatibility report and answers an
// HTML fragment (escaped by the server) shown under the editor. A local script, no framework.
(function () {
  'use strict';
  var form = document.getElementById('draft-editor');
  if (!form) return;
  var textarea = document.getElementById('draft-document');
  var target = document.getElementById('live-check');
  var state = document.getElementById('live-state');
  var url = form.getAttribute('data-check-url');
  var timer = null;
  var sent = 0;

  function check() {
    var mine = ++sent;
    state.textContent = '校验中… Checking…';
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
    })
      .then(function (res) {
        return res.text().then(function (text) {
          return { ok: res.status < 500, text: text };
        });
      })
      .then(function (answer) {
        if (mine !== sent) return; // a later check is on its way
        target.innerHTML = answer.ok
          ? answer.text
          : '<p class="notice error">校验失败 The check failed</p>';
        state.textContent = '已校验 Checked';
        form.setAttribute('data-checked', String(mine));
      })
      .catch(function () {
        if (mine === sent) state.textContent = '无法连接网关 Gateway unreachable';
      });
  }

  textarea.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
  check();
})();
