// Live validation in the catalogue draft editor (gateway/console/catalogue-draft-pages.ts): while
// the operator types, the editor form (with its CSRF token) is posted to the console's check
// endpoint, which runs the gateway's own draft validation and compatibility report and answers an
// HTML fragment (escaped by the server) shown under the editor. A local script, no framework.
//
// The state says 已校验 Checked only for the text as it stands: an edit makes it 已修改 Edited, an
// answer to a check sent before the last edit is shown but says it is for an earlier text, and the
// check of the final text follows (the timer the edit restarted). The form carries data-checked
// (the answer's number) only while the answer shown is for the current text. Per keystroke the
// script restarts a timer and sets the state line, no more: in a 36 KB item document a keystroke costs a frame and
// a paste some 50 ms, all of it Chromium's own editing (gateway/console/README.md, catalogue
// drafts).
(function () {
  'use strict';
  var form = document.getElementById('draft-editor');
  if (!form) return;
  var textarea = document.getElementById('draft-document');
  var target = document.getElementById('live-check');
  var state = document.getElementById('live-state');
  var url = form.getAttribute('data-check-url');
  var DELAY_MS = 600;
  var timer = null;
  var sent = 0;
  var edits = 0; // input events so far: which text a check was sent for

  function show(text) {
    if (state.textContent !== text) state.textContent = text;
  }

  function check() {
    var mine = ++sent;
    var editsAtSend = edits;
    show('校验中… Checking…');
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
        if (editsAtSend === edits) {
          show('已校验 Checked');
          form.setAttribute('data-checked', String(mine));
        } else {
          show('已修改，将重新校验 Edited since: checking again');
        }
      })
      .catch(function () {
        if (mine === sent) show('无法连接网关 Gateway unreachable');
      });
  }

  textarea.addEventListener('input', function () {
    edits++;
    form.removeAttribute('data-checked');
    show('已修改 Edited');
    clearTimeout(timer);
    timer = setTimeout(check, DELAY_MS);
  });
  check();
})();
