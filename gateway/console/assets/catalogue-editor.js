// Live validation in the catalogue draft editor (gateway/console/catalogue-draft-editor.ts): while
// the operator types, the editor form (with its CSRF token) is posted to the console's check
// endpoint, which runs the gateway's own draft validation and compatibility report and answers an
// HTML fragment (escaped by the server) shown under the editor. A local script, no framework; the
// page works without it (the form posts, the diff shows the saved draft).
//
// The state says 已校验 Checked only for the text as it stands: an edit makes it 已修改 Edited, an
// answer to a check sent before the last edit is shown but says it is for an earlier text, and the
// check of the final text follows (the timer the edit restarted). The form carries data-checked
// (the answer's number) only while the answer shown is for the current text; while it is not, the
// answer is dimmed (#live-check.stale) under a label saying so.
//
// Unsaved changes: what is saved is each field's own server-rendered default (the document, the
// note), unless the form says data-unsaved (a refused save: the text shown is stored nowhere).
// While the editor differs from it, the saved diff's section says its table does not show the editor yet, 放弃修改 Discard
// puts the saved text back, and leaving the page asks first (beforeunload) — not when the editor
// form itself is submitted. Save keeps the caret, selection and scroll in sessionStorage under the
// form's action, and the page that answers the save (data-after-save) puts them back.
//
// A session that ends under the editor: the live check's answer is then the sign-in page the
// fetch was redirected to, which the script says in words (it used to draw that page inside the
// form — its required fields blocked Save — and call the text checked); only an answer marked as
// the check's fragment (X-Console-Fragment) is drawn. Save keeps the editor's text in
// sessionStorage, and when the same editor opens again without a save having answered — Save went
// to the sign-in page, which returns to this page, or the gateway never answered — it puts the
// text back, unsaved, and says so (#editor-restored).
//
// Per keystroke the script restarts a timer, sets the state line and compares the text with the
// saved one (≈ 0.01 ms for a 36 KB document in headless Chromium): in such a document a keystroke
// costs a frame and a paste some 50 ms, all of it Chromium's own editing
// (gateway/console/README.md, catalogue drafts).
(function () {
  'use strict';
  var form = document.getElementById('draft-editor');
  if (!form) return;
  var textarea = document.getElementById('draft-document');
  var target = document.getElementById('live-check');
  var state = document.getElementById('live-state');
  var staleLabel = document.getElementById('live-check-stale');
  var unsavedNote = document.getElementById('diff-unsaved'); // on a draft's page only
  var discard = document.getElementById('draft-discard');
  var url = form.getAttribute('data-check-url');
  var DELAY_MS = 600;
  var timer = null;
  var sent = 0;
  var edits = 0; // input events so far: which text a check was sent for
  // What Save would store: the document, the note (and a new item's code), as the page came.
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') && el.type !== 'hidden';
  });
  var savedValues = fields.map(function (el) {
    return el.defaultValue;
  });
  var storedNowhere = form.hasAttribute('data-unsaved');
  var positionKey = 'catalogue-editor:position:' + form.getAttribute('action');
  // Which editor a kept text belongs to: the draft (or the new draft's kind) it was typed for.
  var UNSAVED_KEY = 'catalogue-editor:unsaved';
  var savedAtField = form.elements.namedItem('savedAt'); // a draft's page: the save it was loaded at
  var editorId = form.getAttribute('action') + '#' + form.elements.namedItem('kind').value;
  var submitting = false; // the editor form is on its way: leaving is the point
  var dirty = false;
  var stale = false;

  function show(text) {
    if (state.textContent !== text) state.textContent = text;
  }

  function setStale(now) {
    if (now === stale) return;
    stale = now;
    target.classList.toggle('stale', now);
    staleLabel.hidden = !now;
  }

  function unsaved() {
    return (
      storedNowhere ||
      fields.some(function (el, i) {
        return el.value !== savedValues[i];
      })
    );
  }

  function setDirty(now) {
    if (now === dirty) return;
    dirty = now;
    if (unsavedNote) unsavedNote.hidden = !now;
    discard.hidden = !now;
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
          return {
            fragment: res.headers.get('x-console-fragment') === 'draft-check' && res.status < 500,
            signedOut: res.redirected && new URL(res.url).pathname === '/console/sign-in',
            status: res.status,
            text: text,
          };
        });
      })
      .then(function (answer) {
        if (mine !== sent) return; // a later check is on its way
        if (!answer.fragment) {
          notChecked(answer);
          return;
        }
        target.innerHTML = answer.text;
        if (editsAtSend === edits) {
          setStale(false);
          show('已校验 Checked');
          form.setAttribute('data-checked', String(mine));
        } else {
          setStale(true);
          show('已修改，将重新校验 Edited since: checking again');
        }
      })
      .catch(function () {
        if (mine === sent) show('无法连接网关 Gateway unreachable');
      });
  }

  // An answer that is not the check's fragment: the session ended (the fetch followed the
  // redirect to the sign-in page) or an error page (a stale CSRF token, a 500). Said in words,
  // never drawn: a whole page in the form put its fields in the editor form (the sign-in page's
  // required inputs blocked Save).
  function notChecked(answer) {
    var message = document.createElement('p');
    message.className = 'notice error';
    message.id = 'check-not-run';
    if (answer.signedOut) {
      message.setAttribute('data-reason', 'signed-out');
      message.textContent =
        '会话已过期，未校验。编辑器中的文本还在：点击“保存”会先转到登录页，登录后回到本页时未保存的文本会放回编辑器。' +
        ' Your session has ended: not checked. Your text is still here: Save takes you to sign in,' +
        ' and back on this page the unsaved text is put back in the editor.';
    } else {
      var page = new DOMParser().parseFromString(answer.text, 'text/html');
      var detail = page.getElementById('error-detail');
      message.setAttribute('data-reason', String(answer.status));
      message.textContent =
        '校验未完成 The check did not run (HTTP ' +
        answer.status +
        ')' +
        (detail ? ': ' + detail.textContent.replace(/\s+/g, ' ').trim() : '');
    }
    target.replaceChildren(message);
    setStale(false);
    show('未校验 Not checked');
  }

  function edited() {
    edits++;
    submitting = false; // typing again: a submit that never left (stopped, offline) is over
    form.removeAttribute('data-checked');
    if (target.firstElementChild) setStale(true);
    setDirty(unsaved());
    show('已修改 Edited');
    clearTimeout(timer);
    timer = setTimeout(check, DELAY_MS);
  }

  function restorePosition() {
    var kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(positionKey) || 'null');
      sessionStorage.removeItem(positionKey);
    } catch {
      return; // storage off or unreadable: the editor opens at the top, as without the script
    }
    if (!kept || !form.hasAttribute('data-after-save')) return;
    var length = textarea.value.length;
    textarea.setSelectionRange(Math.min(kept.start, length), Math.min(kept.end, length));
    textarea.focus({ preventScroll: true });
    textarea.scrollTop = kept.scrollTop;
    // The editor where it was in the window: the page above it may differ (the Saved notice).
    window.scrollBy(0, textarea.getBoundingClientRect().top - kept.top);
  }

  form.addEventListener('input', function (event) {
    if (event.target === textarea) edited();
    else setDirty(unsaved());
  });

  form.addEventListener('submit', function () {
    submitting = true;
    try {
      sessionStorage.setItem(
        UNSAVED_KEY,
        JSON.stringify({
          editor: editorId,
          values: fields.map(function (el) {
            return el.value;
          }),
          savedAt: savedAtField ? savedAtField.value : null,
        }),
      );
      sessionStorage.setItem(
        positionKey,
        JSON.stringify({
          start: textarea.selectionStart,
          end: textarea.selectionEnd,
          scrollTop: textarea.scrollTop,
          top: textarea.getBoundingClientRect().top,
        }),
      );
    } catch {
      // storage off: the page after the save opens the editor at the top
    }
  });

  discard.addEventListener('click', function () {
    if (!window.confirm('放弃未保存的修改？ Discard the unsaved changes?')) return;
    if (storedNowhere) {
      // Nothing of this text is stored: back to what is (the draft's page, or the draft list).
      submitting = true;
      window.location.assign(form.getAttribute('action'));
      return;
    }
    var at = Math.min(textarea.selectionStart, textarea.defaultValue.length);
    var scrollTop = textarea.scrollTop;
    fields.forEach(function (el, i) {
      el.value = savedValues[i];
    });
    textarea.setSelectionRange(at, at);
    textarea.scrollTop = scrollTop;
    edited();
  });

  window.addEventListener('beforeunload', function (event) {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = ''; // Chromium before 119 asks only with a returnValue set
  });

  // The text a submit kept comes back when this editor opens again without a save having
  // answered: the session had ended (Save went to the sign-in page, which returns here) or the
  // gateway never answered. Any editor that opens forgets it: it is for the next page only.
  function restoreUnsaved() {
    var kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(UNSAVED_KEY) || 'null');
      sessionStorage.removeItem(UNSAVED_KEY);
    } catch {
      return;
    }
    if (!kept || kept.editor !== editorId || form.hasAttribute('data-after-save')) return;
    if (!Array.isArray(kept.values) || kept.values.length !== fields.length) return;
    var differs = fields.some(function (el, i) {
      return el.value !== kept.values[i];
    });
    if (!differs) return;
    fields.forEach(function (el, i) {
      el.value = kept.values[i];
    });
    // The text is of the draft as it was then: a save made since is still not overwritten unseen.
    if (savedAtField && kept.savedAt) savedAtField.value = kept.savedAt;
    document.getElementById('editor-restored').hidden = false;
  }

  restoreUnsaved();
  restorePosition();
  setDirty(unsaved());
  check();
})();
